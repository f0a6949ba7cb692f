using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CareLake.Core.Configuration;
using CareLake.Scheduling.Artifacts;
using CareLake.Scheduling.Graph;
using CareLake.Scheduling.History;
using CareLake.Warehouse.Operations;
using Npgsql;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CareLake.Scheduling.Running;

/// <summary>How one task ended.</summary>
/// <param name="Reused">True when a resumed run found it already succeeded and did not run it again.</param>
public sealed record TaskOutcome(string Task, DagStage Stage, TaskRunStatus Status, int Attempts, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
    long? Rows, string? Error, IReadOnlyList<string> BlockedTables, bool Reused = false);

/// <summary>How a run ended.</summary>
public sealed record RunOutcome(string RunId, string Job, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, IReadOnlyList<TaskOutcome> Tasks,
    DateRange? Range, bool FullRefresh, string? ArtifactPath)
{
    public bool Failed => Tasks.Any(t => t.Status == TaskRunStatus.Failed);

    /// <summary>Tables a quality step blocked in this run.</summary>
    public IReadOnlyList<string> BlockedTables => Tasks.SelectMany(t => t.BlockedTables).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>A task starting (<see cref="Finished"/> null) or finished.</summary>
public sealed record TaskProgress(string Task, int Total, TaskOutcome? Finished);

/// <summary>What to run: a new run, or a resume of an earlier one.</summary>
public sealed record RunRequest
{
    /// <summary>The schedule's job, or <c>manual</c>.</summary>
    public string Job { get; init; } = "manual";

    /// <summary><c>manual</c>, <c>schedule</c> or <c>backfill</c>.</summary>
    public string Trigger { get; init; } = "manual";

    public IReadOnlyList<string> Select { get; init; } = [];

    public DateRange? Range { get; init; }

    public bool FullRefresh { get; init; }

    /// <summary>Continue this run: tasks that succeeded in it are not run again. Its selection, range and refresh are reused.</summary>
    public string? ResumeRunId { get; init; }

    /// <summary>The new run's id; default a fresh one (UTC time and a random suffix).</summary>
    public string? RunId { get; init; }
}

/// <summary>The settings of the task runner, from <see cref="ScheduleOptions"/>.</summary>
public sealed record RunnerSettings(int Retries, TimeSpan BackoffBase, TimeSpan TaskTimeout, int Concurrency, string? ArtifactDirectory)
{
    public static RunnerSettings From(ScheduleOptions options, string? artifactDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.Retries, TimeSpan.FromMilliseconds(options.BackoffBaseMs), TimeSpan.FromSeconds(options.TaskTimeoutSeconds), options.Concurrency,
            artifactDirectory);
    }
}

/// <summary>A run cannot start: the run to resume does not exist, or the selection is wrong.</summary>
public sealed class RunException(string message) : Exception(message);

/// <summary>
/// Runs a DAG: each task once its inputs succeeded, at most <see cref="RunnerSettings.Concurrency"/> at a time, each
/// attempt under a timeout, failed attempts retried with exponential backoff and jitter. A task that fails after its
/// retries raises a <c>task_failed</c> alert and its downstream tasks are skipped; a quality step that blocks a table
/// skips the tasks downstream of it. Every attempt is recorded in <c>ops.task_runs</c> and every start, success,
/// failure, retry and skip in <c>ops.pipeline_events</c>.
/// </summary>
public sealed class DagRunner(NpgsqlDataSource dataSource, RunnerSettings settings, TimeProvider timeProvider)
{
    private readonly RunHistory _history = new(dataSource);

    /// <exception cref="RunException">The run to resume does not exist.</exception>
    /// <exception cref="DagException">The selection names no task.</exception>
    public async Task<RunOutcome> RunAsync(Dag dag, RunRequest request, IProgress<TaskProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dag);
        ArgumentNullException.ThrowIfNull(request);
        RunRecord run;
        IReadOnlyDictionary<string, long?> done = new Dictionary<string, long?>();
        IReadOnlyDictionary<string, int> previousAttempts = new Dictionary<string, int>();
        if (request.ResumeRunId is { } resume)
        {
            run = await _history.ReopenAsync(resume, cancellationToken) ?? throw new RunException($"There is no run {resume} in ops.runs to resume.");
            done = await _history.SucceededAsync(resume, cancellationToken);
            previousAttempts = await _history.AttemptsAsync(resume, cancellationToken);
        }
        else
        {
            var now = timeProvider.GetUtcNow();
            run = new RunRecord(request.RunId ?? NewRunId(now), request.Job, request.Trigger, request.Select, request.Range?.From, request.Range?.To,
                "running", now, null, request.FullRefresh);
            await _history.StartAsync(run, cancellationToken);
        }

        var selected = dag.Select(run.Selection);
        var range = run.From is { } from && run.To is { } to ? new DateRange(from, to) : null;
        var outcomes = new ConcurrentDictionary<string, Task<TaskOutcome>>(StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        var total = selected.Tasks.Count;
        var pipeline = BuildPipeline();
        foreach (var task in selected.Tasks)
        {
            var inputs = task.DependsOn.Select(d => outcomes[d]).ToList();
            outcomes[task.Name] = RunTaskAsync(task, inputs);
        }

        async Task<TaskOutcome> RunTaskAsync(DagTask task, List<Task<TaskOutcome>> inputs)
        {
            var finished = await Task.WhenAll(inputs);
            if (done.TryGetValue(task.Name, out var doneRows))
            {
                var at = timeProvider.GetUtcNow();
                var reused = new TaskOutcome(task.Name, task.Stage, TaskRunStatus.Succeeded, 0, at, at, doneRows, null, [], Reused: true);
                progress?.Report(new TaskProgress(task.Name, total, reused));
                return reused;
            }

            var blocker = finished.FirstOrDefault(f => f.Status != TaskRunStatus.Succeeded);
            var blocked = finished.SelectMany(f => f.BlockedTables).ToList();
            if (blocker is not null || blocked.Count > 0)
            {
                var reason = blocker is not null
                    ? $"skipped: its input {blocker.Task} {(blocker.Status == TaskRunStatus.Failed ? "failed" : "was skipped")}"
                    : $"skipped: data quality blocked {string.Join(", ", blocked)}";
                var at = timeProvider.GetUtcNow();
                await _history.SkippedAsync(run.RunId, task.Name, at, reason, CancellationToken.None);
                await OperationalEvents.RecordAsync(dataSource, new PipelineEvent(run.RunId, task.Name, "skipped", Error: reason), CancellationToken.None);
                var skipped = new TaskOutcome(task.Name, task.Stage, TaskRunStatus.Skipped, 0, at, at, null, reason, []);
                progress?.Report(new TaskProgress(task.Name, total, skipped));
                return skipped;
            }

            await gate.WaitAsync(cancellationToken);
            try
            {
                progress?.Report(new TaskProgress(task.Name, total, null));
                return await AttemptAsync(task, pipeline, run.RunId, previousAttempts.GetValueOrDefault(task.Name), range, run.FullRefresh, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }

        var results = new List<TaskOutcome>(total);
        foreach (var task in selected.Tasks)
        {
            var outcome = await outcomes[task.Name];
            results.Add(outcome);
            progress?.Report(new TaskProgress(task.Name, total, outcome));
        }

        var finishedAt = timeProvider.GetUtcNow();
        var status = cancellationToken.IsCancellationRequested ? "cancelled" : results.Any(r => r.Status == TaskRunStatus.Failed) ? "failed" : "succeeded";
        await _history.FinishAsync(run.RunId, status, finishedAt, CancellationToken.None);
        var result = new RunOutcome(run.RunId, run.Job, status, run.StartedAt, finishedAt, results, range, run.FullRefresh, null);
        if (settings.ArtifactDirectory is { } directory)
        {
            result = result with { ArtifactPath = await RunArtifact.WriteAsync(directory, result, CancellationToken.None) };
        }

        return result;
    }

    private async Task<TaskOutcome> AttemptAsync(DagTask task, ResiliencePipeline<TaskResult> pipeline, string runId, int attemptsBefore, DateRange? range, bool fullRefresh,
        CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetUtcNow();
        var attempt = attemptsBefore;
        long lastTaskRunId = 0;
        string? lastError = null;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(TaskKey, task.Name);
        context.Properties.Set(RunKey, runId);
        try
        {
            var result = await pipeline.ExecuteAsync(async ctx =>
            {
                attempt++;
                var attemptStart = timeProvider.GetTimestamp();
                lastTaskRunId = await _history.AttemptStartedAsync(runId, task.Name, attempt, timeProvider.GetUtcNow(), CancellationToken.None);
                await OperationalEvents.RecordAsync(dataSource, new PipelineEvent(runId, task.Name, "started"), CancellationToken.None);
                try
                {
                    var value = await task.Execute(new TaskContext(runId, attempt, range, fullRefresh), ctx.CancellationToken);
                    var duration = (long)timeProvider.GetElapsedTime(attemptStart).TotalMilliseconds;
                    await _history.AttemptFinishedAsync(lastTaskRunId, TaskRunStatus.Succeeded, timeProvider.GetUtcNow(), value.Rows, null, CancellationToken.None);
                    await OperationalEvents.RecordAsync(dataSource, new PipelineEvent(runId, task.Name, "succeeded", value.Rows, duration), CancellationToken.None);
                    return value;
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    lastError = e is OperationCanceledException ? $"timed out after {settings.TaskTimeout.TotalSeconds:0.###} s" : Describe(e);
                    var duration = (long)timeProvider.GetElapsedTime(attemptStart).TotalMilliseconds;
                    await _history.AttemptFinishedAsync(lastTaskRunId, TaskRunStatus.Failed, timeProvider.GetUtcNow(), null, lastError, CancellationToken.None);
                    await OperationalEvents.RecordAsync(dataSource, new PipelineEvent(runId, task.Name, "failed", null, duration, lastError), CancellationToken.None);
                    throw;
                }
            }, context);
            return new TaskOutcome(task.Name, task.Stage, TaskRunStatus.Succeeded, attempt - attemptsBefore, startedAt, timeProvider.GetUtcNow(), result.Rows, null,
                result.BlockedTables ?? []);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = $"{task.Name} failed after {attempt - attemptsBefore} attempt(s): {lastError ?? Describe(e)}";
            await OperationalEvents.RaiseAsync(dataSource, new OperationalAlert("task_failed", "high", "task_failed:" + task.Name, reason,
                new JsonObject { ["table"] = "ops.task_runs", ["id"] = lastTaskRunId, ["run_id"] = runId }), CancellationToken.None);
            return new TaskOutcome(task.Name, task.Stage, TaskRunStatus.Failed, attempt - attemptsBefore, startedAt, timeProvider.GetUtcNow(), null,
                lastError ?? Describe(e), []);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static readonly ResiliencePropertyKey<string> TaskKey = new("carelake.task");
    private static readonly ResiliencePropertyKey<string> RunKey = new("carelake.run");

    private ResiliencePipeline<TaskResult> BuildPipelineCore()
    {
        var builder = new ResiliencePipelineBuilder<TaskResult> { TimeProvider = timeProvider };
        if (settings.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<TaskResult>
            {
                MaxRetryAttempts = settings.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BackoffBase,
                MaxDelay = TimeSpan.FromHours(1),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && (e is not OperationCanceledException || e is TimeoutRejectedException) &&
                    !args.Context.CancellationToken.IsCancellationRequested),
                OnRetry = async args =>
                {
                    var task = args.Context.Properties.GetValue(TaskKey, "");
                    var runId = args.Context.Properties.GetValue(RunKey, "");
                    await OperationalEvents.RecordAsync(dataSource, new PipelineEvent(runId, task, "retrying",
                        Error: $"attempt {args.AttemptNumber + 1} failed ({Describe(args.Outcome.Exception!)}); retrying in {args.RetryDelay.TotalSeconds:0.###} s"), CancellationToken.None);
                },
            });
        }

        builder.AddTimeout(settings.TaskTimeout);
        return builder.Build();
    }

    private ResiliencePipeline<TaskResult>? _pipeline;

    private ResiliencePipeline<TaskResult> BuildPipeline() => _pipeline ??= BuildPipelineCore();

    private static string Describe(Exception e) => e switch
    {
        TimeoutRejectedException t => $"timed out after {t.Timeout.TotalSeconds:0.###} s",
        PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
        _ => e.Message,
    };

    private static string NewRunId(DateTimeOffset now) =>
        $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
}
