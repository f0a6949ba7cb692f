using CareLake.Core.Vitals;
using CareLake.Ingest.Kafka;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

public class KafkaStreamWorkerTests
{
    [Fact]
    public async Task Consumes_a_topic_into_the_warehouse_until_idle()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(Consumes_a_topic_into_the_warehouse_until_idle));
        using var kafka = new MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 6);
        var feed = VitalsFeed.Create(count: 4000, patients: 300, seed: 11, dirtyRate: 0.05, start: DateTimeOffset.UtcNow.AddDays(-3));
        KafkaTestProducer.Produce(kafka.BootstrapServers, "patient_vitals", feed);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var worker = await RunWorkerAsync(dataSource, kafka.BootstrapServers, "group-a", batchMaxMessages: 500);

        Assert.Equal(4000, worker.Statistics.Messages);
        Assert.Equal(6, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ingest.source_positions WHERE source = 'kafka'"));
        await WarehouseAssert.MatchesAsync(connectionString, feed);

        // Produced again later: only the new messages are read, from the stored positions.
        var more = VitalsFeed.Create(count: 500, patients: 300, seed: 12, dirtyRate: 0, start: DateTimeOffset.UtcNow.AddDays(-1));
        KafkaTestProducer.Produce(kafka.BootstrapServers, "patient_vitals", more);
        var again = await RunWorkerAsync(dataSource, kafka.BootstrapServers, "group-b", batchMaxMessages: 500); // a new group: Kafka knows no offsets for it
        Assert.Equal(500, again.Statistics.Messages);
        await WarehouseAssert.MatchesAsync(connectionString, [.. feed, .. more]);
    }

    [Fact]
    public async Task A_broker_outage_mid_stream_loses_and_doubles_nothing()
    {
        var connectionString = await TestDatabase.CreateAsync(nameof(A_broker_outage_mid_stream_loses_and_doubles_nothing));
        await StreamUnderFault.RunAsync(connectionString, "outage", seed: 13, faultAfter: 2000, async kafka =>
        {
            kafka.SetBrokerDown(-1); // every broker off the network
            await Task.Delay(TimeSpan.FromSeconds(3));
            kafka.SetBrokerUp(-1);
        });
    }

    internal static async Task<KafkaStreamWorker> RunWorkerAsync(NpgsqlDataSource dataSource, string bootstrap, string group, int batchMaxMessages)
    {
        var settings = new KafkaWorkerSettings(bootstrap, group, ["patient_vitals"], "test-worker", batchMaxMessages,
            UntilIdle: TimeSpan.FromSeconds(3), SessionTimeout: TimeSpan.FromSeconds(6));
        var worker = new KafkaStreamWorker(settings, new PipelineContext(dataSource, [new VitalSignsStage(new VitalSignsParser())], TimeProvider.System, _ => { }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await worker.RunAsync(timeout.Token);
        return worker;
    }
}
