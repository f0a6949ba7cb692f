using CareLake.Core.Configuration;
using CareLake.Scheduling.Graph;
using CareLake.Scheduling.Running;
using Cronos;

namespace CareLake.Scheduling.Timing;

/// <summary>A job's cron expression, read once at start-up.</summary>
public sealed record CronJob(ScheduledJob Job, CronExpression Expression, TimeZoneInfo TimeZone)
{
    /// <exception cref="ConfigurationException">The expression or time zone cannot be read.</exception>
    public static CronJob Parse(ScheduledJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        CronExpression expression;
        try
        {
            var fields = job.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            expression = CronExpression.Parse(job.Cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new ConfigurationException($"Invalid setting: schedule.jobs '{job.Name}': cron '{job.Cron}' cannot be read ({e.Message}).", e);
        }

        var zone = job.TimeZone is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(job.TimeZone);
        return new CronJob(job, expression, zone);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => Expression.GetNextOccurrence(after, TimeZone);
}

/// <summary>A scheduled occurrence run (or left to another scheduler).</summary>
/// <param name="Error">Why the occurrence could not run (the warehouse was unreachable, the DAG could not start).</param>
public sealed record ScheduledRun(string Job, DateTimeOffset DueAt, bool Claimed, RunOutcome? Outcome, string? Error = null);

/// <summary>
/// Runs jobs on their cron expressions, with time from a <see cref="TimeProvider"/>. Each occurrence is claimed in
/// the warehouse first, so several schedulers sharing it run each occurrence once. An occurrence missed while no
/// scheduler ran is not made up; the next one runs.
/// </summary>
public sealed class Scheduler(IReadOnlyList<CronJob> jobs, ScheduleClaims claims, Func<ScheduledJob, string, CancellationToken, Task<RunOutcome>> run,
    TimeProvider timeProvider, string holder)
{
    /// <summary>Called with a job and its next due time once the scheduler's timer for it is set (for displays and tests).</summary>
    public Action<string, DateTimeOffset>? Waiting { get; init; }

    /// <summary>Runs until cancelled; reports each occurrence it reached.</summary>
    public async Task RunAsync(IProgress<ScheduledRun>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var start = timeProvider.GetUtcNow();
        await Task.WhenAll(jobs.Select(job => LoopAsync(job, start, progress, cancellationToken)));
    }

    private async Task LoopAsync(CronJob job, DateTimeOffset start, IProgress<ScheduledRun>? progress, CancellationToken cancellationToken)
    {
        var after = start;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (job.Next(after) is not { } due) return;
            var wait = due - timeProvider.GetUtcNow();
            try
            {
                var delay = wait > TimeSpan.Zero ? Task.Delay(wait, timeProvider, cancellationToken) : Task.CompletedTask;
                Waiting?.Invoke(job.Job.Name, due);
                await delay;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            ScheduledRun reached;
            try
            {
                reached = await RunOccurrenceAsync(job, due, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One occurrence failing to start does not stop the schedule: the next one is tried.
                reached = new ScheduledRun(job.Job.Name, due, false, null, e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            progress?.Report(reached);
            after = due;
        }
    }

    /// <summary>Claims and runs one occurrence of a job (or leaves it to the scheduler that claimed it).</summary>
    public async Task<ScheduledRun> RunOccurrenceAsync(CronJob job, DateTimeOffset due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var runId = $"{job.Job.Name}-{due.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";
        if (!await claims.TryClaimAsync(job.Job.Name, due, holder, runId, timeProvider.GetUtcNow(), cancellationToken))
        {
            return new ScheduledRun(job.Job.Name, due, false, null);
        }

        return new ScheduledRun(job.Job.Name, due, true, await run(job.Job, runId, cancellationToken));
    }
}
