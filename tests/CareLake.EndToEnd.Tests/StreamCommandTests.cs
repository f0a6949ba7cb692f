using System.Text;
using CareLake.Ingest.Kafka;
using CareLake.Testing;

namespace CareLake.EndToEnd.Tests;

public class StreamCommandTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddDays(-10);

    [Fact]
    public async Task Stream_until_idle_lands_every_event_in_bronze_silver_and_gold()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Stream_until_idle_lands_every_event_in_bronze_silver_and_gold));
        using var kafka = new MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 8);
        var feed = VitalsFeed.Create(count: 5000, patients: 400, seed: 21, dirtyRate: 0.06, start: Start);
        KafkaTestProducer.Produce(kafka.BootstrapServers, "patient_vitals", feed);

        var (exitCode, output) = await CliProcess.RunAsync(["stream", "--until-idle", "4"], Cli.Environment(connectionString, kafka.BootstrapServers));

        Assert.True(exitCode == 0, output);
        Assert.Contains("5,000 messages", output, StringComparison.Ordinal);
        await WarehouseAssert.MatchesAsync(connectionString, feed);
    }

    [Fact]
    public async Task Bad_input_is_quarantined_with_its_reason_and_the_worker_keeps_going()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Bad_input_is_quarantined_with_its_reason_and_the_worker_keeps_going));
        using var kafka = new MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 2);
        var good = VitalsFeed.Create(count: 40, patients: 5, seed: 3, dirtyRate: 0, start: Start);
        var valid = Encoding.UTF8.GetString(good[0].Payload);
        FeedMessage Bad(string payload, string reason) => new("MRN-BAD", Encoding.UTF8.GetBytes(payload), null, Expectation.Quarantined, reason);
        // 5 MB (5,000,000 bytes): librdkafka's mock broker keeps at most 5 MiB per partition, so this still fits beside the rest.
        var padded = valid.Replace(good[0].EventId!, "huge", StringComparison.Ordinal).Replace("\"device_id\"", "\"note\":\"\",\"device_id\"", StringComparison.Ordinal);
        var huge = padded.Replace("\"note\":\"\"", "\"note\":\"" + new string('x', 5_000_000 - Encoding.UTF8.GetByteCount(padded)) + "\"", StringComparison.Ordinal);
        var invalidUtf8 = Encoding.UTF8.GetBytes(valid.Replace(good[0].EventId!, "bad-utf8", StringComparison.Ordinal));
        invalidUtf8[^3] = 0xC0;
        var bad = new List<FeedMessage>
        {
            Bad("this is not json", "malformed_json"),
            Bad("", "malformed_json"),
            Bad("[{\"event_id\":\"x\"}]", "not_an_object"),
            Bad(valid.Replace("\"heart_rate\":", "\"heart_rate\":\"fast\",\"x\":", StringComparison.Ordinal).Replace(good[0].EventId!, "wrong-type", StringComparison.Ordinal), "wrong_type"),
            Bad(valid.Replace("\"measured_at\"", "\"measured\"", StringComparison.Ordinal).Replace(good[0].EventId!, "missing", StringComparison.Ordinal), "missing_field"),
            Bad(valid.Replace("\"spo2\":", "\"spo2\":1", StringComparison.Ordinal).Replace(good[0].EventId!, "implausible", StringComparison.Ordinal), "implausible_value"),
            Bad(valid.Replace("\"vital_signs\"", "\"vital_signz\"", StringComparison.Ordinal).Replace(good[0].EventId!, "unknown-type", StringComparison.Ordinal), "unknown_event_type"),
            Bad(huge, "payload_too_large"),
            new("MRN-BAD", invalidUtf8, null, Expectation.Quarantined, "invalid_utf8"),
        };
        var feed = new List<FeedMessage>();
        feed.AddRange(good.Take(20));
        feed.AddRange(bad);
        feed.AddRange(good.Take(10).Select(m => m with { Expectation = Expectation.Duplicate })); // exact re-sends
        feed.AddRange(good.Skip(20));
        KafkaTestProducer.Produce(kafka.BootstrapServers, "patient_vitals", feed);

        var (exitCode, output) = await CliProcess.RunAsync(["stream", "--until-idle", "4"], Cli.Environment(connectionString, kafka.BootstrapServers));

        Assert.True(exitCode == 0, output);
        await WarehouseAssert.MatchesAsync(connectionString, feed);
        var reasons = await Sql.RowsAsync(connectionString,
            "SELECT q.reason_code, length(b.payload) FROM silver.quarantine q JOIN bronze.raw_events b ON b.id = q.bronze_id ORDER BY b.position");
        Assert.Contains(reasons, r => (string)r[0]! == "payload_too_large" && (int)r[1]! == 5_000_000);
        Assert.Equal(10L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM silver.duplicate_events WHERE original_bronze_id IS NOT NULL"));
    }

    [Fact]
    public async Task Stream_without_kafka_says_what_to_configure()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Stream_without_kafka_says_what_to_configure));
        var (exitCode, output) = await CliProcess.RunAsync(["stream", "--until-idle", "1"], Cli.Environment(connectionString));
        Assert.Equal(2, exitCode);
        Assert.Contains("CARELAKE_KAFKA_BOOTSTRAP", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task News2_scores_events_from_standard_input()
    {
        var input = string.Join('\n',
            """{"event_id":"A","event_type":"vital_signs","schema_version":1,"occurred_at":"2026-11-02T08:15:00Z","patient_id":"p","measured_at":"2026-11-02T08:15:00Z","respiratory_rate":28,"spo2":91,"spo2_scale":1,"on_supplemental_oxygen":true,"systolic_bp":88,"heart_rate":135,"consciousness":"V","temperature":39.5}""",
            "",
            """{"event_id":"B","event_type":"vital_signs","schema_version":1,"occurred_at":"2026-11-02T08:15:00Z","patient_id":"p","measured_at":"2026-11-02T08:15:00Z","heart_rate":80}""",
            "{broken");

        var (exitCode, output) = await CliProcess.RunAsync(["news2"], new Dictionary<string, string>(), input);

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("""{"event_id":"A","news2_score":19,"news2_band":"high","complete":true,"subscores":{"respiratory_rate":3,"spo2":3,"supplemental_oxygen":2,"systolic_bp":3,"heart_rate":3,"consciousness":3,"temperature":2}}""", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"news2_score\":null", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"missing\":[\"respiratory_rate\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"malformed_json\"", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_has_help()
    {
        foreach (var command in new[] { "", "demo", "stream", "import", "import synthea", "import fhir", "import ndjson", "serve", "news2", "score lace", "score charlson", "generate", "db", "db psql", "gold rebuild", "rebuild", "run", "run gold", "schedule", "export", "export parquet", "dq", "dq report", "kafka-mock", "alerts", "alerts dispatch", "alerts list" })
        {
            var (exitCode, output) = await CliProcess.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"], new Dictionary<string, string>());
            Assert.Equal(0, exitCode);
            Assert.Contains("Usage:", output, StringComparison.Ordinal);
        }
    }
}
