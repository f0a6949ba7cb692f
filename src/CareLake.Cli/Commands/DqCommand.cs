using System.CommandLine;
using System.Globalization;
using CareLake.Quality;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake dq</c>: run the expectation suites; <c>carelake dq report DIR</c>: the HTML report and JSON artifact.</summary>
public static class DqCommand
{
    public static Command Create()
    {
        var dq = new Command("dq",
            "Run the data-quality suites (YAML beside the gold models, Silver/Suites and Bronze/Suites) against the warehouse. " +
            "Every check's result is appended to ops.dq_results and every failing row's key to ops.dq_failures; quarantine " +
            "checks move their failing rows to ops.dq_quarantine; breaches raise operational alerts. Exit code 0 when no " +
            "error-severity check failed (warnings and quarantines included), 1 when one did (the tables it checks are " +
            "blocked from the gold models that read them and from export), 2 when misconfigured. See docs/quality.md.");
        var select = new Option<string[]>("--select", "-s")
        {
            Description = "Check only these suites: a table (gold.fact_encounter), a bare table name (fact_encounter) or a schema (silver); repeatable or comma-separated. Default: every suite.",
            AllowMultipleArgumentsPerToken = true,
        };
        dq.Options.Add(select);
        dq.SetAction(async (context, parseResult) =>
        {
            var selectors = parseResult.GetValue(select) is { Length: > 0 } s ? s : null;
            IReadOnlyList<QualitySuite> suites;
            try
            {
                suites = QualitySuites.Select(QualitySuites.All, selectors);
            }
            catch (QualitySuiteException e)
            {
                CliContext.Log($"error: {e.Message}");
                return CommandRunner.Misconfigured;
            }

            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(context.Options, CliContext.Log, context.Stopping);
            var request = new QualityRunRequest("cli-" + context.Time.GetUtcNow().ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture), selectors);
            var settings = new QualityRunSettings { Options = context.Options.Quality, Trigger = "cli" };
            QualityRunOutcome outcome;
            if (CliContext.Interactive)
            {
                outcome = null!;
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("checks", maxValue: Math.Max(1, suites.Sum(x => x.Checks.Count)));
                        outcome = await QualityRunner.RunAsync(warehouse.DataSource, request, settings with
                        {
                            Progress = (r, total) =>
                            {
                                task.Description = $"{r.Suite}.{r.Check}";
                                task.Increment(1);
                            },
                        }, context.Stopping);
                        task.Description = "checks";
                    });
            }
            else
            {
                var done = 0;
                outcome = await QualityRunner.RunAsync(warehouse.DataSource, request, settings with
                {
                    Progress = (r, total) => CliContext.Log($"[{++done}/{total}] {r.Suite}.{r.Check}: {r.Status}{(r.Message is null ? "" : " (" + r.Message + ")")}"),
                }, context.Stopping);
            }

            var results = await QualityRunner.ResultsAsync(warehouse.DataSource, outcome.DqRunId, context.Stopping);
            AnsiConsole.Write(Summary(results));
            Console.WriteLine($"dq run {outcome.DqRunId}: {outcome.Checks} checks, {outcome.Passed} passed, {outcome.Warned} warned, {outcome.Failed} failed, {outcome.Quarantined} quarantined");
            if (outcome.BlockedTables.Count > 0) Console.WriteLine($"blocked: {string.Join(", ", outcome.BlockedTables)}");
            return outcome.BlockedTables.Count > 0 ? CommandRunner.Failed : 0;
        });

        var report = new Command("report",
            "Write the data-quality report into DIR: index.html (self-contained: the suites, the latest run, each check's trend " +
            "over recent runs, the latest run's failing rows) and dq_run.json (a versioned artifact of the latest run with " +
            "every failing row's key).");
        var directory = new Argument<string>("DIR") { Description = "The folder to write into (created if missing)." };
        var runs = new Option<int>("--runs") { Description = "Recent runs shown in the trends.", DefaultValueFactory = _ => 30 };
        report.Arguments.Add(directory);
        report.Options.Add(runs);
        report.SetAction(async (context, parseResult) =>
        {
            var dir = parseResult.GetValue(directory)!;
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(context.Options, CliContext.Log, context.Stopping);
            var data = await QualityReport.LoadAsync(warehouse.DataSource, Math.Max(1, parseResult.GetValue(runs)), context.Stopping);
            try
            {
                await QualityReport.WriteAsync(data, dir, context.Stopping);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                CliContext.Log($"error: writing {dir} failed: {e.Message}");
                return CommandRunner.Failed;
            }

            Console.WriteLine($"{Path.Combine(Path.GetFullPath(dir), "index.html")} ({data.Runs.Count} runs, {data.Latest.Count} results, {data.LatestFailures.Count} failing rows)");
            return 0;
        });
        dq.Subcommands.Add(report);
        return dq;
    }

    private static Table Summary(IReadOnlyList<QualityCheckResult> results)
    {
        var table = new Table().AddColumns("suite", "check", "severity", "status", "observed", "failing rows", "ms");
        table.Columns[4].RightAligned();
        table.Columns[5].RightAligned();
        table.Columns[6].RightAligned();
        foreach (var r in results)
        {
            var colour = r.Status switch { "passed" => "green", "warned" => "yellow", "quarantined" => "blue", _ => "red" };
            table.AddRow(Markup.Escape(r.Suite), Markup.Escape(r.Check), r.Severity.ToString().ToLowerInvariant(), $"[{colour}]{r.Status}[/]",
                r.Observed?.ToString("0.##", CultureInfo.InvariantCulture) ?? "", r.FailingRows.ToString("N0", CultureInfo.InvariantCulture),
                r.DurationMs.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }
}
