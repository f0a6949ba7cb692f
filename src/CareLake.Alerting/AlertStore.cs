using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Alerting;

/// <summary>What became of an alert on one channel; a dead letter when it failed for good.</summary>
public sealed record ChannelOutcome(string Channel, string Status, int Attempts, string? Detail, (string Target, JsonObject Payload)? DeadLetter = null);

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

    /// <summary>Unhandled rows of every source in id order, oldest first, at most <paramref name="limit"/> per source.</summary>
    public async Task<IReadOnlyList<Alert>> PendingAsync(int limit, CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("""
            SELECT a.alert_id, a.kind, a.severity, a.patient_id, a.encounter_id, a.reason, a.raised_at, a.event_id, a.bronze_id, a.news2_score, a.measured_at
              FROM silver.clinical_alerts a
             WHERE a.alert_id > coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = 'clinical'), 0)
               AND NOT EXISTS (SELECT 1 FROM ops.alert_deliveries d WHERE d.alert_key = 'clinical-' || a.alert_id AND d.channel = '*')
             ORDER BY a.alert_id LIMIT $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var patient = reader.GetString(3);
                var kind = reader.GetString(1);
                var severity = reader.GetString(2);
                alerts.Add(new Alert(AlertSource.Clinical, reader.GetInt64(0), kind, severity, patient,
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                    $"clinical:{patient}:{kind}:{severity}",
                    new JsonObject { ["table"] = "silver.clinical_alerts", ["id"] = reader.GetInt64(0), ["event_id"] = reader.GetString(7), ["bronze_id"] = reader.GetInt64(8) },
                    new JsonObject
                    {
                        ["news2_score"] = reader.IsDBNull(9) ? null : (int)reader.GetInt16(9),
                        ["measured_at"] = reader.GetFieldValue<DateTimeOffset>(10).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    }));
            }
        }

        await using (var command = new NpgsqlCommand("""
            SELECT a.alert_id, a.kind, a.severity, a.dedupe_key, a.reason, a.source::text, a.raised_at
              FROM ops.operational_alerts a
             WHERE a.alert_id > coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = 'operational'), 0)
               AND NOT EXISTS (SELECT 1 FROM ops.alert_deliveries d WHERE d.alert_key = 'operational-' || a.alert_id AND d.channel = '*')
             ORDER BY a.alert_id LIMIT $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var link = JsonNode.Parse(reader.GetString(5)) as JsonObject ?? [];
                link["table"] ??= "ops.operational_alerts";
                link["alert_row"] = reader.GetInt64(0);
                alerts.Add(new Alert(AlertSource.Operational, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), null, null,
                    reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(3), link));
            }
        }

        await using (var command = new NpgsqlCommand("""
            SELECT e.event_id, e.run_id, e.stage, e.status, e.rows, e.duration_ms, e.error, e.occurred_at
              FROM ops.pipeline_events e
             WHERE e.event_id > coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = 'pipeline'), 0)
               AND NOT EXISTS (SELECT 1 FROM ops.alert_deliveries d WHERE d.alert_key = 'pipeline-' || e.event_id AND d.channel = '*')
             ORDER BY e.event_id LIMIT $1
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var status = reader.GetString(3);
                var stage = reader.GetString(2);
                alerts.Add(new Alert(AlertSource.Pipeline, reader.GetInt64(0), "run_" + status, status == "failed" ? "high" : "info", null, null,
                    reader.IsDBNull(6) ? $"{stage} {status}" : $"{stage} {status}: {reader.GetString(6)}", reader.GetFieldValue<DateTimeOffset>(7), "",
                    new JsonObject { ["table"] = "ops.pipeline_events", ["id"] = reader.GetInt64(0) },
                    new JsonObject
                    {
                        ["run_id"] = reader.GetString(1),
                        ["stage"] = stage,
                        ["status"] = status,
                        ["rows"] = reader.IsDBNull(4) ? null : reader.GetInt64(4),
                        ["duration_ms"] = reader.IsDBNull(5) ? null : reader.GetInt64(5),
                    }));
            }
        }

        return alerts;
    }

    /// <summary>The channels already decided for each of the alerts (a restart skips them).</summary>
    public async Task<Dictionary<string, HashSet<string>>> ChannelsDoneAsync(IReadOnlyList<string> alertKeys, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT alert_key, channel FROM ops.alert_deliveries WHERE alert_key = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = alertKeys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var done = alertKeys.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) done[reader.GetString(0)].Add(reader.GetString(1));
        return done;
    }

    /// <summary>
    /// Dedupe decisions for several alerts, in their order, in one transaction of three statements: an alert is a repeat
    /// when the last delivered alert with its dedupe key was raised less than <paramref name="window"/> before it; a
    /// repeat is recorded as deduplicated on every channel (and counted on the key), any other becomes the key's latest
    /// delivered alert. Returns the keys suppressed.
    /// </summary>
    public Task<HashSet<string>> SuppressDuplicatesAsync(IReadOnlyList<Alert> alerts, TimeSpan window, CancellationToken cancellationToken) =>
        InLeaseAsync(async (connection, transaction) =>
        {
            var latest = new Dictionary<string, (string AlertKey, DateTimeOffset RaisedAt, long Suppressed, bool Changed)>(StringComparer.Ordinal);
            await using (var read = new NpgsqlCommand(
                             "SELECT dedupe_key, alert_key, raised_at FROM ops.alert_dedupe WHERE dedupe_key = ANY($1) ORDER BY dedupe_key FOR UPDATE", connection, transaction))
            {
                read.Parameters.Add(new NpgsqlParameter { Value = alerts.Select(a => a.DedupeKey).Distinct(StringComparer.Ordinal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) latest[reader.GetString(0)] = (reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), 0, false);
            }

            var suppressed = new List<(string AlertKey, string Detail)>();
            foreach (var alert in alerts)
            {
                if (latest.TryGetValue(alert.DedupeKey, out var previous))
                {
                    if (previous.AlertKey == alert.Key) continue;
                    if (alert.RaisedAt >= previous.RaisedAt && alert.RaisedAt - previous.RaisedAt < window)
                    {
                        latest[alert.DedupeKey] = previous with { Suppressed = previous.Suppressed + 1, Changed = true };
                        suppressed.Add((alert.Key, "repeat of " + previous.AlertKey));
                        continue;
                    }

                    latest[alert.DedupeKey] = (alert.Key, alert.RaisedAt > previous.RaisedAt ? alert.RaisedAt : previous.RaisedAt, previous.Suppressed, true);
                }
                else
                {
                    latest[alert.DedupeKey] = (alert.Key, alert.RaisedAt, 0, true);
                }
            }

            var changed = latest.Where(kv => kv.Value.Changed).ToList();
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch)
            {
                if (changed.Count > 0)
                {
                    var upsert = new NpgsqlBatchCommand("""
                        INSERT INTO ops.alert_dedupe (dedupe_key, alert_key, raised_at, suppressed)
                        SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[])
                        ON CONFLICT (dedupe_key) DO UPDATE SET alert_key = EXCLUDED.alert_key, raised_at = EXCLUDED.raised_at,
                                                               suppressed = ops.alert_dedupe.suppressed + EXCLUDED.suppressed
                        """);
                    upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Select(kv => kv.Key).ToArray() });
                    upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Select(kv => kv.Value.AlertKey).ToArray() });
                    upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Select(kv => kv.Value.RaisedAt).ToArray() });
                    upsert.Parameters.Add(new NpgsqlParameter { Value = changed.Select(kv => kv.Value.Suppressed).ToArray() });
                    batch.BatchCommands.Add(upsert);
                }

                if (suppressed.Count > 0)
                {
                    var deliveries = new NpgsqlBatchCommand("""
                        INSERT INTO ops.alert_deliveries (alert_key, channel, status, attempts, detail)
                        SELECT k, '*', 'deduplicated', 0, d FROM unnest($1::text[], $2::text[]) AS s (k, d)
                        """);
                    deliveries.Parameters.Add(new NpgsqlParameter { Value = suppressed.Select(x => x.AlertKey).ToArray() });
                    deliveries.Parameters.Add(new NpgsqlParameter { Value = suppressed.Select(x => x.Detail).ToArray() });
                    batch.BatchCommands.Add(deliveries);
                }

                if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            return suppressed.Select(x => x.AlertKey).ToHashSet(StringComparer.Ordinal);
        }, cancellationToken);

    /// <summary>Records channel outcomes of one alert together (and the dead letters of the failed ones), in one transaction.</summary>
    public Task RecordAsync(string alertKey, IReadOnlyList<ChannelOutcome> outcomes, CancellationToken cancellationToken) =>
        RecordAsync(outcomes.Select(o => (alertKey, o)).ToList(), cancellationToken);

    /// <summary>Records the channel outcomes of several alerts in one transaction.</summary>
    public Task RecordAsync(IReadOnlyList<(string AlertKey, ChannelOutcome Outcome)> outcomes, CancellationToken cancellationToken) =>
        InLeaseAsync(async (connection, transaction) =>
        {
            if (outcomes.Count == 0) return true;
            var batch = new NpgsqlBatch(connection, transaction);
            await using (batch)
            {
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
        }, cancellationToken);

    /// <summary>Moves each source's cursor past the handled rows that have settled, so pending reads stay short.</summary>
    public Task AdvanceCursorsAsync(CancellationToken cancellationToken) =>
        InLeaseAsync(async (connection, transaction) =>
        {
            foreach (var (source, table, id) in new[] { ("clinical", "silver.clinical_alerts", "alert_id"), ("operational", "ops.operational_alerts", "alert_id"), ("pipeline", "ops.pipeline_events", "event_id") })
            {
                await using var command = new NpgsqlCommand($"""
                    WITH cur AS (SELECT coalesce((SELECT last_id FROM ops.alert_cursors WHERE source = '{source}'), 0) AS last_id),
                         first_open AS (
                             SELECT min(t.{id}) AS id FROM {table} t, cur
                              WHERE t.{id} > cur.last_id
                                AND NOT EXISTS (SELECT 1 FROM ops.alert_deliveries d WHERE d.alert_key = '{source}-' || t.{id} AND d.channel = '*'
                                                   AND d.decided_at < clock_timestamp() - interval '{CursorSettle}'))
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
    private async Task<T> InLeaseAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
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
        return result;
    }
}
