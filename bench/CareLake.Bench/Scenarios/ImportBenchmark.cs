using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CareLake.Generator;
using CareLake.Generator.Outputs;
using CareLake.Generator.Outputs.Fhir;
using CareLake.Generator.Outputs.SyntheaCsv;
using CareLake.Interop;
using CareLake.Interop.Fhir;
using CareLake.Interop.Synthea;
using CareLake.Warehouse.Silver;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>import</c>: Synthea CSV rows/s and FHIR resources/s into silver through the real <c>carelake import</c> command, on
/// a hospital the generator writes in both formats; beside it, in the same run, the parse-and-map share on one core
/// and the raw ceiling (a binary COPY of the same lines into an unlogged table).
/// </summary>
internal static partial class ImportBenchmark
{
    public static Command Create()
    {
        var patients = new Option<int>("--patients") { DefaultValueFactory = _ => 10_000, Description = "Patients in the generated hospital. Default 10,000." };
        var days = new Option<int>("--days") { DefaultValueFactory = _ => 180, Description = "Days simulated. Default 180." };
        var command = new Command("import", "carelake import synthea / fhir on a generated hospital: rows/s and resources/s, the parse share, the raw COPY ceiling.")
        {
            patients, days,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            var root = Directory.CreateTempSubdirectory("carelake-import-bench-").FullName;
            try
            {
                var synthea = Path.Combine(root, "synthea");
                var fhir = Path.Combine(root, "fhir");
                Generate(parse.GetValue(patients), parse.GetValue(days), synthea, fhir);
                await using var environment = await BenchEnvironment.StartAsync();
                var syntheaRows = Directory.EnumerateFiles(synthea, "*.csv").Sum(f => Lines(f) - 1);
                var fhirResources = Directory.EnumerateFiles(fhir, "*.ndjson").Sum(Lines);
                await MeasureAsync(environment, "synthea", synthea, "CSV rows", syntheaRows,
                    SyntheaExport.Open(synthea).Files.Select(f => (Func<IEnumerable<FileRecord>>)(() => f.Read())).ToList(), cancellationToken);
                await MeasureAsync(environment, "fhir", fhir, "FHIR resources", fhirResources,
                    Directory.EnumerateFiles(fhir, "*.ndjson").Order(StringComparer.Ordinal).Select(f => (Func<IEnumerable<FileRecord>>)(() => ReadFhir(f))).ToList(), cancellationToken);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }

            return 0;
        });
        return command;
    }

    private static void Generate(int patients, int days, string synthea, string fhir)
    {
        var options = new GeneratorOptions { Patients = patients, Days = days, Seed = 7, Start = GeneratorOptions.PeriodEndingAt(DateTimeOffset.UtcNow, days, GeneratorOptions.DefaultFacilityUtcOffset) };
        var clock = Stopwatch.StartNew();
        var syntheaSink = new SyntheaCsvSink(synthea, options.FacilityId);
        var fhirSink = new FhirBulkSink(fhir, options.FacilityId);
        new GeneratorRun(new HospitalSimulator(options), [syntheaSink, fhirSink], []).Run();
        syntheaSink.Dispose();
        fhirSink.Dispose();
        Console.WriteLine($"generated {patients:N0} patients × {days} days as Synthea CSV and FHIR NDJSON in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static IEnumerable<FileRecord> ReadFhir(string path)
    {
        using var stream = File.OpenRead(path);
        foreach (var record in FhirFileReader.Read(stream)) yield return record;
    }

    private static async Task MeasureAsync(BenchEnvironment environment, string format, string folder, string unit, long rows,
        IReadOnlyList<Func<IEnumerable<FileRecord>>> files, CancellationToken cancellationToken)
    {
        Console.WriteLine($"— {format}: {rows:N0} {unit} in {Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length) >> 20:N0} MiB");

        // The parse-and-map share: what one core does for silver before any I/O.
        var stages = SilverStages.All().ToDictionary(s => s.Stream, StringComparer.Ordinal);
        var prepare = Stopwatch.StartNew();
        long records = 0;
        foreach (var read in files)
        {
            foreach (var chunk in read().Chunk(20_000))
            {
                var inputs = chunk.Select((r, i) => new SilverInput(i, r.Stream, r.Payload, DateTimeOffset.UtcNow, r.HeaderKeys, r.HeaderValues)).ToList();
                stages[chunk[0].Stream].Prepare(inputs);
                records += chunk.Length;
            }
        }

        var prepared = prepare.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  read + parse + map + score on one core, no database: {rows / prepared.TotalSeconds:N0} {unit}/s ({records:N0} bronze records)"));

        // What users run: the carelake command, on a fresh database of the same server.
        await using (var dataSource = await environment.FreshDatabaseAsync("carelake_bench_import"))
        {
            var connectionString = dataSource.ConnectionString;
            var clock = Stopwatch.StartNew();
            var (exitCode, output) = await CarelakeCli.RunAsync(["import", format, folder], connectionString, cancellationToken);
            var wall = clock.Elapsed;
            if (exitCode != 0) throw new InvalidOperationException($"carelake import {format} failed:\n{output}");
            var landed = LandedIn().Match(output);
            var seconds = landed.Success ? double.Parse(landed.Groups[1].Value, CultureInfo.InvariantCulture) : wall.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  carelake import {format} (bronze → silver → gold, durable): {rows / seconds:N0} {unit}/s ({seconds:0.0} s in the command, file hashing included; {wall.TotalSeconds:0.0} s wall with process start-up)"));
            await using var count = dataSource.CreateCommand("SELECT (SELECT count(*) FROM bronze.raw_events), (SELECT count(*) FROM silver.quarantine)");
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            Console.WriteLine($"  check: bronze {reader.GetInt64(0):N0} records, quarantined {reader.GetInt64(1):N0}");
        }

        // The ceiling: the same lines, binary COPY into an unlogged table of one bytea column.
        await using (var dataSource = await environment.FreshDatabaseAsync("carelake_bench_import_raw"))
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using (var create = new NpgsqlCommand("CREATE UNLOGGED TABLE raw_lines (line bytea)", connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var lines = Directory.EnumerateFiles(folder).SelectMany(File.ReadLines).Select(System.Text.Encoding.UTF8.GetBytes).ToList();
            var clock = Stopwatch.StartNew();
            using (var importer = await connection.BeginBinaryImportAsync("COPY raw_lines (line) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var line in lines)
                {
                    importer.StartRow();
                    importer.Write(line, NpgsqlDbType.Bytea);
                }

                await importer.CompleteAsync(cancellationToken);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  raw ceiling, binary COPY of the same {lines.Count:N0} lines into an unlogged table: {lines.Count / clock.Elapsed.TotalSeconds:N0} lines/s"));
        }
    }

    private static long Lines(string path) => File.ReadLines(path).LongCount(l => l.Length > 0);

    [GeneratedRegex(@"landed in bronze in ([\d.]+) s")]
    private static partial Regex LandedIn();
}
