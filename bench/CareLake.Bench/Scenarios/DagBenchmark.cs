using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CareLake.Generator;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// The whole DAG as users run it: the generator writes a hospital's events as NDJSON files (the file drop), then
/// <c>carelake run --full-refresh</c> imports them (bronze and silver), builds every gold model, runs the quality
/// steps and exports Parquet. Prints the wall time of each stage and of each task, read from the run's JSON artifact.
/// </summary>
public static class DagBenchmark
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { DefaultValueFactory = _ => "full", Description = "Generator preset: tiny, demo or full (63,000 patients, 365 days). Default full." };
        var patients = new Option<int?>("--patients") { Description = "Patients (overrides the preset)." };
        var days = new Option<int?>("--days") { Description = "Days (overrides the preset)." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 42, Description = "Generator seed. Default 42." };
        var command = new Command("dag", "The full DAG (file drop → bronze → silver → gold → quality → Parquet) over a generated hospital: wall time per stage and task.")
        {
            preset, patients, days, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = GeneratorOptions.Preset(parse.GetValue(preset)!);
            options = options with { Patients = parse.GetValue(patients) ?? options.Patients, Days = parse.GetValue(days) ?? options.Days };
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            Console.WriteLine($"hospital: {options.Patients:N0} patients, {options.Days} days, seed {parse.GetValue(seed)}");
            await using var environment = await BenchEnvironment.StartAsync();
            await using var dataSource = await environment.FreshDatabaseAsync("carelake_bench_dag");
            var scratch = Path.Combine(Path.GetTempPath(), $"carelake-bench-dag-{Environment.ProcessId}");
            var drop = Path.Combine(scratch, "drop");
            Directory.CreateDirectory(drop);
            try
            {
                var clock = Stopwatch.StartNew();
                await Cli(["generate", "--patients", options.Patients.ToString(CultureInfo.InvariantCulture), "--days", options.Days.ToString(CultureInfo.InvariantCulture),
                    "--seed", parse.GetValue(seed).ToString(CultureInfo.InvariantCulture), "--clean", "--to", "ndjson:" + drop], dataSource.ConnectionString, cancellationToken);
                var bytes = Directory.EnumerateFiles(drop).Sum(f => new FileInfo(f).Length);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file drop written: {bytes / 1e6:N0} MB of NDJSON in {clock.Elapsed.TotalSeconds:N1} s (not part of the DAG)"));

                var config = Path.Combine(scratch, "carelake.json");
                await File.WriteAllTextAsync(config, new JsonObject
                {
                    ["schedule"] = new JsonObject
                    {
                        ["imports"] = new JsonArray(new JsonObject { ["format"] = "ndjson", ["path"] = drop }),
                        ["export_dir"] = Path.Combine(scratch, "export"),
                        ["artifact_dir"] = Path.Combine(scratch, "runs"),
                        ["retries"] = 0,
                    },
                }.ToJsonString(), cancellationToken);

                clock.Restart();
                await Cli(["run", "--full-refresh", "--config", config], dataSource.ConnectionString, cancellationToken);
                var wall = clock.Elapsed;
                var artifact = Directory.EnumerateFiles(Path.Combine(scratch, "runs"), "run_results.json", SearchOption.AllDirectories).Single();
                Print(JsonNode.Parse(await File.ReadAllTextAsync(artifact, cancellationToken))!, wall);
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }

            return 0;
        });
        return command;
    }

    private static async Task Cli(string[] arguments, string connectionString, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await CarelakeCli.RunAsync(arguments, connectionString, cancellationToken);
        if (exitCode != 0) throw new InvalidOperationException($"carelake {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
    }

    private static void Print(JsonNode run, TimeSpan wall)
    {
        var tasks = run["tasks"]!.AsArray().Select(t => (
            Task: (string)t!["task"]!,
            Stage: (string)t["stage"]!,
            Status: (string)t["status"]!,
            Start: DateTimeOffset.Parse((string)t["started_at"]!, CultureInfo.InvariantCulture),
            End: DateTimeOffset.Parse((string)t["finished_at"]!, CultureInfo.InvariantCulture),
            Rows: t["rows"] is { } r ? (long?)r : null)).ToList();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"carelake run --full-refresh: {wall.TotalSeconds:N1} s wall (process start, migrations included); run {run["status"]}"));
        Console.WriteLine("| stage | tasks | wall time (first start → last end) | rows |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var stage in tasks.GroupBy(t => t.Stage))
        {
            var span = stage.Max(t => t.End) - stage.Min(t => t.Start);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {stage.Key} | {stage.Count()} | {span.TotalSeconds:N2} s | {stage.Sum(t => t.Rows ?? 0):N0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| task | status | rows | duration |");
        Console.WriteLine("| --- | --- | ---: | ---: |");
        foreach (var t in tasks)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {t.Task} | {t.Status} | {t.Rows:N0} | {(t.End - t.Start).TotalSeconds:N2} s |"));
        }
    }
}
