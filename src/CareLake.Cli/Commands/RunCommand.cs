using System.CommandLine;
using System.Globalization;
using CareLake.Scheduling.Graph;
using CareLake.Scheduling.Running;
using CareLake.Scheduling.Timing;
using CareLake.Warehouse.Gold;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake run</c>: the whole DAG (or a selection, a backfill, a resume); <c>carelake run gold</c>: the gold models, in dependency order.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var gold = new Command("gold",
            "Build the gold star schema and marts from silver: load the seed CSVs, then run each model (Gold/Models/*.sql) in " +
            "dependency order. per_patient models recompute only the patients whose silver rows changed since their last run " +
            "(the first run, or --full-refresh, rebuilds them for every patient); table models rebuild whole. A failing model " +
            "is reported, the models downstream of it are skipped, the others run, and the exit code is 1. Each model's run " +
            "is recorded in ops.model_runs.");
        var select = new Option<string[]>("--select", "-s")
        {
            Description = "Run only these models: MODEL, or MODEL+ for it and everything downstream (repeatable, or comma-separated).",
            AllowMultipleArgumentsPerToken = true,
        };
        var fullRefresh = new Option<bool>("--full-refresh") { Description = "Rebuild per_patient models for every patient instead of the changed ones." };
        gold.Options.Add(select);
        gold.Options.Add(fullRefresh);
        gold.SetAction(async (context, parseResult) =>
        {
            var options = new GoldRunOptions { Select = parseResult.GetValue(select) ?? [], FullRefresh = parseResult.GetValue(fullRefresh) };
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(context.Options, CliContext.Log, context.Stopping);
            var runs = await RunGoldAsync(warehouse.DataSource, options, context.Stopping);
            AnsiConsole.Write(Summary(runs));
            return runs.Any(r => r.Status != GoldRunStatus.Success) ? CommandRunner.Failed : 0;
        });
        var run = new Command("run",
            "Run the pipeline's DAG once: sources (the config's schedule.imports) → gold models in dependency order → data-quality " +
            "steps → the Parquet export. Tasks run when their inputs succeeded (schedule.concurrency at a time), each attempt under " +
            "schedule.task_timeout_seconds, retried schedule.retries times with exponential backoff and jitter; a task failing for " +
            "good raises a task_failed alert and skips its downstream. History in ops.runs/ops.task_runs, a JSON artifact per run. " +
            "Exit codes: 0 success, 1 a task failed, 2 usage or config error, 3 another run holds the DAG's lease, 4 data quality " +
            "blocked a table. `carelake run gold` runs only the gold models.")
        {
            gold,
        };
        var dagSelect = new Option<string[]>("--select", "-s")
        {
            Description = "Run only these tasks: TASK, TASK+ (and downstream), +TASK (and upstream), or a stage (source, silver, gold, quality, export); " +
                "gold models may drop the gold. prefix (repeatable, or comma-separated).",
            AllowMultipleArgumentsPerToken = true,
        };
        var from = new Option<string?>("--from") { Description = "Backfill: the first day (YYYY-MM-DD) whose gold rows are recomputed; needs --to." };
        var to = new Option<string?>("--to") { Description = "Backfill: the last day (YYYY-MM-DD, inclusive)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run RUN_ID: the tasks that succeeded in it are not run again." };
        var dagFullRefresh = new Option<bool>("--full-refresh") { Description = "Rebuild per_patient models for every patient instead of the changed ones." };
        run.Options.Add(dagSelect);
        run.Options.Add(from);
        run.Options.Add(to);
        run.Options.Add(resume);
        run.Options.Add(dagFullRefresh);
        run.SetAction(async (context, parseResult) =>
        {
            DateRange? range = null;
            var (fromText, toText) = (parseResult.GetValue(from), parseResult.GetValue(to));
            if (fromText is not null || toText is not null)
            {
                if (!DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) ||
                    !DateOnly.TryParseExact(toText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last) || last < first)
                {
                    CliContext.Log("error: --from and --to must both be days (YYYY-MM-DD), --from not after --to");
                    return DagExitCodes.Usage;
                }

                range = new DateRange(first, last);
            }

            var request = new RunRequest
            {
                Trigger = range is null ? "manual" : "backfill",
                Select = parseResult.GetValue(dagSelect) ?? [],
                Range = range,
                FullRefresh = parseResult.GetValue(dagFullRefresh),
                ResumeRunId = parseResult.GetValue(resume),
            };
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(context.Options, CliContext.Log, context.Stopping);
            var dag = DagHost.Build(warehouse, context);
            try
            {
                dag.Select(request.Select);
            }
            catch (DagException e)
            {
                CliContext.Log($"error: {e.Message}");
                return DagExitCodes.Usage;
            }

            await using var lease = await RunLease.TryAcquireAsync(warehouse.DataSource, context.Stopping);
            if (lease is null)
            {
                CliContext.Log("error: another run of the DAG holds its lease on this warehouse; try again when it ends");
                return DagExitCodes.LeaseHeld;
            }

            RunOutcome outcome;
            try
            {
                outcome = await DagHost.RunAsync(new DagRunner(warehouse.DataSource, DagHost.Settings(context.Options), context.Time), dag, request, context.Stopping);
            }
            catch (RunException e)
            {
                CliContext.Log($"error: {e.Message}");
                return DagExitCodes.Usage;
            }

            AnsiConsole.Write(DagHost.Summary(outcome));
            CliContext.Log($"run {outcome.RunId} {outcome.Status}; artifact {outcome.ArtifactPath}");
            return DagExitCodes.For(outcome);
        });
        return run;
    }

    /// <summary>Runs the gold models with a progress display (or log lines when the output is not a terminal).</summary>
    public static async Task<IReadOnlyList<GoldModelRun>> RunGoldAsync(Npgsql.NpgsqlDataSource dataSource, GoldRunOptions options, CancellationToken cancellationToken)
    {
        if (!CliContext.Interactive)
        {
            var log = new SynchronousProgress(p =>
            {
                if (p.Finished is { } run) CliContext.Log($"[{p.Position}/{p.Total}] gold.{p.Model}: {Describe(run)}");
            });
            return await GoldModels.RunAsync(dataSource, options, log, cancellationToken);
        }

        IReadOnlyList<GoldModelRun> result = [];
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("gold models", maxValue: 1);
                var progress = new SynchronousProgress(p =>
                {
                    task.MaxValue = p.Total;
                    if (p.Finished is null)
                    {
                        task.Description = $"gold.{p.Model} ({p.Position}/{p.Total})";
                    }
                    else
                    {
                        task.Value = p.Position;
                    }
                });
                result = await GoldModels.RunAsync(dataSource, options, progress, cancellationToken);
                task.Description = "gold models";
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>A table of each model's rows, duration and status (and error).</summary>
    public static Table Summary(IReadOnlyList<GoldModelRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var table = new Table().AddColumns("model", "rows", "patients", "duration", "status");
        table.Columns[1].RightAligned();
        table.Columns[2].RightAligned();
        table.Columns[3].RightAligned();
        foreach (var run in runs)
        {
            var status = run.Status switch
            {
                GoldRunStatus.Success => run.FullRefresh ? "[green]success[/] (full)" : "[green]success[/]",
                GoldRunStatus.Error => $"[red]error[/]: {Markup.Escape(run.Error ?? "")}",
                _ => $"[yellow]skipped[/]: {Markup.Escape(run.Error ?? "")}",
            };
            table.AddRow("gold." + run.Model, run.Status == GoldRunStatus.Success ? run.Rows.ToString("N0", CultureInfo.InvariantCulture) : "",
                run.Patients?.ToString("N0", CultureInfo.InvariantCulture) ?? "", $"{run.Duration.TotalSeconds:0.00} s", status);
        }

        return table;
    }

    private static string Describe(GoldModelRun run) => run.Status switch
    {
        GoldRunStatus.Success => $"{run.Rows:N0} rows{(run.Patients is { } p ? $" for {p:N0} patients" : "")} in {run.Duration.TotalSeconds:0.00} s{(run.FullRefresh ? " (full refresh)" : "")}",
        GoldRunStatus.Error => $"error: {run.Error}",
        _ => run.Error ?? "skipped",
    };

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress(Action<GoldModelProgress> report) : IProgress<GoldModelProgress>
    {
        public void Report(GoldModelProgress value) => report(value);
    }
}
