using System.Collections.Concurrent;
using CareLake.Core.Vitals;
using CareLake.Ingest.Kafka;
using CareLake.Orchestration.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Migrations;
using CareLake.Warehouse.Postgres;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Orchestration.Tests;

/// <summary>
/// PostgreSQL itself goes away mid-stream (fast shutdown: connections cut, open transactions rolled back,
/// a commit in flight either made or not) and comes back. On a cluster of its own, so other tests keep theirs.
/// </summary>
public class DatabaseRestartTests
{
    [Fact]
    public async Task A_database_restart_mid_stream_loses_and_doubles_nothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), "carelake-restart-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new LocalPostgres(directory);
        try
        {
            await cluster.EnsureStartedAsync();
            var connectionString = await DatabaseAdmin.RecreateAsync(cluster.ConnectionString(), "restart");
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await MigrationRunner.ApplyAsync(dataSource);

            using var kafka = new MockKafkaCluster();
            kafka.CreateTopic("patient_vitals", 8);
            var feed = VitalsFeed.Create(count: 20_000, patients: 500, seed: 17, dirtyRate: 0.02, start: DateTimeOffset.UtcNow.AddDays(-8));
            var producing = KafkaTestProducer.ProduceAtRateAsync(kafka.BootstrapServers, "patient_vitals", feed, perSecond: 4000);

            var settings = new KafkaWorkerSettings(kafka.BootstrapServers, "restart", ["patient_vitals"], "test-worker", 1000,
                UntilIdle: TimeSpan.FromSeconds(10), SessionTimeout: TimeSpan.FromSeconds(6));
            var log = new ConcurrentQueue<string>();
            var worker = new KafkaStreamWorker(settings, new PipelineContext(dataSource, [new VitalSignsStage(new VitalSignsParser())], TimeProvider.System, log.Enqueue));
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var run = worker.RunAsync(timeout.Token);
            while (worker.Statistics.Messages < 3000 && !run.IsCompleted) await Task.Delay(20);

            await cluster.StopAsync();
            var atStop = worker.Statistics.Messages;
            await Task.Delay(TimeSpan.FromSeconds(3));
            await cluster.EnsureStartedAsync();

            await producing;
            await run;
            var report = $"worker log:\n{string.Join('\n', log)}";
            Assert.True(atStop < feed.Count, $"the restart came after the stream had ended; {report}");
            Assert.True(worker.Statistics.Retries > 0, $"no batch met the outage; {report}");
            await WarehouseAssert.MatchesAsync(connectionString, feed);
        }
        finally
        {
            if (await cluster.IsRunningAsync()) await cluster.StopAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
