using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Alerting;

/// <summary>What became of an alert on one channel; a dead letter when it failed for good.</summary>
public sealed record ChannelOutcome(string Channel, string Status, int Attempts, string? Detail, (string Target, JsonObject Payload)? DeadLetter = null);

/// <summary>An alert not yet handled, with the channels already decided for it.</summary>
public sealed record PendingAlert(Alert Alert, HashSet<string> Done);

/// <summary>The dispatcher lost its lease: another dispatcher delivers now.</summary>
public sealed class AlertLeaseLostException : Exception
{
    public AlertLeaseLostException(string message) : base(message) { }
    public AlertLeaseLostException(string message, Exception inner) : base(message, inner) { }
    public AlertLeaseLostException() { }
}

/// <summary>The dispatcher's reads and writes in PostgreSQL (migration 0013): pending rows, deliveries, dedupe, the lease.</summary>
public sealed class AlertStore(NpgsqlDataSource dataSource, string holder)
{
    private readonly HandledIds _handled = new();

    /// <summary>Rows already handled are older than this before the cursor moves past them (a transaction holding a lower id may still commit).</summary>
    private const string CursorSettle = "30 seconds";

    public NpgsqlDataSource DataSource => dataSource;

    public string Holder => holder;

    /// <summary>Takes or renews the lease; false when another dispatcher holds an unexpired one.</summary>
    public async Task<bool> TryAcquireLeaseAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO ops.alert_dispatcher_lease (singleton, holder, expires_at) VALUES (true, $1, clock_timestamp() + $2)
            ON CONFLICT (singleton) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
             WHERE ops.alert_dispatcher_lease.holder = EXCLUDED.holder OR ops.alert_dispatcher_lease.expires_at < clock_timestamp()
            RETURNING holder
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = holder });
        command.Parameters.Add(new NpgsqlParameter { Value = duration, NpgsqlDbType = NpgsqlDbType.Interval });
        return await command.ExecuteScalarAsync(cancellationToken) is string;
    }

    public async Task ReleaseLeaseAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM ops.alert_dispatcher_lease WHERE holder = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = holder });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Unhandled rows of every source in id order, oldest first, at most <paramref name="limit"/> per source, each with the
    /// channels already decided for it (a restart skips them). First the ids above each source's cursor (an index-only
    /// read), less those this store saw handled; then, only if some are left, those rows. A row committed late with a lower
    /// id than rows already handled is found the same way, so the cursor can stay a safe 30 s behind.
    /// </summary>
    public async Task<IReadOnlyList<PendingAlert>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        var alerts = new List<PendingAlert>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var candidates = new Dictionary<AlertSource, long[]>();
        await using (var ids = new NpgsqlCommand("""
            SELECT 0, c.last_id, ARRAY(SELECT t.alert_id FROM silver.clinical_alerts t WHERE t.alert_id > c.last_id ORDER BY t.alert_id)
              FROM (SELECT coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = 'clinical'), 0) AS last_id) c
            UNION ALL
            SELECT 1, c.last_id, ARRAY(SELECT t.alert_id FROM ops.operational_alerts t WHERE t.alert_id > c.last_id ORDER BY t.alert_id)
              FROM (SELECT coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = 'operational'), 0) AS last_id) c
            UNION ALL
            SELECT 2, c.last_id, ARRAY(SELECT t.event_id FROM ops.pipeline_events t WHERE t.event_id > c.last_id ORDER BY t.event_id)
              FROM (SELECT coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = 'pipeline'), 0) AS last_id) c
            """, connection))
        await using (var open = await ids.ExecuteReaderAsync(cancellationToken))
        {
            while (await open.ReadAsync(cancellationToken))
            {
                var source = (AlertSource)open.GetInt32(0);
                var unhandled = _handled.Open(source, open.GetInt64(1), open.GetFieldValue<long[]>(2), limit);
                if (unhandled.Length > 0) candidates[source] = unhandled;
            }
        }

        if (candidates.Count == 0) return alerts;
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (source, sql) in new[]
                 {
                     (AlertSource.Clinical, """
                     SELECT a.alert_id, a.kind, a.severity, a.patient_id, a.encounter_id, a.reason, a.raised_at, a.event_id, a.bronze_id, a.news2_score, a.measured_at,
                            ARRAY(SELECT d.channel FROM ops.alert_deliveries d WHERE d.alert_key = 'clinical-' || a.alert_id)
                       FROM silver.clinical_alerts a WHERE a.alert_id = ANY($1) ORDER BY a.alert_id
                     """),
                     (AlertSource.Operational, """
                     SELECT a.alert_id, a.kind, a.severity, a.dedupe_key, a.reason, a.source::text, a.raised_at,
                            ARRAY(SELECT d.channel FROM ops.alert_deliveries d WHERE d.alert_key = 'operational-' || a.alert_id)
                       FROM ops.operational_alerts a WHERE a.alert_id = ANY($1) ORDER BY a.alert_id
                     """),
                     (AlertSource.Pipeline, """
                     SELECT e.event_id, e.run_id, e.stage, e.status, e.rows, e.duration_ms, e.error, e.occurred_at,
                            ARRAY(SELECT d.channel FROM ops.alert_deliveries d WHERE d.alert_key = 'pipeline-' || e.event_id)
                       FROM ops.pipeline_events e WHERE e.event_id = ANY($1) ORDER BY e.event_id
                     """),
                 })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = candidates.GetValueOrDefault(source, []) });
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var patient = reader.GetString(3);
            var kind = reader.GetString(1);
            var severity = reader.GetString(2);
            alerts.Add(new PendingAlert(new Alert(AlertSource.Clinical, reader.GetInt64(0), kind, severity, patient,
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                $"clinical:{patient}:{kind}:{severity}",
                new JsonObject { ["table"] = "silver.clinical_alerts", ["id"] = reader.GetInt64(0), ["event_id"] = reader.GetString(7), ["bronze_id"] = reader.GetInt64(8) },
                new JsonObject
                {
                    ["news2_score"] = reader.IsDBNull(9) ? null : (int)reader.GetInt16(9),
                    ["measured_at"] = reader.GetFieldValue<DateTimeOffset>(10).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                }), Channels(reader, 11)));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var link = JsonNode.Parse(reader.GetString(5)) as JsonObject ?? [];
            link["table"] ??= "ops.operational_alerts";
            link["alert_row"] = reader.GetInt64(0);
            alerts.Add(new PendingAlert(new Alert(AlertSource.Operational, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), null, null,
                reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(3), link), Channels(reader, 7)));
        }

        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = reader.GetString(3);
            var stage = reader.GetString(2);
            alerts.Add(new PendingAlert(new Alert(AlertSource.Pipeline, reader.GetInt64(0), "run_" + status, status == "failed" ? "high" : "info", null, null,
                reader.IsDBNull(6) ? $"{stage} {status}" : $"{stage} {status}: {reader.GetString(6)}", reader.GetFieldValue<DateTimeOffset>(7), "",
                new JsonObject { ["table"] = "ops.pipeline_events", ["id"] = reader.GetInt64(0) },
                new JsonObject
                {
                    ["run_id"] = reader.GetString(1),
                    ["stage"] = stage,
                    ["status"] = status,
                    ["rows"] = reader.IsDBNull(4) ? null : reader.GetInt64(4),
                    ["duration_ms"] = reader.IsDBNull(5) ? null : reader.GetInt64(5),
                }), Channels(reader, 8)));
        }

        // Rows another dispatcher (or this one before a restart) finished: remember them, deliver the rest.
        foreach (var finished in alerts.Where(p => p.Done.Contains("*"))) _handled.Add(finished.Alert.Source, finished.Alert.Id);
        return alerts.Where(p => !p.Done.Contains("*")).ToList();
    }

    private static HashSet<string> Channels(NpgsqlDataReader reader, int ordinal) => new(reader.GetFieldValue<string[]>(ordinal), StringComparer.Ordinal);

    /// <summary>The last delivered alert of each of these dedupe keys (read without locking: only the lease holder writes them).</summary>
    public async Task<Dictionary<string, DedupeEntry>> DedupeStateAsync(IEnumerable<string> dedupeKeys, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT dedupe_key, alert_key, raised_at FROM ops.alert_dedupe WHERE dedupe_key = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = dedupeKeys.Distinct(StringComparer.Ordinal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var latest = new Dictionary<string, DedupeEntry>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) latest[reader.GetString(0)] = new DedupeEntry(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        return latest;
    }

    /// <summary>
    /// Records the channel outcomes of several alerts, and the dedupe keys' new latest alerts and repeat counts, in one
    /// transaction.
    /// </summary>
    public Task RecordAsync(IReadOnlyList<(string AlertKey, ChannelOutcome Outcome)> outcomes, CancellationToken cancellationToken,
        IReadOnlyList<DedupeEntry>? dedupe = null) =>
        InLeaseAsync(async (connection, transaction) =>
        {
            if (outcomes.Count == 0 && (dedupe is null || dedupe.Count == 0)) return true;
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch)
            {
                if (dedupe is { Count: > 0 })
                {
                    var upsert = new NpgsqlBatchCommand("""
                        INSERT INTO ops.alert_dedupe (dedupe_key, alert_key, raised_at, suppressed)
                        SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[])
                        ON CONFLICT (dedupe_key) DO UPDATE SET alert_key = EXCLUDED.alert_key, raised_at = EXCLUDED.raised_at,
                                                               suppressed = ops.alert_dedupe.suppressed + EXCLUDED.suppressed
                        """);
                    upsert.Parameters.Add(new NpgsqlParameter { Value = dedupe.Select(d => d.DedupeKey).ToArray() });
                    upsert.Parameters.Add(new NpgsqlParameter { Value = dedupe.Select(d => d.AlertKey).ToArray() });
                    upsert.Parameters.Add(new NpgsqlParameter { Value = dedupe.Select(d => d.RaisedAt).ToArray() });
                    upsert.Parameters.Add(new NpgsqlParameter { Value = dedupe.Select(d => d.Suppressed).ToArray() });
                    batch.BatchCommands.Add(upsert);
                }

                var deliveries = new NpgsqlBatchCommand("""
                    INSERT INTO ops.alert_deliveries (alert_key, channel, status, attempts, detail)
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[])
                    ON CONFLICT DO NOTHING
                    """);
                deliveries.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.AlertKey).ToArray() });
                deliveries.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Outcome.Channel).ToArray() });
                deliveries.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Outcome.Status).ToArray() });
                deliveries.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Outcome.Attempts).ToArray() });
                deliveries.Parameters.Add(new NpgsqlParameter { Value = outcomes.Select(o => o.Outcome.Detail).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                batch.BatchCommands.Add(deliveries);
                var dead = outcomes.Where(o => o.Outcome.DeadLetter is not null).ToList();
                if (dead.Count > 0)
                {
                    var letters = new NpgsqlBatchCommand("""
                        INSERT INTO ops.alert_dead_letters (alert_key, channel, target, payload, attempts, error)
                        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::integer[], $6::text[])
                        """);
                    letters.Parameters.Add(new NpgsqlParameter { Value = dead.Select(o => o.AlertKey).ToArray() });
                    letters.Parameters.Add(new NpgsqlParameter { Value = dead.Select(o => o.Outcome.Channel).ToArray() });
                    letters.Parameters.Add(new NpgsqlParameter { Value = dead.Select(o => o.Outcome.DeadLetter!.Value.Target).ToArray() });
                    letters.Parameters.Add(new NpgsqlParameter { Value = dead.Select(o => o.Outcome.DeadLetter!.Value.Payload.ToJsonString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
                    letters.Parameters.Add(new NpgsqlParameter { Value = dead.Select(o => o.Outcome.Attempts).ToArray() });
                    letters.Parameters.Add(new NpgsqlParameter { Value = dead.Select(o => o.Outcome.Detail ?? "failed").ToArray() });
                    batch.BatchCommands.Add(letters);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            return true;
        }, cancellationToken, committed: () =>
        {
            foreach (var (alertKey, outcome) in outcomes)
            {
                if (outcome.Channel == "*" && Alert.TryParseKey(alertKey, out var source, out var id)) _handled.Add(source, id);
            }
        });

    /// <summary>Moves each source's cursor past the handled rows that have settled, so pending reads stay short.</summary>
    public Task AdvanceCursorsAsync(CancellationToken cancellationToken) =>
        InLeaseAsync(async (connection, transaction) =>
        {
            foreach (var (source, table, id) in new[] { ("clinical", "silver.clinical_alerts", "alert_id"), ("operational", "ops.operational_alerts", "alert_id"), ("pipeline", "ops.pipeline_events", "event_id") })
            {
                await using var command = new NpgsqlCommand($"""
                    WITH cur AS (SELECT coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = '{source}'), 0) AS last_id),
                         first_open AS (
                             SELECT t.{id} AS id FROM {table} t, cur
                              WHERE t.{id} > cur.last_id
                                AND coalesce((SELECT d.decided_at FROM ops.alert_deliveries d WHERE d.alert_key = '{source}-' || t.{id} AND d.channel = '*')
                                             >= clock_timestamp() - interval '{CursorSettle}', true)
                              ORDER BY t.{id} LIMIT 1)
                    INSERT INTO ops.alert_cursors (source, last_id)
                    SELECT '{source}', coalesce((SELECT id - 1 FROM first_open), (SELECT max({id}) FROM {table}))
                     WHERE coalesce((SELECT id - 1 FROM first_open), (SELECT max({id}) FROM {table})) > (SELECT last_id FROM cur)
                    ON CONFLICT (source) DO UPDATE SET last_id = EXCLUDED.last_id, updated_at = now()
                    """, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return true;
        }, cancellationToken);

    /// <summary>Runs a write in a transaction that first checks this dispatcher still holds the lease (fencing).</summary>
    private async Task<T> InLeaseAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken, Action? committed = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lease = new NpgsqlCommand(
                         "SELECT 1 FROM ops.alert_dispatcher_lease WHERE holder = $1 AND expires_at > clock_timestamp() FOR SHARE", connection, transaction))
        {
            lease.Parameters.Add(new NpgsqlParameter { Value = holder });
            if (await lease.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw new AlertLeaseLostException($"Dispatcher {holder} no longer holds the alert lease; another dispatcher delivers.");
            }
        }

        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        committed?.Invoke();
        return result;
    }
}
