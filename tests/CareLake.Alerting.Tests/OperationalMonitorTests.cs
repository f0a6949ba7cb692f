using CareLake.Core.Configuration;
using CareLake.Testing;
using Npgsql;

namespace CareLake.Alerting.Tests;

public class OperationalMonitorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedEndOffsets(Dictionary<int, long> ends) : IEndOffsets
    {
        public Task<IReadOnlyDictionary<int, long>> EndOffsetsAsync(string topic, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<int, long>>(topic == "patient_vitals" ? ends : new Dictionary<int, long>());
    }

    private static async Task PositionAsync(NpgsqlDataSource dataSource, string source, string stream, int partition, long next, DateTimeOffset updatedAt)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO ingest.source_positions (source, stream, partition, next_position, updated_at) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        command.Parameters.Add(new NpgsqlParameter { Value = partition });
        command.Parameters.Add(new NpgsqlParameter { Value = next });
        command.Parameters.Add(new NpgsqlParameter { Value = updatedAt });
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Consumer_lag_above_the_threshold_raises_once_and_below_it_stays_silent()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_monitor_lag"));
        await PositionAsync(dataSource, "kafka", "patient_vitals", 0, 4_000, Now);
        await PositionAsync(dataSource, "kafka", "patient_vitals", 1, 7_990, Now);
        var ends = new FixedEndOffsets(new() { [0] = 5_000, [1] = 8_000, [2] = 0 }); // lag 1,010

        var quiet = new OperationalMonitors(dataSource, new AlertOptions { LagThreshold = 2_000 }, ends, ["patient_vitals", "adt_events"]);
        Assert.Empty(await quiet.CheckConsumerLagAsync(Now, CancellationToken.None));

        var monitors = new OperationalMonitors(dataSource, new AlertOptions { LagThreshold = 1_000 }, ends, ["patient_vitals", "adt_events"]);
        var raised = Assert.Single(await monitors.CheckConsumerLagAsync(Now, CancellationToken.None));
        Assert.Equal("consumer_lag", raised.Kind);
        Assert.Equal("consumer_lag:patient_vitals", raised.DedupeKey);
        Assert.Contains("1,010", raised.Reason, StringComparison.Ordinal);
        Assert.Empty(await monitors.CheckConsumerLagAsync(Now.AddMinutes(1), CancellationToken.None)); // already raised within the window
        Assert.Equal(1, await AlertRows.CountAsync(dataSource, "SELECT count(*) FROM ops.operational_alerts WHERE kind = 'consumer_lag'"));
    }

    [Fact]
    public async Task A_stream_silent_beyond_the_threshold_raises_and_a_recent_one_does_not()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_monitor_silent"));
        await PositionAsync(dataSource, "kafka", "adt_events", 0, 10, Now.AddMinutes(-20));
        await PositionAsync(dataSource, "kafka", "adt_events", 1, 10, Now.AddMinutes(-30));
        await PositionAsync(dataSource, "kafka", "patient_vitals", 0, 10, Now.AddMinutes(-30));
        await PositionAsync(dataSource, "kafka", "patient_vitals", 1, 10, Now.AddMinutes(-1));
        var monitors = new OperationalMonitors(dataSource, new AlertOptions { SilenceThresholdSeconds = 900 }, null, []);

        var raised = Assert.Single(await monitors.CheckSilentSourcesAsync(Now, CancellationToken.None));
        Assert.Equal("source_silent:kafka:adt_events", raised.DedupeKey);
        Assert.Empty(await monitors.CheckSilentSourcesAsync(Now.AddMinutes(-10), CancellationToken.None));
    }

    [Fact]
    public async Task A_quarantine_rate_above_the_threshold_over_the_window_raises_and_below_it_stays_silent()
    {
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("alerts_monitor_quarantine"));
        var options = new AlertOptions { QuarantineRateThreshold = 0.05, QuarantineWindowSeconds = 300, QuarantineMinMessages = 100 };
        var monitors = new OperationalMonitors(dataSource, options, null, []);
        await AlertRows.CountAsync(dataSource, "SELECT setval('bronze.raw_events_id_seq', 1000)");
        Assert.Empty(await monitors.CheckQuarantineRateAsync(Now, CancellationToken.None)); // the first sample

        // 200 messages landed, 6 quarantined (3 %): silent.
        await AlertRows.CountAsync(dataSource, "SELECT setval('bronze.raw_events_id_seq', 1200)");
        await Quarantine(dataSource, 1001, 6);
        Assert.Empty(await monitors.CheckQuarantineRateAsync(Now.AddMinutes(5), CancellationToken.None));

        // 200 more, 30 quarantined: over the window since the sample 5 minutes ago, 30 of 200 (15 %).
        await AlertRows.CountAsync(dataSource, "SELECT setval('bronze.raw_events_id_seq', 1400)");
        await Quarantine(dataSource, 1201, 30);
        var raised = Assert.Single(await monitors.CheckQuarantineRateAsync(Now.AddMinutes(10), CancellationToken.None));
        Assert.Equal("quarantine_rate", raised.Kind);
        Assert.Contains("15.0", raised.Reason, StringComparison.Ordinal);
        Assert.Equal(1201, raised.Source!["bronze_id_from"]!.GetValue<long>());
    }

    private static async Task Quarantine(NpgsqlDataSource dataSource, long firstBronzeId, int count)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO silver.quarantine (bronze_id, stream, reason_code, message, quarantined_at)
            SELECT g, 'patient_vitals', 'malformed_json', 'broken', now() FROM generate_series($1::bigint, $1::bigint + $2 - 1) g
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = firstBronzeId });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)count });
        await command.ExecuteNonQueryAsync();
    }
}
