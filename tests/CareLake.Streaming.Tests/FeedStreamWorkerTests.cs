using System.Text;
using CareLake.Core.Vitals;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

public class FeedStreamWorkerTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_feed_lands_exactly_once_across_restarts()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(A_feed_lands_exactly_once_across_restarts));
        var feed = VitalsFeed.Create(count: 3000, patients: 150, seed: 7, dirtyRate: 0.08);
        var raw = ToRaw(feed, partitions: 4);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var first = await RunAsync(dataSource, raw.Take(1700), batchMaxMessages: 250);
        Assert.Equal(1700, first.Messages);
        var second = await RunAsync(dataSource, raw, batchMaxMessages: 333); // a restart replays the whole feed
        Assert.Equal(1300, second.Messages);
        Assert.Equal(1700, second.SkippedAlreadyCommitted);
        var third = await RunAsync(dataSource, raw, batchMaxMessages: 1000);
        Assert.Equal(0, third.Messages);

        await WarehouseAssert.MatchesAsync(connectionString, feed);

        // Gold is a pure function of silver: a full rebuild gives the rows the incremental refreshes left.
        const string snapshot = "SELECT patient_id, latest_event_id, latest_news2_score, max_news2_24h, alerts_24h, sets_24h FROM gold.patient_risk_snapshot ORDER BY patient_id";
        var incremental = await Sql.RowsAsync(connectionString, snapshot);
        Assert.Equal(150, await PatientRiskSnapshotModel.RebuildAsync(dataSource, DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(incremental, await Sql.RowsAsync(connectionString, snapshot));
    }

    [Fact]
    public async Task Gold_follows_event_time_when_sets_arrive_out_of_order()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Gold_follows_event_time_when_sets_arrive_out_of_order));
        var t = new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
        var sets = new[]
        {
            Vital("late-but-newest", t, rr: 26),                    // red score: 3, alert
            Vital("old-high", t.AddHours(-30), rr: 28, spo2: 90),   // outside the 24 h window
            Vital("in-window", t.AddHours(-3), rr: 22, spo2: 95),   // 2 + 1 = 3
            Vital("partial", t.AddHours(-1), rr: null),             // incomplete
        };
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        for (var i = 0; i < sets.Length; i++)
        {
            await RunAsync(dataSource, [new RawMessage("test", "patient_vitals", 0, i, null, null, null, sets[i], null, ReceivedAt)], 10);
        }

        var row = (await Sql.RowsAsync(connectionString,
            "SELECT latest_event_id, latest_news2_score, latest_news2_band, max_news2_24h, alerts_24h, sets_24h FROM gold.patient_risk_snapshot")).Single();
        Assert.Equal(["late-but-newest", (short)3, "low-medium", (short)3, 1, 3], row);
    }

    [Fact]
    public async Task A_record_the_database_refuses_is_quarantined_and_the_batch_commits()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(A_record_the_database_refuses_is_quarantined_and_the_batch_commits));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        // Simulate a database rule that this one record breaks (a value out of a column's range, say).
        await using (var rule = dataSource.CreateCommand("ALTER TABLE silver.vital_signs ADD CONSTRAINT no_device_x CHECK (device_id IS DISTINCT FROM 'X')"))
        {
            await rule.ExecuteNonQueryAsync();
        }

        var t = new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);
        var raw = Enumerable.Range(0, 20)
            .Select(i => new RawMessage("test", "patient_vitals", 0, i, null, null, null, Vital($"e{i}", t.AddMinutes(i), device: i == 7 ? "X" : "M"), null, ReceivedAt))
            .ToList();

        var statistics = await RunAsync(dataSource, raw, batchMaxMessages: 100);

        Assert.Equal(20, statistics.Messages);
        Assert.Equal(19, statistics.SilverInserted);
        Assert.Equal(20L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM bronze.raw_events"));
        var quarantined = (await Sql.RowsAsync(connectionString, "SELECT event_id, reason_code, message FROM silver.quarantine")).Single();
        Assert.Equal(("e7", QuarantineWriter.RejectedByDatabase), ((string)quarantined[0]!, (string)quarantined[1]!));
        Assert.Contains("no_device_x", (string)quarantined[2]!, StringComparison.Ordinal);
    }

    private static async Task<StreamStatistics> RunAsync(NpgsqlDataSource dataSource, IEnumerable<RawMessage> messages, int batchMaxMessages)
    {
        var source = messages.FirstOrDefault()?.Source ?? "test";
        var worker = new FeedStreamWorker(new PipelineContext(dataSource, [new VitalSignsStage(new VitalSignsParser())], TimeProvider.System, _ => { }), source, "test-worker", batchMaxMessages);
        await worker.RunAsync(messages, CancellationToken.None);
        return worker.Statistics;
    }

    internal static List<RawMessage> ToRaw(IEnumerable<FeedMessage> feed, int partitions)
    {
        var next = new long[partitions];
        return feed.Select(m =>
        {
            var partition = m.Key.Sum(c => c) % partitions; // stable across runs, unlike string.GetHashCode
            return new RawMessage("test", "patient_vitals", partition, next[partition]++, Encoding.UTF8.GetBytes(m.Key), null, null, m.Payload, null, ReceivedAt);
        }).ToList();
    }

    private static byte[] Vital(string id, DateTimeOffset at, int? rr = 16, int spo2 = 97, string device = "M")
    {
        var ts = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var rrField = rr is { } r ? $"\"respiratory_rate\":{r}," : "";
        return Encoding.UTF8.GetBytes(
            $"{{\"event_id\":\"{id}\",\"event_type\":\"vital_signs\",\"schema_version\":1,\"occurred_at\":\"{ts}\",\"patient_id\":\"P1\"," +
            $"\"measured_at\":\"{ts}\",\"device_id\":\"{device}\",{rrField}\"spo2\":{spo2},\"on_supplemental_oxygen\":false,\"systolic_bp\":125," +
            "\"heart_rate\":72,\"consciousness\":\"A\",\"temperature\":37.0}");
    }
}
