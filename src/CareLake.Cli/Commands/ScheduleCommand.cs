using System.CommandLine;
using System.Globalization;
using CareLake.Core.Configuration;
using CareLake.Interop.Events;
using CareLake.Interop.Fhir;
using CareLake.Interop.Synthea;
using CareLake.Scheduling.Graph;
using CareLake.Scheduling.History;
using CareLake.Scheduling.Running;
using CareLake.Scheduling.Timing;
using CareLake.Streaming.Acknowledged;
using CareLake.Streaming.Imports;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary>The exit codes of <c>carelake run</c> and <c>carelake schedule</c> (docs/orchestration.md).</summary>
internal static class DagExitCodes
{
    public const int Success = 0;
    public const int TaskFailed = 1;
    public const int Usage = 2;
    public const int LeaseHeld = 3;
    public const int QualityBlocked = 4;

    public static int For(RunOutcome run) => run.Failed ? TaskFailed : run.BlockedTables.Count > 0 ? QualityBlocked : Success;
}

/// <summary>Builds the configured DAG and runs it with a progress display.</summary>
internal static class DagHost
{
    public static Dag Build(Warehouse.Postgres.Warehouse warehouse, CliContext context)
    {
        var options = context.Options;
        var imports = options.Schedule.Imports;
        return PipelineDag.Build(warehouse.DataSource, new PipelineParts
        {
            Imports = imports.Count == 0 ? null : async (_, ct) =>
            {
                var import = new FileImport(StreamCommand.Pipeline(warehouse, options, context), $"dag-import-{Environment.ProcessId}",
                    options.BatchMaxMessages, options.BatchMaxBytes);
                var results = await import.RunAsync(imports.SelectMany(Sources).ToList(), ct);
                return new TaskResult(results.Sum(r => r.AlreadyImported ? 0 : r.Records));
            },
            DrainSilver = async (_, ct) => new TaskResult(await SilverQueue.DrainAsync(StreamCommand.Pipeline(warehouse, options, context),
                $"dag-silver-{Environment.ProcessId}", options.BatchMaxMessages, ct)),
            Quality = new Scheduling.Quality.SuitesQualityStep(warehouse.DataSource, options.Quality),
            ExportDirectory = options.Schedule.ExportDirectory ?? Path.Combine(options.DataDirectory, "export"),
        });
    }

    public static RunnerSettings Settings(CareLakeOptions options) =>
        RunnerSettings.From(options.Schedule, options.Schedule.ArtifactDirectory ?? Path.Combine(options.DataDirectory, "runs"));

    /// <summary>The import sources of one file drop.</summary>
    private static IEnumerable<ImportSource> Sources(ScheduledImport drop)
    {
        if (drop.Format == "synthea")
        {
            if (!Directory.Exists(drop.Path)) throw new TaskFailedException($"schedule.imports: no such folder {drop.Path}");
            var export = SyntheaExport.Open(drop.Path);
            return export.Files.Select(f => new ImportSource(f.Path, "synthea", stream => SyntheaCsvReader.Read(stream, f.Kind)));
        }

        string[] extensions = drop.Format == "fhir" ? [".json", ".ndjson"] : [".ndjson", ".jsonl"];
        var files = File.Exists(drop.Path) ? [Path.GetFullPath(drop.Path)]
            : Directory.Exists(drop.Path) ? Directory.EnumerateFiles(drop.Path).Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
            : throw new TaskFailedException($"schedule.imports: no such file or folder {drop.Path}");
        return drop.Format == "fhir"
            ? files.Select(f => new ImportSource(f, "fhir", FhirFileReader.Read))
            : files.Select(f => new ImportSource(f, "events", ContractEventFile.Read));
    }

    /// <summary>Runs the DAG with a progress bar (or log lines when the output is not a terminal).</summary>
    public static async Task<RunOutcome> RunAsync(DagRunner runner, Dag dag, RunRequest request, CancellationToken cancellationToken)
    {
        if (!CliContext.Interactive)
        {
            var log = new SynchronousProgress<TaskProgress>(p =>
            {
                if (p.Finished is { } t) CliContext.Log($"{t.Task}: {Describe(t)}");
            });
            return await runner.RunAsync(dag, request, log, cancellationToken);
        }

        RunOutcome? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask("DAG", maxValue: 1);
                var finished = new HashSet<string>(StringComparer.Ordinal);
                var running = new HashSet<string>(StringComparer.Ordinal);
                var progress = new SynchronousProgress<TaskProgress>(p =>
                {
                    lock (finished)
                    {
                        bar.MaxValue = p.Total;
                        if (p.Finished is null) running.Add(p.Task);
                        else
                        {
                            running.Remove(p.Task);
                            finished.Add(p.Task);
                        }

                        bar.Value = finished.Count;
                        bar.Description = running.Count == 0 ? "DAG" : Markup.Escape(string.Join(", ", running));
                    }
                });
                result = await runner.RunAsync(dag, request, progress, cancellationToken);
                bar.Description = "DAG";
                bar.Value = bar.MaxValue;
            });
        return result!;
    }

    /// <summary>A table of each task's status, attempts, rows and duration.</summary>
    public static Table Summary(RunOutcome run)
    {
        var table = new Table().AddColumns("task", "status", "attempts", "rows", "duration").Title(Markup.Escape($"run {run.RunId}: {run.Status}"));
        table.Columns[2].RightAligned();
        table.Columns[3].RightAligned();
        table.Columns[4].RightAligned();
        foreach (var task in run.Tasks)
        {
            var status = task.Status switch
            {
                TaskRunStatus.Succeeded when task.Reused => "[green]succeeded[/] (earlier)",
                TaskRunStatus.Succeeded when task.BlockedTables.Count > 0 => $"[yellow]blocked[/] {Markup.Escape(string.Join(", ", task.BlockedTables))}",
                TaskRunStatus.Succeeded => "[green]succeeded[/]",
                TaskRunStatus.Failed => $"[red]failed[/]: {Markup.Escape(task.Error ?? "")}",
                _ => $"[yellow]skipped[/]: {Markup.Escape(task.Error ?? "")}",
            };
            table.AddRow(Markup.Escape(task.Task), status, task.Attempts.ToString(CultureInfo.InvariantCulture),
                task.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "", $"{(task.FinishedAt - task.StartedAt).TotalSeconds:0.00} s");
        }

        return table;
    }

    public static string Describe(TaskOutcome task) => task.Status switch
    {
        TaskRunStatus.Succeeded => $"succeeded{(task.Reused ? " earlier" : "")}{(task.Rows is { } r ? $", {r:N0} rows" : "")} in {(task.FinishedAt - task.StartedAt).TotalSeconds:0.00} s" +
            (task.Attempts > 1 ? $" after {task.Attempts} attempts" : "") + (task.BlockedTables.Count > 0 ? $"; blocked {string.Join(", ", task.BlockedTables)}" : ""),
        TaskRunStatus.Failed => $"failed after {task.Attempts} attempt(s): {task.Error}",
        _ => task.Error ?? "skipped",
    };

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary><c>carelake schedule</c>: the configured jobs on their cron expressions, until stopped.</summary>
public static class ScheduleCommand
{
    public static Command Create()
    {
        var command = new Command("schedule",
            "Run the jobs of the config's schedule.jobs on their cron expressions until Ctrl-C or SIGTERM. Each occurrence is " +
            "claimed in the warehouse (ops.schedule_claims) first, so several schedulers sharing a warehouse run it once; a run " +
            "waits for another run of the DAG to end. Streaming stays with `carelake stream`. Exit codes: 0 stopped, 2 no jobs or a bad config.");
        var once = new Option<bool>("--once") { Description = "Run each job's next occurrence now (claimed like a scheduled one), then exit with the runs' worst exit code." };
        command.Options.Add(once);
        command.SetAction(async (context, parseResult) =>
        {
            var options = context.Options;
            if (options.Schedule.Jobs.Count == 0)
            {
                CliContext.Log("error: the config has no schedule.jobs: nothing to schedule (see docs/orchestration.md)");
                return DagExitCodes.Usage;
            }

            var jobs = options.Schedule.Jobs.Select(CronJob.Parse).ToList();
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping);
            var dag = DagHost.Build(warehouse, context);
            var runner = new DagRunner(warehouse.DataSource, DagHost.Settings(options), context.Time);
            var holder = $"{Environment.MachineName}:{Environment.ProcessId}";
            async Task<RunOutcome> Run(ScheduledJob job, string runId, CancellationToken ct)
            {
                await using var lease = await RunLease.AcquireAsync(warehouse.DataSource, ct);
                var run = await runner.RunAsync(dag, new RunRequest { Job = job.Name, Trigger = "schedule", RunId = runId, Select = job.Select, FullRefresh = job.FullRefresh },
                    null, ct);
                CliContext.Log($"{job.Name}: run {run.RunId} {run.Status}; artifact {run.ArtifactPath}");
                return run;
            }

            var scheduler = new Scheduler(jobs, new ScheduleClaims(warehouse.DataSource), Run, context.Time, holder)
            {
                Waiting = (job, due) => CliContext.Log($"{job}: next run at {due:yyyy-MM-dd HH:mm:ss} UTC"),
            };
            if (parseResult.GetValue(once))
            {
                var worst = 0;
                foreach (var job in jobs)
                {
                    var now = context.Time.GetUtcNow();
                    var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
                    var occurrence = await scheduler.RunOccurrenceAsync(job, due, context.Stopping);
                    if (occurrence.Outcome is { } run) worst = Math.Max(worst, DagExitCodes.For(run));
                    else CliContext.Log($"{job.Job.Name}: the occurrence at {due:yyyy-MM-dd HH:mm} UTC was run by another scheduler");
                }

                return worst;
            }

            var reports = new Progress<ScheduledRun>(r =>
            {
                if (r.Error is { } error) CliContext.Log($"{r.Job}: the occurrence at {r.DueAt:yyyy-MM-dd HH:mm} UTC could not run: {error}");
                else if (!r.Claimed) CliContext.Log($"{r.Job}: the occurrence at {r.DueAt:yyyy-MM-dd HH:mm} UTC is run by another scheduler");
            });
            await scheduler.RunAsync(reports, context.Stopping);
            CliContext.Log("stopped");
            return DagExitCodes.Success;
        });
        return command;
    }
}
