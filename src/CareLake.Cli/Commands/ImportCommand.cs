using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CareLake.Interop.Events;
using CareLake.Interop.Fhir;
using CareLake.Interop.Synthea;
using CareLake.Streaming.Imports;
using CareLake.Streaming.Streaming;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake import</c>: files (Synthea CSV, FHIR R4, contract NDJSON) → bronze → silver → gold, each record exactly once.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var synthea = new Command("synthea",
            "Import a Synthea CSV export folder: patients, encounters, conditions, procedures and observations (vital-sign " +
            "observations of one encounter and time form one NEWS2-scored set; laboratory ones become lab results). Columns are " +
            "matched by header name, so older and newer Synthea layouts both import; other files are listed and skipped.");
        var syntheaDir = new Argument<DirectoryInfo>("DIR") { Description = "The export folder (the one holding patients.csv)." };
        synthea.Arguments.Add(syntheaDir);
        synthea.SetAction((context, parseResult) =>
        {
            var dir = parseResult.GetValue(syntheaDir)!;
            if (!dir.Exists) return Task.FromResult(Fail($"no such folder: {dir.FullName}"));
            var export = SyntheaExport.Open(dir.FullName);
            foreach (var ignored in export.Ignored) CliContext.Log($"skipping {ignored} (not typed in silver)");
            if (export.Errors.Count > 0)
            {
                foreach (var error in export.Errors) CliContext.Log($"error: {error.Message}");
                return Task.FromResult(CommandRunner.Misconfigured);
            }

            if (export.Files.Count == 0) return Task.FromResult(Fail($"{dir.FullName} holds none of patients.csv, encounters.csv, conditions.csv, procedures.csv, observations.csv"));
            return RunAsync(context, export.Files.Select(f => new ImportSource(f.Path, "synthea", stream => SyntheaCsvReader.Read(stream, f.Kind))).ToList());
        });

        var fhir = new Command("fhir",
            "Import FHIR R4 JSON: Bundles (transaction, batch, collection, searchset), single resources, or bulk-export NDJSON " +
            "(a file, or every .json/.ndjson file of a folder). Patient, Encounter, Observation (vital signs → NEWS2, laboratory → " +
            "labs), Condition and Procedure are typed in silver; other resources stay in bronze and are counted.");
        var fhirPath = new Argument<string>("PATH") { Description = "A FHIR file or a folder of them." };
        fhir.Arguments.Add(fhirPath);
        fhir.SetAction((context, parseResult) =>
            Files(parseResult.GetValue(fhirPath)!, [".json", ".ndjson"], out var files) is { } error
                ? Task.FromResult(Fail(error))
                : RunAsync(context, files.Select(f => new ImportSource(f, "fhir", FhirFileReader.Read)).ToList()));

        var ndjson = new Command("ndjson",
            "Import contract events (reference: the event contracts), one JSON event per line, of any topic — a file, or every " +
            ".ndjson/.jsonl file of a folder (e.g. what `carelake generate --to ndjson:DIR` writes).");
        var ndjsonPath = new Argument<string>("PATH") { Description = "An NDJSON file or a folder of them." };
        ndjson.Arguments.Add(ndjsonPath);
        ndjson.SetAction((context, parseResult) =>
            Files(parseResult.GetValue(ndjsonPath)!, [".ndjson", ".jsonl"], out var files) is { } error
                ? Task.FromResult(Fail(error))
                : RunAsync(context, files.Select(f => new ImportSource(f, "events", ContractEventFile.Read)).ToList()));

        return new Command("import",
            "Import files into the warehouse, each record landing in bronze exactly once (by file content and position): a re-run " +
            "adds nothing, and an interrupted import resumes where it stopped.")
        {
            synthea, fhir, ndjson,
        };
    }

    private static int Fail(string message)
    {
        CliContext.Log($"error: {message}");
        return CommandRunner.Misconfigured;
    }

    /// <summary>The file itself, or the folder's files with one of the extensions, in name order.</summary>
    private static string? Files(string path, string[] extensions, out List<string> files)
    {
        files = [];
        if (File.Exists(path))
        {
            files.Add(Path.GetFullPath(path));
            return null;
        }

        if (!Directory.Exists(path)) return $"no such file or folder: {path}";
        files = Directory.EnumerateFiles(path)
            .Where(f => extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        return files.Count == 0 ? $"{path} holds no {string.Join(" or ", extensions)} file" : null;
    }

    private static async Task<int> RunAsync(CliContext context, IReadOnlyList<ImportSource> sources)
    {
        var options = context.Options;
        await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping);
        var import = new FileImport(StreamCommand.Pipeline(warehouse, options, context), $"import-{Environment.ProcessId}",
            options.BatchMaxMessages, options.BatchMaxBytes);
        var totalBytes = sources.Sum(s => new FileInfo(s.Path).Length);
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() => import.RunAsync(sources, context.Stopping));
        if (CliContext.Interactive)
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("import", maxValue: Math.Max(1, totalBytes));
                    while (!run.IsCompleted)
                    {
                        task.Value = Math.Min(totalBytes, import.BytesRead);
                        task.Description = $"{Path.GetFileName(import.Current) ?? "hashing files"} · {import.Statistics.Messages:N0} records";
                        await Task.WhenAny(run, Task.Delay(200));
                    }

                    task.Value = task.MaxValue;
                });
        }
        else
        {
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5)));
                if (!run.IsCompleted) CliContext.Log($"{Path.GetFileName(import.Current)}: {import.Statistics.Messages:N0} records · {100.0 * import.BytesRead / Math.Max(1, totalBytes):0}% of the bytes");
            }
        }

        var results = await run;
        Print(results, import.Statistics, clock.Elapsed);
        return 0;
    }

    private static void Print(IReadOnlyList<ImportedFileResult> results, StreamStatistics s, TimeSpan elapsed)
    {
        var files = new Table().AddColumns("file", "records", "");
        foreach (var r in results)
        {
            files.AddRow(Markup.Escape(Path.GetFileName(r.File.Path)), r.AlreadyImported ? "" : $"{r.Records:N0}",
                r.AlreadyImported ? "already imported (same content)" : "");
        }

        AnsiConsole.Write(files);
        var rate = elapsed.TotalSeconds > 0 ? s.Messages / elapsed.TotalSeconds : 0;
        var resumed = s.SkippedAlreadyCommitted > 0 ? $", {s.SkippedAlreadyCommitted:N0} already there from an interrupted run" : "";
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{s.Messages:N0} records landed in bronze in {elapsed.TotalSeconds:0.0} s ({rate:N0} records/s)[/]{resumed}"));
        var silver = new Table().AddColumns("silver", "rows");
        foreach (var (table, rows) in s.InsertedByTable.OrderBy(kv => kv.Key, StringComparer.Ordinal)) silver.AddRow(table, $"{rows:N0}");
        silver.AddRow("[dim]duplicates[/]", $"{s.Duplicates:N0}");
        silver.AddRow("[dim]kept in bronze only (not typed)[/]", $"{s.Unsupported:N0}");
        foreach (var (reason, count) in s.Quarantined.OrderByDescending(kv => kv.Value)) silver.AddRow($"quarantined: {reason}", $"{count:N0}");
        AnsiConsole.Write(silver);
    }
}
