using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CareLake.Generator;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// The gold build: silver for a generated hospital (all but its last day), then <c>carelake run gold --full-refresh</c>
/// (the initial build) and, after the last day's events land, <c>carelake run gold</c> (incremental). Prints each
/// model's duration and rows from ops.model_runs.
/// </summary>
public static class GoldBenchmark
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { DefaultValueFactory = _ => "full", Description = "Generator preset: tiny, demo or full (63,000 patients, 365 days). Default full." };
        var patients = new Option<int?>("--patients") { Description = "Patients (overrides the preset)." };
        var days = new Option<int?>("--days") { Description = "Days before the incremental day (overrides the preset)." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 42, Description = "Generator seed. Default 42." };
        var command = new Command("gold", "Gold models: initial build (full refresh) over a generated hospital's silver, then an incremental run after one more simulated day.")
        {
            preset, patients, days, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = GeneratorOptions.Preset(parse.GetValue(preset)!);
            var before = parse.GetValue(days) ?? options.Days;
            options = options with { Patients = parse.GetValue(patients) ?? options.Patients, Days = before + 1, Seed = parse.GetValue(seed), DirtyData = CareLake.Generator.DirtyData.DirtyDataOptions.Off };
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            Console.WriteLine($"hospital: {options.Patients:N0} patients, {before} days + 1 incremental day, seed {options.Seed}");
            await using var environment = await BenchEnvironment.StartAsync();
            await using var dataSource = await environment.FreshDatabaseAsync("carelake_bench_gold");
            var connectionString = dataSource.ConnectionString;

            // Silver for every day but the last; the last day's messages are kept for the incremental run.
            var cutoff = options.End.AddDays(-1);
            var current = DateTimeOffset.MinValue;
            var events = new HospitalSimulator(options).Events().Select(e =>
            {
                current = e.OccurredAt;
                return e;
            });
            var lastDay = new List<RawMessage>();
            var splitting = false;
            IEnumerable<RawMessage> FirstDays()
            {
                // A prefix of the feed (up to the first event of the last day), so the rest continues each partition's numbering.
                foreach (var m in GeneratorFeed.Messages(events, TimeProvider.System))
                {
                    splitting |= current >= cutoff;
                    if (splitting) lastDay.Add(m);
                    else yield return m;
                }
            }

            var clock = Stopwatch.StartNew();
            var landed = await FeedAsync(dataSource, FirstDays(), cancellationToken);
            var feedTime = clock.Elapsed;
            var size = await SilverSizeAsync(dataSource);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"silver: {landed:N0} events in {feedTime.TotalSeconds:N1} s ({size})"));
            await VacuumAnalyzeAsync(dataSource);

            await RunGoldAsync("initial build: carelake run gold --full-refresh", ["run", "gold", "--full-refresh"], connectionString, dataSource, cancellationToken);
            Console.WriteLine(await RealisedOutcomesAsync(dataSource));

            clock.Restart();
            var more = await FeedAsync(dataSource, lastDay, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one more day: {more:N0} events into silver in {clock.Elapsed.TotalSeconds:N1} s"));
            await RunGoldAsync("incremental: carelake run gold", ["run", "gold"], connectionString, dataSource, cancellationToken);
            await RunGoldAsync("incremental with nothing new: carelake run gold", ["run", "gold"], connectionString, dataSource, cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task<long> FeedAsync(NpgsqlDataSource dataSource, IEnumerable<RawMessage> messages, CancellationToken cancellationToken)
    {
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var worker = new FeedStreamWorker(context, GeneratorFeed.SourceName, "bench-gold");
        await worker.RunAsync(messages, cancellationToken);
        return worker.Statistics.Messages;
    }

    private static async Task RunGoldAsync(string title, string[] arguments, string connectionString, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await CarelakeCli.RunAsync(arguments, connectionString, cancellationToken);
        var elapsed = clock.Elapsed;
        if (exitCode != 0) throw new InvalidOperationException($"carelake {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {elapsed.TotalSeconds:N1} s wall (process start and migration check included)"));
        Console.WriteLine("| model | materialized | patients | rows written | table rows | duration |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        await using var command = dataSource.CreateCommand("""
            SELECT r.model, r.materialized, r.patients, r.rows, r.duration_ms
              FROM ops.model_runs r
             WHERE r.invocation_id = (SELECT invocation_id FROM ops.model_runs ORDER BY run_id DESC LIMIT 1)
             ORDER BY r.run_id
            """);
        var rows = new List<(string Model, string Materialized, int? Patients, long? Rows, long Ms)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        long total = 0;
        foreach (var r in rows)
        {
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM gold.{r.Model}");
            var tableRows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            total += r.Ms;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Model} | {r.Materialized} | {r.Patients:N0} | {r.Rows:N0} | {tableRows:N0} | {r.Ms / 1000.0:N2} s |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| all models | | | | | {total / 1000.0:N2} s |"));
    }

    /// <summary>The population's realised 30-day readmission rate and mean length of stay, as gold reports them.</summary>
    private static async Task<string> RealisedOutcomesAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT format('realised: 30-day readmission %s %% (%s of %s index stays), mean LOS %s days over %s discharged inpatient stays',
                          to_char(100.0 * count(*) FILTER (WHERE index_eligible AND readmitted_30d) / nullif(count(*) FILTER (WHERE index_eligible), 0), 'FM990.00'),
                          count(*) FILTER (WHERE index_eligible AND readmitted_30d), count(*) FILTER (WHERE index_eligible),
                          to_char(avg(los_days) FILTER (WHERE encounter_class = 'inpatient' AND discharged_at IS NOT NULL), 'FM990.00'),
                          count(*) FILTER (WHERE encounter_class = 'inpatient' AND discharged_at IS NOT NULL))
              FROM gold.fact_encounter
            """);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> SilverSizeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT format('%s patients, %s encounters, %s vital-sign sets, %s lab results, %s procedures',
                          to_char((SELECT count(*) FROM silver.patients), 'FM999,999,999'), to_char((SELECT count(*) FROM silver.encounters), 'FM999,999,999'),
                          to_char((SELECT count(*) FROM silver.vital_signs), 'FM999,999,999'), to_char((SELECT count(*) FROM silver.lab_results), 'FM999,999,999'),
                          to_char((SELECT count(*) FROM silver.procedures), 'FM999,999,999'))
            """);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task VacuumAnalyzeAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("VACUUM ANALYZE");
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
