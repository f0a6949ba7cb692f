using System.CommandLine;
using System.Globalization;
using CareLake.Warehouse.Gold;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake run gold</c>: the gold models, in dependency order.</summary>
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
        return new Command("run", "Run pipeline stages on demand.") { gold };
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
