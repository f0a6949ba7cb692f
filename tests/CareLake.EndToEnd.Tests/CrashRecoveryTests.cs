using CareLake.Ingest.Kafka;
using CareLake.Testing;
using Xunit.Abstractions;

namespace CareLake.EndToEnd.Tests;

/// <summary>Workers killed with SIGKILL, or stopped while others run, lose nothing and double nothing.</summary>
public class CrashRecoveryTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddDays(-20);

    [Fact]
    public async Task A_worker_killed_again_and_again_while_consuming_lands_every_event_exactly_once()
    {
        const int events = 200_000;
        var connectionString = await TestDatabase.CreateAsync(nameof(A_worker_killed_again_and_again_while_consuming_lands_every_event_exactly_once));
        using var kafka = new MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 64); // ~1.4 MB per partition: well inside the mock broker's 5 MB retention
        var feed = VitalsFeed.Create(count: events, patients: 5000, seed: 99, dirtyRate: 0.02, start: Start);
        var env = Cli.Environment(connectionString, kafka.BootstrapServers, ("CARELAKE_BATCH_MAX_MESSAGES", "4000"));

        // The stream arrives live while the worker is killed at random moments and restarted.
        var producing = KafkaTestProducer.ProduceAtRateAsync(kafka.BootstrapServers, "patient_vitals", feed, perSecond: 5000);
        var random = new Random(20261130);
        var kills = 0;
        var landedAtKill = new List<long>();
        while (kills < 6 || !producing.IsCompleted)
        {
            using var worker = CliProcess.Start(["stream"], env);
            var before = await BronzeCount(connectionString);
            // Wait until this worker is consuming, then kill it somewhere in the next few batches.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await BronzeCount(connectionString) == before && !worker.HasExited && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.False(worker.HasExited, worker.Output);
            await Task.Delay(random.Next(0, 2500));
            worker.Kill();
            await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
            kills++;
            landedAtKill.Add(await BronzeCount(connectionString));
            if (kills >= 12) break;
        }

        await producing;
        var (exitCode, finalOutput) = await CliProcess.RunAsync(["stream", "--until-idle", "5"], env, timeout: TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, finalOutput);

        output.WriteLine($"killed {kills} times with SIGKILL; bronze rows at each kill: {string.Join(", ", landedAtKill)}");
        output.WriteLine(finalOutput.Split('\n').Last(l => l.Contains("messages", StringComparison.Ordinal)));
        Assert.True(kills >= 5);
        Assert.Contains(landedAtKill, n => n is > 0 and < events); // killed mid-stream, not only before or after
        Assert.Equal(events, await BronzeCount(connectionString));
        await WarehouseAssert.MatchesAsync(connectionString, feed);
    }

    [Fact]
    public async Task Two_workers_share_the_partitions_and_one_stopping_mid_stream_loses_and_doubles_nothing()
    {
        const int events = 60_000;
        var connectionString = await TestDatabase.CreateAsync(nameof(Two_workers_share_the_partitions_and_one_stopping_mid_stream_loses_and_doubles_nothing));
        using var kafka = new MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 16);
        var feed = VitalsFeed.Create(count: events, patients: 2000, seed: 5, dirtyRate: 0.03, start: Start);
        var env = Cli.Environment(connectionString, kafka.BootstrapServers, ("CARELAKE_BATCH_MAX_MESSAGES", "2000"));

        // The second half is produced once worker-1 has left, so worker-2 has new messages on every partition to take over.
        var firstHalf = feed.Take(events / 2).ToList();
        var producing = KafkaTestProducer.ProduceAtRateAsync(kafka.BootstrapServers, "patient_vitals", firstHalf, perSecond: 4000);
        using var first = CliProcess.Start(["stream", "--worker-id", "worker-1"], env);
        using var second = CliProcess.Start(["stream", "--worker-id", "worker-2"], env);

        // Both own partitions and commit batches before one of them leaves.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Workers(connectionString) < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(await Workers(connectionString) == 2, first.Output + "\n" + second.Output);
        var landedAtStop = await BronzeCount(connectionString);
        first.Terminate();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, first.ExitCode);

        await producing;
        await KafkaTestProducer.ProduceAtRateAsync(kafka.BootstrapServers, "patient_vitals", feed.Skip(firstHalf.Count).ToList(), perSecond: 4000);
        // Stopped once everything is in bronze (not by an idle timer, which a slow machine could trip between the halves).
        deadline = DateTime.UtcNow.AddMinutes(3);
        while (await BronzeCount(connectionString) < events && !second.HasExited && DateTime.UtcNow < deadline) await Task.Delay(100);
        if (!second.HasExited) second.Terminate();
        await second.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.True(second.ExitCode == 0, second.Output);
        output.WriteLine($"worker-1 stopped with {landedAtStop} of {events} events in bronze");
        output.WriteLine(first.Output);
        output.WriteLine(second.Output);

        Assert.InRange(landedAtStop, 1, events - 1);
        Assert.Equal(16L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ingest.source_positions WHERE updated_by = 'worker-2'"));
        await WarehouseAssert.MatchesAsync(connectionString, feed);
    }

    private static Task<long> BronzeCount(string connectionString) =>
        Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM bronze.raw_events");

    private static Task<long> Workers(string connectionString) =>
        Sql.ScalarAsync<long>(connectionString, "SELECT count(DISTINCT updated_by) FROM ingest.source_positions");
}
