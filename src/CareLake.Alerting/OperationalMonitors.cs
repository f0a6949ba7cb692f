using System.Globalization;
using System.Text.Json.Nodes;
using CareLake.Core.Configuration;
using CareLake.Warehouse.Operations;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Alerting;

/// <summary>The broker's end offsets (high watermarks) of a topic's partitions.</summary>
public interface IEndOffsets
{
    Task<IReadOnlyDictionary<int, long>> EndOffsetsAsync(string topic, CancellationToken cancellationToken);
}

/// <summary>
/// Watches the pipeline and raises operational alerts into <c>ops.operational_alerts</c>: consumer lag (CareLake's
/// stored positions behind the broker's end offsets), sources silent longer than expected, and the share of messages
/// quarantined over a window. An alert already raised with the same dedupe key within the dedupe window is not raised
/// again. Each check takes the current time, so tests craft the situation and the clock.
/// </summary>
public sealed class OperationalMonitors(NpgsqlDataSource dataSource, AlertOptions options, IEndOffsets? endOffsets, IReadOnlyList<string> topics)
{
    /// <summary>Runs every check; returns the alerts raised.</summary>
    public async Task<IReadOnlyList<OperationalAlert>> CheckAllAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var raised = new List<OperationalAlert>();
        raised.AddRange(await CheckConsumerLagAsync(now, cancellationToken));
        raised.AddRange(await CheckSilentSourcesAsync(now, cancellationToken));
        raised.AddRange(await CheckQuarantineRateAsync(now, cancellationToken));
        return raised;
    }

    /// <summary>Per topic: Σ over partitions of (broker end offset − CareLake's next position) above the threshold.</summary>
    public async Task<IReadOnlyList<OperationalAlert>> CheckConsumerLagAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (endOffsets is null) return [];
        var raised = new List<OperationalAlert>();
        foreach (var topic in topics)
        {
            var ends = await endOffsets.EndOffsetsAsync(topic, cancellationToken);
            if (ends.Count == 0) continue;
            var positions = new Dictionary<int, long>();
            await using (var command = dataSource.CreateCommand("SELECT partition, next_position FROM ingest.source_positions WHERE source = 'kafka' AND stream = $1"))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = topic });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) positions[reader.GetInt32(0)] = reader.GetInt64(1);
            }

            var lag = ends.Sum(e => Math.Max(0, e.Value - positions.GetValueOrDefault(e.Key, 0)));
            if (lag <= options.LagThreshold) continue;
            var alert = new OperationalAlert("consumer_lag", lag > options.LagThreshold * 10 ? "high" : "warning", "consumer_lag:" + topic,
                $"Consumer lag on {topic} is {lag.ToString("N0", CultureInfo.InvariantCulture)} messages (threshold {options.LagThreshold.ToString("N0", CultureInfo.InvariantCulture)}).",
                new JsonObject { ["table"] = "ingest.source_positions", ["source"] = "kafka", ["stream"] = topic, ["lag"] = lag });
            if (await RaiseUnlessRecentAsync(alert, now, cancellationToken)) raised.Add(alert);
        }

        return raised;
    }

    /// <summary>Every stream that has received messages before but nothing for longer than the silence threshold.</summary>
    public async Task<IReadOnlyList<OperationalAlert>> CheckSilentSourcesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var raised = new List<OperationalAlert>();
        var silentSince = now - TimeSpan.FromSeconds(options.SilenceThresholdSeconds);
        var silent = new List<(string Source, string Stream, DateTimeOffset Last)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT source, stream, max(updated_at) FROM ingest.source_positions GROUP BY source, stream HAVING max(updated_at) < $1 ORDER BY 1, 2
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = silentSince, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) silent.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        foreach (var (source, stream, last) in silent)
        {
            var minutes = (now - last).TotalMinutes;
            var alert = new OperationalAlert("source_silent", "warning", $"source_silent:{source}:{stream}",
                $"No messages from {source} {stream} for {minutes.ToString("N0", CultureInfo.InvariantCulture)} minutes (threshold {options.SilenceThresholdSeconds / 60.0:0.#} minutes).",
                new JsonObject { ["table"] = "ingest.source_positions", ["source"] = source, ["stream"] = stream, ["last_message_at"] = last.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) });
            if (await RaiseUnlessRecentAsync(alert, now, cancellationToken)) raised.Add(alert);
        }

        return raised;
    }

    /// <summary>
    /// Quarantined ÷ landed over the window: bronze ids are sampled at each check, and the quarantine rows of the
    /// bronze ids landed since the sample taken at the window's start are counted (silver.quarantine is keyed by bronze id).
    /// </summary>
    public async Task<IReadOnlyList<OperationalAlert>> CheckQuarantineRateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long current;
        await using (var sample = new NpgsqlCommand("""
            WITH s AS (SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS id FROM bronze.raw_events_id_seq)
            INSERT INTO ops.alert_monitor_samples (taken_at, bronze_last_id) SELECT $1, id FROM s
            ON CONFLICT (taken_at) DO UPDATE SET bronze_last_id = EXCLUDED.bronze_last_id
            RETURNING bronze_last_id
            """, connection))
        {
            sample.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            current = (long)(await sample.ExecuteScalarAsync(cancellationToken))!;
        }

        var windowStart = now - TimeSpan.FromSeconds(options.QuarantineWindowSeconds);
        long? start;
        await using (var first = new NpgsqlCommand("""
            SELECT coalesce((SELECT bronze_last_id FROM ops.alert_monitor_samples WHERE taken_at <= $1 ORDER BY taken_at DESC LIMIT 1),
                            (SELECT bronze_last_id FROM ops.alert_monitor_samples WHERE taken_at < $2 ORDER BY taken_at LIMIT 1))
            """, connection))
        {
            first.Parameters.Add(new NpgsqlParameter { Value = windowStart, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            first.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            start = await first.ExecuteScalarAsync(cancellationToken) is long s ? s : null;
        }

        await using (var prune = new NpgsqlCommand("DELETE FROM ops.alert_monitor_samples WHERE taken_at < $1", connection))
        {
            prune.Parameters.Add(new NpgsqlParameter { Value = windowStart - TimeSpan.FromDays(1), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        if (start is not { } from || current - from < options.QuarantineMinMessages) return [];
        long quarantined;
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM silver.quarantine WHERE bronze_id > $1 AND bronze_id <= $2", connection))
        {
            count.Parameters.Add(new NpgsqlParameter { Value = from });
            count.Parameters.Add(new NpgsqlParameter { Value = current });
            quarantined = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var landed = current - from;
        var rate = (double)quarantined / landed;
        if (rate <= options.QuarantineRateThreshold) return [];
        var alert = new OperationalAlert("quarantine_rate", rate >= 0.5 ? "high" : "warning", "quarantine_rate",
            $"{rate:P1} of the last {landed.ToString("N0", CultureInfo.InvariantCulture)} messages were quarantined (threshold {options.QuarantineRateThreshold:P1}).",
            new JsonObject { ["table"] = "silver.quarantine", ["bronze_id_from"] = from + 1, ["bronze_id_to"] = current, ["quarantined"] = quarantined });
        return await RaiseUnlessRecentAsync(alert, now, cancellationToken) ? [alert] : [];
    }

    private async Task<bool> RaiseUnlessRecentAsync(OperationalAlert alert, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var recent = new NpgsqlCommand("SELECT 1 FROM ops.operational_alerts WHERE dedupe_key = $1 AND raised_at > $2 LIMIT 1", connection))
        {
            recent.Parameters.Add(new NpgsqlParameter { Value = alert.DedupeKey });
            recent.Parameters.Add(new NpgsqlParameter { Value = now - TimeSpan.FromSeconds(options.DedupeWindowSeconds), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            if (await recent.ExecuteScalarAsync(cancellationToken) is not null) return false;
        }

        await OperationalEvents.RaiseAsync(connection, alert, cancellationToken);
        return true;
    }
}
