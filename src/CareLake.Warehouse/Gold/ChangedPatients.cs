using Npgsql;

namespace CareLake.Warehouse.Gold;

/// <summary>
/// Records, in the caller's silver transaction, which patients it changed (<c>gold.changed_patients</c>): what the
/// next incremental gold run recomputes. Every path that writes silver calls this in the same transaction.
/// </summary>
public static class ChangedPatients
{
    public static async Task RecordAsync(NpgsqlConnection connection, IReadOnlyCollection<PatientKey> patients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        if (patients.Count == 0) return;
        await using var command = new NpgsqlCommand("INSERT INTO gold.changed_patients (source, patient_id) SELECT * FROM unnest($1::text[], $2::text[])", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = patients.Select(p => p.Source).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = patients.Select(p => p.PatientId).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
