using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CareLake.Generator;
using CareLake.Generator.DirtyData;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>dashboard</c>: response times of every GET endpoint behind the dashboard's views, read from the OpenAPI document of
/// a running <c>carelake serve</c>, over a generated hospital (by default the 63,000-patient year with gold built and
/// the data-quality suites run), one client and several at once; <c>/health</c> measured in the same run is the
/// floor (what the server and HTTP cost without a query).
/// </summary>
public static class DashboardBenchmark
{
    /// <summary>Values for query parameters an endpoint needs to answer (the others are measured without them).</summary>
    private static readonly Dictionary<string, string> Required = new(StringComparer.Ordinal)
    {
        ["/v1/quality/completeness"] = "table=fact_encounter",
        ["/v1/analytics/readmissions/by-demographic"] = "by=age_band",
        ["/v1/analytics/demographics"] = "by=age_band",
    };

    public static Command Create()
    {
        var preset = new Option<string>("--preset") { DefaultValueFactory = _ => "full", Description = "Generator preset: tiny, demo or full (63,000 patients, 365 days). Default full." };
        var reuse = new Option<bool>("--reuse") { Description = "Keep the database of an earlier run (carelake_bench_dashboard) when it has gold: measure without filling it again." };
        var requests = new Option<int>("--requests") { DefaultValueFactory = _ => 40, Description = "Requests per endpoint and client mode. Default 40." };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 4, Description = "Concurrent clients in the second pass. Default 4." };
        var command = new Command("dashboard", "Dashboard API response times (p50/p95/p99 per endpoint, one client and several) over a generated hospital, beside /health.")
        {
            preset, reuse, requests, clients,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            await using var environment = await BenchEnvironment.StartAsync();
            const string database = "carelake_bench_dashboard";
            var connectionString = await ExistingAsync(environment.ServerConnectionString, database, parse.GetValue(reuse));
            if (connectionString is null)
            {
                await using var dataSource = await environment.FreshDatabaseAsync(database);
                connectionString = dataSource.ConnectionString;
                await FillAsync(dataSource, GeneratorOptions.Preset(parse.GetValue(preset)!), cancellationToken);
            }
            else
            {
                // The models of this checkout may differ from those that built it: bring gold up to date first.
                await RunAsync(["run", "gold"], connectionString, cancellationToken);
            }

            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            {
                await using var size = dataSource.CreateCommand("""
                    SELECT format('warehouse: %s patients, %s encounters, %s vital-sign sets, %s clinical alerts, %s quarantined',
                                  to_char((SELECT count(*) FROM silver.patients), 'FM999,999,999'), to_char((SELECT count(*) FROM silver.encounters), 'FM999,999,999'),
                                  to_char((SELECT count(*) FROM silver.vital_signs), 'FM999,999,999'), to_char((SELECT count(*) FROM silver.clinical_alerts), 'FM999,999,999'),
                                  to_char((SELECT count(*) FROM silver.quarantine), 'FM999,999,999'))
                    """);
                Console.WriteLine((string)(await size.ExecuteScalarAsync(cancellationToken))!);
                await MeasureAsync(dataSource, parse.GetValue(requests), parse.GetValue(clients), cancellationToken);
            }

            return 0;
        });
        return command;
    }

    private static async Task<string?> ExistingAsync(string server, string database, bool reuse)
    {
        if (!reuse) return null;
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM gold.fact_encounter)");
            if ((bool)(await command.ExecuteScalarAsync())!)
            {
                Console.WriteLine($"reusing {database}");
                return connectionString;
            }
        }
        catch (PostgresException)
        {
        }

        return null;
    }

    private static async Task FillAsync(NpgsqlDataSource dataSource, GeneratorOptions options, CancellationToken cancellationToken)
    {
        options = options with
        {
            DirtyData = DirtyDataOptions.Demo,
            Start = GeneratorOptions.PeriodEndingAt(DateTimeOffset.UtcNow, options.Days, options.FacilityUtcOffset),
        };
        Console.WriteLine($"hospital: {options.Patients:N0} patients over {options.Days} days up to now, with dirty data, seed {options.Seed}");
        var clock = Stopwatch.StartNew();
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var worker = new FeedStreamWorker(context, GeneratorFeed.SourceName, "bench-dashboard");
        await worker.RunAsync(GeneratorFeed.Messages(new HospitalSimulator(options).Events(), TimeProvider.System), cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"silver: {worker.Statistics.Messages:N0} events in {clock.Elapsed.TotalSeconds:N0} s"));
        await RunAsync(["run", "gold", "--full-refresh"], dataSource.ConnectionString, cancellationToken);
        await RunAsync(["dq"], dataSource.ConnectionString, cancellationToken);

        await using var analyze = dataSource.CreateCommand("VACUUM ANALYZE");
        analyze.CommandTimeout = 0;
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task RunAsync(string[] arguments, string connectionString, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await CarelakeCli.RunAsync(arguments, connectionString, cancellationToken);
        // dq exits 1 when an error check fails: a finding, not a failure to fill.
        if (exitCode is not 0 and not 1) throw new InvalidOperationException($"carelake {string.Join(' ', arguments)} failed ({exitCode}):\n{output}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"carelake {string.Join(' ', arguments)}: {clock.Elapsed.TotalSeconds:N0} s"));
    }

    private static async Task MeasureAsync(NpgsqlDataSource dataSource, int requests, int clients, CancellationToken cancellationToken)
    {
        using var server = CarelakeCli.Start(["serve", "--port", "0"], dataSource.ConnectionString);
        try
        {
            var address = await HttpIngestBenchmark.ListeningOnAsync(server);
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
            var paths = await EndpointsAsync(http, dataSource, cancellationToken);
            Console.WriteLine($"carelake serve at {address}: {paths.Count} GET endpoints from /openapi/v1.json, {requests} requests each, after one warm-up");
            foreach (var mode in new[] { 1, clients })
            {
                Console.WriteLine();
                Console.WriteLine($"{mode} client{(mode == 1 ? "" : "s")} at once:");
                Console.WriteLine("| endpoint | rows | bytes | p50 ms | p95 ms | p99 ms | max ms |");
                Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
                var all = new List<double>();
                var slow = new List<string>();
                foreach (var path in paths.Prepend("/health"))
                {
                    List<double> times;
                    int? rows;
                    long bytes;
                    try
                    {
                        (times, rows, bytes) = await TimeAsync(http, path, requests, mode, cancellationToken);
                    }
                    catch (Exception e) when (e is InvalidOperationException or HttpRequestException or JsonException)
                    {
                        Console.WriteLine($"| `{path}` | failed: {e.Message.ReplaceLineEndings(" ")} | | | | | |");
                        slow.Add(path);
                        continue;
                    }

                    if (path != "/health") all.AddRange(times);
                    if (P(times, 0.95) > 200) slow.Add(path);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| `{path}` | {rows?.ToString("N0", CultureInfo.InvariantCulture) ?? ""} | {bytes:N0} | {P(times, 0.5):N1} | {P(times, 0.95):N1} | {P(times, 0.99):N1} | {times.Max():N1} |"));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"all dashboard endpoints, {mode} client{(mode == 1 ? "" : "s")}: p50 {P(all, 0.5):N1} ms, p95 {P(all, 0.95):N1} ms, p99 {P(all, 0.99):N1} ms over {all.Count:N0} requests; " +
                    $"endpoints failing or with p95 over 200 ms: {slow.Count}{(slow.Count > 0 ? " (" + string.Join(", ", slow) + ")" : "")}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server peak memory (VmHWM): {PeakMiB(server.Id)} MiB"));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Every GET under /v1 the OpenAPI document lists, except event streams, path parameters filled from the data.</summary>
    private static async Task<List<string>> EndpointsAsync(HttpClient http, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", cancellationToken));
        var samples = await SamplesAsync(dataSource, cancellationToken);
        var paths = new List<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out var get) || !path.Name.StartsWith("/v1/", StringComparison.Ordinal)) continue;
            if (get.GetRawText().Contains("text/event-stream", StringComparison.Ordinal)) continue;
            var filled = path.Name;
            foreach (var (name, value) in samples) filled = filled.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
            if (filled.Contains('{', StringComparison.Ordinal))
            {
                Console.WriteLine($"skipped {path.Name}: no sample value for its path parameter");
                continue;
            }

            if (Required.TryGetValue(path.Name, out var query)) filled += "?" + query;
            paths.Add(filled);
            if (get.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "from"))
            {
                paths.Add(filled + (filled.Contains('?', StringComparison.Ordinal) ? "&" : "?") + samples["window"]);
            }
        }

        return paths;
    }

    /// <summary>A patient in house with the most vital-sign sets, a check result with failing rows, and a 30-day window.</summary>
    private static async Task<Dictionary<string, string>> SamplesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT v.patient_id FROM silver.vital_signs v
                      JOIN silver.encounters e ON e.patient_id = v.patient_id AND e.discharged_at IS NULL
                     GROUP BY v.patient_id ORDER BY count(*) DESC LIMIT 1),
                   (SELECT coalesce(max(result_id) FILTER (WHERE failing_rows > 0), max(result_id))::text FROM ops.dq_results),
                   (SELECT to_char(max(admitted_at) - interval '30 days', 'YYYY-MM-DD') || '|' || to_char(max(admitted_at), 'YYYY-MM-DD') FROM silver.encounters)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var window = reader.IsDBNull(2) ? "from=2000-01-01" : $"from={reader.GetString(2).Split('|')[0]}&to={reader.GetString(2).Split('|')[1]}";
        var samples = new Dictionary<string, string>(StringComparer.Ordinal) { ["window"] = window };
        if (!reader.IsDBNull(0)) samples["patientId"] = reader.GetString(0);
        if (!reader.IsDBNull(1)) samples["resultId"] = reader.GetString(1);
        return samples;
    }

    private static async Task<(List<double> Times, int? Rows, long Bytes)> TimeAsync(HttpClient http, string path, int requests, int clients, CancellationToken cancellationToken)
    {
        var (rows, bytes) = await GetAsync(http, path, cancellationToken);
        var times = new List<double>[clients];
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            times[c] = [];
            for (var i = c; i < requests; i += clients)
            {
                var started = Stopwatch.GetTimestamp();
                await GetAsync(http, path, cancellationToken);
                times[c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }, cancellationToken)));
        return (times.SelectMany(t => t).ToList(), rows, bytes);
    }

    private static async Task<(int? Rows, long Bytes)> GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        if (response.Content.Headers.ContentType?.MediaType != "application/json") return (null, body.Length);
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("rows", out var rows) ? rows.GetArrayLength()
            : json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement.GetArrayLength() : null, body.Length);
    }

    private static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }

    private static long PeakMiB(int pid)
    {
        // The server runs as a child of the ./carelake wrapper; the dotnet process under it holds the memory.
        var peak = 0L;
        foreach (var status in Directory.EnumerateDirectories("/proc").Select(d => Path.Combine(d, "status")).Where(File.Exists))
        {
            try
            {
                var lines = File.ReadAllLines(status);
                var parent = lines.FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?.Split(':')[1].Trim();
                var self = lines.FirstOrDefault(l => l.StartsWith("Pid:", StringComparison.Ordinal))?.Split(':')[1].Trim();
                if (parent != pid.ToString(CultureInfo.InvariantCulture) && self != pid.ToString(CultureInfo.InvariantCulture)) continue;
                var hwm = lines.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (hwm is not null) peak = Math.Max(peak, long.Parse(hwm.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) >> 10);
            }
            catch (IOException)
            {
            }
        }

        return peak;
    }
}
