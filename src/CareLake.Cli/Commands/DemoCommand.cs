using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CareLake.Generator;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Reports;
using CareLake.Web;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake demo</c>: the main job, end to end on this machine with the built-in synthetic hospital, ending with the dashboard served on its data.</summary>
public static class DemoCommand
{
    public const string DemoDatabase = "carelake_demo";

    public static Command Create()
    {
        var preset = new Option<string>("--preset")
        {
            Description = "Size of the synthetic hospital: tiny (200 patients, 30 days), demo (2,000 patients, 90 days, with dirty data) or full (63,000 patients, 365 days).",
            DefaultValueFactory = _ => "demo",
        };
        preset.AcceptOnlyFromAmong([.. GeneratorOptions.PresetNames]);
        var patients = new Option<int?>("--patients") { Description = "Patients in the population (overrides the preset)." };
        var days = new Option<int?>("--days") { Description = "Days simulated, ending at the last midnight (overrides the preset)." };
        var seed = new Option<long>("--seed") { Description = "Generator seed. Default 42.", DefaultValueFactory = _ => 42 };
        var keep = new Option<bool>("--keep") { Description = $"Local mode: keep the {DemoDatabase} database from an earlier run instead of starting empty." };
        var noServe = new Option<bool>("--no-serve") { Description = "Exit after the summary instead of serving the dashboard (for scripts and tests)." };
        var port = new Option<int?>("--port")
        {
            Description = "TCP port of the dashboard; 0 picks a free one. Default: http_port / CARELAKE_HTTP_PORT (8080), or a free port when that one is taken.",
        };
        var command = new Command("demo",
            "Run the whole pipeline on this machine: start the local PostgreSQL (unless CARELAKE_DATABASE_URL is set), " +
            $"simulate a hospital (ADT, diagnoses, procedures, labs, vitals, EHR access logs, some dirty data), land every event in bronze, " +
            $"type every entity in silver (patients and their history, encounters, diagnoses, procedures, labs, EHR access, NEWS2-scored " +
            $"vitals, alerts, quarantine), build gold, and print a summary; then serve the dashboard and the ingest API on the demo's data " +
            $"(like `carelake serve`), printing the dashboard's address, until Ctrl-C. " +
            $"In local mode it uses its own database, {DemoDatabase}, emptied at each run (`carelake serve --database {DemoDatabase}` serves it again later).")
        {
            preset, patients, days, seed, keep, noServe, port,
        };

        command.SetAction(async (context, parseResult) =>
        {
            var options = context.Options;
            var generator = GeneratorOptions.Preset(parseResult.GetValue(preset)!);
            generator = generator with
            {
                Patients = parseResult.GetValue(patients) ?? generator.Patients,
                Days = parseResult.GetValue(days) ?? generator.Days,
                Seed = parseResult.GetValue(seed),
            };
            generator = generator with { Start = GeneratorOptions.PeriodEndingAt(context.Time.GetUtcNow(), generator.Days, generator.FacilityUtcOffset) };
            generator.Validate();
            var serving = !parseResult.GetValue(noServe);
            var askedPort = parseResult.GetValue(port);
            var settings = WebServerSettings.From(options, port: askedPort);
            if (serving) settings.BindAddress();

            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping,
                localDatabase: DemoDatabase, recreate: !parseResult.GetValue(keep));
            var simulator = new HospitalSimulator(generator);
            var worker = new FeedStreamWorker(StreamCommand.Pipeline(warehouse, options, context), GeneratorFeed.SourceName,
                $"demo-{Environment.ProcessId}", options.BatchMaxMessages, options.BatchMaxBytes);

            CliContext.Log($"simulating {generator.Patients:N0} patients over {generator.Days} days ({generator.PeriodStart:yyyy-MM-dd} to {generator.End:yyyy-MM-dd}, seed {generator.Seed})");
            var period = generator.End - generator.PeriodStart;
            var reached = generator.PeriodStart;
            var feed = GeneratorFeed.Messages(simulator.Events().Select(e =>
            {
                if (e.OccurredAt > reached) reached = e.OccurredAt;
                return e;
            }), context.Time);

            var clock = Stopwatch.StartNew();
            double Progress() => Math.Clamp((reached - generator.PeriodStart) / period, 0, 1) * 100;
            if (CliContext.Interactive)
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("bronze → silver → gold", maxValue: 100);
                        var run = Task.Run(() => worker.RunAsync(feed, context.Stopping));
                        while (!run.IsCompleted)
                        {
                            task.Value = Progress();
                            task.Description = $"bronze → silver → gold · {worker.Statistics.Messages:N0} events";
                            await Task.WhenAny(run, Task.Delay(200));
                        }

                        await run;
                        task.Value = 100;
                    });
            }
            else
            {
                var run = Task.Run(() => worker.RunAsync(feed, context.Stopping));
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5)));
                    if (!run.IsCompleted) CliContext.Log($"{Progress():0}% of the period · {worker.Statistics.Messages:N0} events");
                }

                await run;
            }

            var elapsed = clock.Elapsed;
            clock.Restart();
            var goldRuns = await RunCommand.RunGoldAsync(warehouse.DataSource, new GoldRunOptions(), context.Stopping);
            var goldElapsed = clock.Elapsed;
            var goldRows = await GoldModels.CountRowsAsync(warehouse.DataSource, goldRuns.Select(r => r.Model), context.Stopping);
            var summary = await LayerSummary.ReadAsync(warehouse.DataSource, context.Stopping);
            Print(summary, worker.Statistics, simulator.Summary, elapsed, goldRuns, goldRows, goldElapsed);
            if (warehouse.Local is not null)
            {
                Console.WriteLine();
                Console.WriteLine($"Explore it: ./carelake db psql --database {DemoDatabase}   (e.g. SELECT * FROM gold.patient_risk_snapshot ORDER BY max_news2_24h DESC LIMIT 10;)");
                Console.WriteLine($"Serve it (again) later: ./carelake serve --database {DemoDatabase}");
            }

            var built = goldRuns.All(r => r.Status == GoldRunStatus.Success) ? 0 : CommandRunner.Failed;
            if (!serving) return built;

            // The default port may be taken by another server; an explicitly asked port must be the one served.
            Console.WriteLine();
            var served = await ServeCommand.ServeAsync(warehouse, context, settings, $"demo-{Environment.ProcessId}", fallBackToFreePort: askedPort is null);
            return served != 0 ? served : built;
        });
        return command;
    }

    private static void Print(LayerSummary summary, StreamStatistics run, GenerationSummary hospital, TimeSpan elapsed,
        IReadOnlyList<GoldModelRun> goldRuns, IReadOnlyDictionary<string, long> goldRows, TimeSpan goldElapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? run.Messages / elapsed.TotalSeconds : 0;
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{run.Messages:N0} events ingested in {elapsed.TotalSeconds:0.0} s ({rate:N0} events/s), {run.Batches:N0} transactions[/]"));

        var layers = new Table().AddColumns("layer", "table", "rows");
        foreach (var (stream, rows) in summary.Section("bronze")) layers.AddRow("bronze", $"raw_events · {stream}", $"{rows:N0}");
        foreach (var (table, rows) in summary.Section("silver")) layers.AddRow("silver", table, $"{rows:N0}");
        foreach (var gold in goldRuns)
        {
            var status = gold.Status == GoldRunStatus.Success ? "" : $" [red]({gold.Status.ToString().ToLowerInvariant()}: {Markup.Escape(gold.Error ?? "")})[/]";
            layers.AddRow("gold", gold.Model + status, goldRows.TryGetValue(gold.Model, out var rows) ? $"{rows:N0}" : "");
        }

        AnsiConsole.Write(layers);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"gold: {goldRuns.Count} models built in {goldElapsed.TotalSeconds:0.0} s"));

        AnsiConsole.Write(SectionTable(summary, "encounter_status", "encounters (status · class)", "encounters"));
        AnsiConsole.Write(SectionTable(summary, "news2_band", "NEWS2 band (silver vital-sign sets)", "sets"));
        AnsiConsole.Write(SectionTable(summary, "alert", "clinical alerts", "count"));
        var quarantine = SectionTable(summary, "quarantine", "quarantined (reason)", "records");
        quarantine.AddRow("[dim]duplicates (counted, not quarantined)[/]", $"{summary.Count("silver", "duplicate_events"):N0}");
        AnsiConsole.Write(quarantine);

        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"hospital: {hospital.InpatientAdmissions:N0} inpatient admissions, mean LOS {hospital.MeanLengthOfStayDays:0.0} d, " +
            $"30-day readmissions {hospital.ReadmissionRate:P1}, {hospital.VitalSignSets:N0} vital-sign sets generated"));
    }

    /// <summary>One row per item of a summary section, with its count.</summary>
    private static Table SectionTable(LayerSummary summary, string section, string itemHeading, string countHeading)
    {
        var table = new Table().AddColumns(itemHeading, countHeading);
        foreach (var (item, rows) in summary.Section(section)) table.AddRow(item, $"{rows:N0}");
        return table;
    }
}
