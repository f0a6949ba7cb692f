using System.Threading.Channels;
using CareLake.Core.Configuration;
using CareLake.Scheduling.Running;
using CareLake.Scheduling.Timing;
using CareLake.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CareLake.Scheduling.Tests;

public sealed class ScheduleTests : IAsyncLifetime
{
    private string _connectionString = "";
    private NpgsqlDataSource _dataSource = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync("scheduling_schedule");
        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private static RunOutcome Ran(string job, string runId, DateTimeOffset at) => new(runId, job, "succeeded", at, at, [], null, false, null);

    [Fact]
    public void Cron_is_read_in_the_jobs_time_zone()
    {
        var job = CronJob.Parse(new ScheduledJob { Name = "nightly", Cron = "0 2 * * *", TimeZone = "Europe/London" });

        // 02:00 London is 01:00 UTC in summer time and 02:00 UTC in winter.
        Assert.Equal(new DateTimeOffset(2026, 7, 2, 1, 0, 0, TimeSpan.Zero), job.Next(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero), job.Next(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.Throws<ConfigurationException>(() => CronJob.Parse(new ScheduledJob { Name = "bad", Cron = "every day" }));
    }

    [Fact]
    public async Task Jobs_run_when_the_fake_clock_reaches_their_occurrences()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 58, 0, TimeSpan.Zero));
        var ran = Channel.CreateUnbounded<ScheduledRun>();
        var job = CronJob.Parse(new ScheduledJob { Name = "hourly", Cron = "0 * * * *" });
        var waiting = Channel.CreateUnbounded<DateTimeOffset>();
        var scheduler = new Scheduler([job], new ScheduleClaims(_dataSource),
            (j, runId, _) => Task.FromResult(Ran(j.Name, runId, clock.GetUtcNow())), clock, "worker-a")
        {
            Waiting = (_, due) => waiting.Writer.TryWrite(due),
        };
        using var stop = new CancellationTokenSource();
        var loop = scheduler.RunAsync(new SyncProgress<ScheduledRun>(r => ran.Writer.TryWrite(r)), stop.Token);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.Zero), await waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2)));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(ran.Reader.TryRead(out _)); // 00:59: nothing due yet
        clock.Advance(TimeSpan.FromMinutes(1));
        var first = await ran.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.Zero), first.DueAt);
        Assert.Equal("hourly-20260301T010000Z", first.Outcome!.RunId);

        Assert.Equal(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero), await waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2)));
        clock.Advance(TimeSpan.FromHours(1));
        var second = await ran.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero), second.DueAt);

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Two_schedulers_on_one_warehouse_run_each_occurrence_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 2, 59, 0, TimeSpan.Zero));
        var job = CronJob.Parse(new ScheduledJob { Name = "shared", Cron = "0 3 * * *" });
        var runs = 0;
        var reports = Channel.CreateUnbounded<ScheduledRun>();
        var waiting = Channel.CreateUnbounded<DateTimeOffset>();
        Scheduler Worker(string holder) => new([job], new ScheduleClaims(_dataSource),
            (j, runId, _) => { Interlocked.Increment(ref runs); return Task.FromResult(Ran(j.Name, runId, clock.GetUtcNow())); }, clock, holder)
        {
            Waiting = (_, due) => waiting.Writer.TryWrite(due),
        };
        using var stop = new CancellationTokenSource();
        var progress = new SyncProgress<ScheduledRun>(r => reports.Writer.TryWrite(r));
        var a = Worker("worker-a").RunAsync(progress, stop.Token);
        var b = Worker("worker-b").RunAsync(progress, stop.Token);
        await waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
        await waiting.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));

        clock.Advance(TimeSpan.FromMinutes(1));
        var seen = new[]
        {
            await reports.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2)),
            await reports.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2)),
        };

        Assert.Equal(1, runs);
        Assert.Single(seen, s => s.Claimed);
        Assert.Single(seen, s => !s.Claimed);
        Assert.Equal(1, await Sql.ScalarAsync<int>(_connectionString, "SELECT count(*) FROM ops.schedule_claims WHERE job = 'shared'"));
        await stop.CancelAsync();
        await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromMinutes(2));
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
