using Npgsql;

namespace CareLake.Warehouse.Gold;

/// <summary>A patient's identity in silver and gold: the id namespace (<c>mrn</c>, <c>synthea</c>, <c>fhir</c>, …) and the id within it.</summary>
public readonly record struct PatientKey(string Source, string PatientId);

/// <summary>
/// Maintains <c>gold.patient_risk_snapshot</c> incrementally. A batch that changes a patient's silver
/// rows queues the patient in <c>gold.pending_patients</c> (same transaction); the refresher claims
/// queued patients and recomputes only their rows from silver (Gold/patient_risk_snapshot.sql).
/// </summary>
public static class PatientRiskSnapshotModel
{
    /// <summary>Queues patients for a refresh, inside the caller's batch transaction.</summary>
    public static async Task QueueAsync(NpgsqlConnection connection, IReadOnlyCollection<PatientKey> patients, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        if (patients.Count == 0) return;
        await using var command = new NpgsqlCommand("INSERT INTO gold.pending_patients (source, patient_id) SELECT * FROM unnest($1::text[], $2::text[])", connection);
        AddKeys(command, patients);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddKeys(NpgsqlCommand command, IReadOnlyCollection<PatientKey> patients)
    {
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = patients.Select(p => p.Source).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = patients.Select(p => p.PatientId).ToArray() });
    }

    /// <summary>The newest queue entry's id (0 when the queue is empty): a refresh can stop there instead of chasing new work.</summary>
    public static async Task<long> LastQueuedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM gold.pending_patients");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> queue entries up to id <paramref name="upTo"/>, oldest first (skipping
    /// any another refresher holds), and recomputes their patients' rows once each, in one transaction.
    /// </summary>
    /// <returns>How many queue entries were drained; 0 when none was left.</returns>
    public static async Task<int> RefreshPendingAsync(NpgsqlDataSource dataSource, DateTimeOffset now, int limit = 50_000, long upTo = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var patients = new HashSet<PatientKey>();
        var claimed = 0;
        // The ids are collected into an array first, so the delete is a primary-key lookup per id whatever the
        // planner believes about the queue's size (a semi-join planned on stale statistics can go quadratic).
        await using (var claim = new NpgsqlCommand("""
            DELETE FROM gold.pending_patients
             WHERE id = ANY (ARRAY(SELECT id FROM gold.pending_patients WHERE id <= $2 ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
            RETURNING source, patient_id
            """, connection))
        {
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            claim.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upTo });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                patients.Add(new PatientKey(reader.GetString(0), reader.GetString(1)));
                claimed++;
            }
        }

        if (claimed == 0) return 0;
        await RefreshAsync(connection, patients, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>
    /// Recomputes the given patients' rows from silver with the gold model (Gold/Models/patient_risk_snapshot.sql),
    /// inside the caller's transaction. <paramref name="now"/> is not used: rows are stamped with the transaction's time.
    /// </summary>
    public static async Task RefreshAsync(NpgsqlConnection connection, IReadOnlyCollection<PatientKey> patients, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patients);
        _ = now;
        if (patients.Count == 0) return;
        await using (var fill = new NpgsqlCommand("""
            CREATE TEMP TABLE model_patients (
                source      text COLLATE "C" NOT NULL,
                patient_id  text COLLATE "C" NOT NULL,
                PRIMARY KEY (source, patient_id)
            ) ON COMMIT DROP
            """, connection))
        {
            await fill.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO model_patients (source, patient_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING", connection))
        {
            AddKeys(insert, patients);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // Dropped at once, so several refreshes can share one transaction.
        await using var command = new NpgsqlCommand(SqlResources.Warehouse.Load("Gold/Models/patient_risk_snapshot.sql") + ";\nDROP TABLE model_patients", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Recomputes every patient's row from silver (the table is a pure function of silver) and empties the queue.
    /// One repeatable-read snapshot: queue entries committed after it stay queued, so a batch landing meanwhile is
    /// refreshed later instead of lost; a concurrent refresher makes this fail with a serialization error instead.
    /// </summary>
    /// <returns>The number of patients.</returns>
    public static async Task<int> RebuildAsync(NpgsqlDataSource dataSource, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var patients = new List<PatientKey>();
        await using (var command = new NpgsqlCommand("SELECT DISTINCT source, patient_id FROM silver.vital_signs", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) patients.Add(new PatientKey(reader.GetString(0), reader.GetString(1)));
        }

        await using (var clear = new NpgsqlCommand("DELETE FROM gold.patient_risk_snapshot; DELETE FROM gold.pending_patients", connection))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var chunk in patients.Chunk(10_000))
        {
            await RefreshAsync(connection, chunk, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return patients.Count;
    }
}
