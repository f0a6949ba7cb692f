using Npgsql;

namespace CareLake.Warehouse.Gold;

/// <summary>
/// Maintains <c>gold.patient_risk_snapshot</c> incrementally: after each batch, only the patients it
/// touched are recomputed from silver (Gold/patient_risk_snapshot.sql).
/// </summary>
public static class PatientRiskSnapshotModel
{
    // Patients hash into this many advisory-lock buckets; a batch locks its buckets in order, so two
    // transactions never recompute one patient at once even if a producer spreads a patient over partitions.
    private const int LockBuckets = 1024;
    private const int LockClass = 0x676f6c64; // "gold"

    public static async Task RefreshAsync(NpgsqlConnection connection, IReadOnlyCollection<string> patients, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        if (patients.Count == 0) return;
        var ids = patients.ToArray();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"""
                    SELECT pg_advisory_xact_lock({LockClass}, b)
                      FROM (SELECT DISTINCT abs(hashtext(p) % {LockBuckets}) AS b FROM unnest($1::text[]) AS p) AS buckets
                     ORDER BY b
                    """) { Parameters = { new NpgsqlParameter<string[]> { TypedValue = ids } } },
                new NpgsqlBatchCommand(SqlResources.Warehouse.Load("Gold/patient_risk_snapshot.sql"))
                {
                    Parameters = { new NpgsqlParameter<string[]> { TypedValue = ids }, new NpgsqlParameter<DateTimeOffset> { TypedValue = now } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Recomputes every patient's row from silver (the table is a pure function of silver).</summary>
    public static async Task RebuildAsync(NpgsqlDataSource dataSource, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var patients = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT DISTINCT patient_id FROM silver.vital_signs", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) patients.Add(reader.GetString(0));
        }

        await using (var clear = new NpgsqlCommand("DELETE FROM gold.patient_risk_snapshot", connection))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var chunk in patients.Chunk(5000))
        {
            await RefreshAsync(connection, chunk, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
