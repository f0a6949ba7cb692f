using System.Collections.Concurrent;
using CareLake.Core.Vitals;
using CareLake.Ingest.Kafka;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

/// <summary>
/// A Kafka worker consuming 20,000 events produced at 4,000/s, with a fault injected once it has read
/// <c>faultAfter</c> messages; afterwards the warehouse must hold exactly what was produced. The second half of the feed
/// is produced only once the fault is over, so the fault falls mid-stream however slow or fast the machine is.
/// </summary>
internal static class StreamUnderFault
{
    public static async Task<StreamStatistics> RunAsync(string connectionString, string group, int seed, long faultAfter, Func<MockKafkaCluster, Task> fault)
    {
        using var kafka = new MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 8);
        var feed = VitalsFeed.Create(count: 20_000, patients: 500, seed: seed, dirtyRate: 0.02, start: DateTimeOffset.UtcNow.AddDays(-8));
        var firstHalf = feed.Take(feed.Count / 2).ToList();
        var producing = KafkaTestProducer.ProduceAtRateAsync(kafka.BootstrapServers, "patient_vitals", firstHalf, perSecond: 4000);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var settings = new KafkaWorkerSettings(kafka.BootstrapServers, group, ["patient_vitals"], "test-worker", 1000,
            UntilIdle: TimeSpan.FromSeconds(10), SessionTimeout: TimeSpan.FromSeconds(6));
        var log = new ConcurrentQueue<string>();
        var worker = new KafkaStreamWorker(settings, new PipelineContext(dataSource, [new VitalSignsStage(new VitalSignsParser())], TimeProvider.System, log.Enqueue));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = worker.RunAsync(timeout.Token);
        while (worker.Statistics.Messages < faultAfter && !run.IsCompleted) await Task.Delay(20);

        await fault(kafka);
        await producing;
        await KafkaTestProducer.ProduceAtRateAsync(kafka.BootstrapServers, "patient_vitals", feed.Skip(firstHalf.Count).ToList(), perSecond: 4000);
        await run;

        // Judged by what the warehouse holds: the worker's own counter may include messages read again after the fault.
        Assert.True(worker.Statistics.Messages >= feed.Count, $"{worker.Statistics.Messages} of {feed.Count} consumed; worker log:\n{string.Join('\n', log)}");
        await WarehouseAssert.MatchesAsync(connectionString, feed);
        return worker.Statistics;
    }
}
