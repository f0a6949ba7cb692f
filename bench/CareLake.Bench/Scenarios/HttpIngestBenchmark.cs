using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>http</c>: events/s into silver through <c>carelake serve</c> (<c>POST /v1/events/patient_vitals</c>, NDJSON batches, each
/// answered after its commit) from concurrent clients, the batch latency, and the raw COPY ceiling in the same run.
/// </summary>
internal static partial class HttpIngestBenchmark
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { DefaultValueFactory = _ => 200_000, Description = "Events to post. Default 200,000." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 1_000, Description = "Events per request (NDJSON). Default 1,000." };
        var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 4, Description = "Concurrent clients. Default 4." };
        var command = new Command("http", "carelake serve: NDJSON events/s answered after the commit, batch latency p50/p99, and the raw COPY ceiling.")
        {
            events, batch, clients,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            var n = parse.GetValue(events);
            var batches = BenchFeed.Events(n, 20_000, seed: 5, DateTimeOffset.UtcNow.AddDays(-10))
                .Select(e => e.Payload).Chunk(parse.GetValue(batch))
                .Select(b => b.SelectMany(p => (byte[])[.. p, (byte)'\n']).ToArray())
                .ToList();
            await using var environment = await BenchEnvironment.StartAsync();
            await using (var dataSource = await environment.FreshDatabaseAsync("carelake_bench_http"))
            {
                using var server = CarelakeCli.Start(["serve", "--port", "0"], dataSource.ConnectionString);
                var address = await ListeningOnAsync(server);
                using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
                var latencies = new List<double>[parse.GetValue(clients)];
                var clock = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, latencies.Length).Select(c => Task.Run(async () =>
                {
                    latencies[c] = [];
                    for (var i = c; i < batches.Count; i += latencies.Length)
                    {
                        var started = Stopwatch.GetTimestamp();
                        using var content = new ByteArrayContent(batches[i]);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                        using var response = await http.PostAsync("/v1/events/patient_vitals", content, cancellationToken);
                        response.EnsureSuccessStatusCode();
                        latencies[c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                })));
                var elapsed = clock.Elapsed;
                server.Kill(entireProcessTree: true);
                var all = latencies.SelectMany(l => l).Order().ToList();
                double P(double q) => all[(int)Math.Round(q * (all.Count - 1))];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"carelake serve, {latencies.Length} clients, {parse.GetValue(batch):N0}-event NDJSON requests: {n / elapsed.TotalSeconds:N0} events/s; request latency p50 {P(0.5):0} ms, p99 {P(0.99):0} ms"));
                await using var count = dataSource.CreateCommand("SELECT (SELECT count(*) FROM bronze.raw_events), (SELECT count(*) FROM silver.vital_signs)");
                await using var reader = await count.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                Console.WriteLine($"check: bronze {reader.GetInt64(0):N0}, silver vital-sign sets {reader.GetInt64(1):N0}");
            }

            await PipelineBenchmark.RawCeilingAsync(environment, n, 20_000);
            return 0;
        });
        return command;
    }

    /// <summary>The address a started <c>carelake serve</c> prints once it listens.</summary>
    internal static async Task<string> ListeningOnAsync(Process server)
    {
        while (await server.StandardOutput.ReadLineAsync() is { } line)
        {
            if (ListeningOn().Match(line) is { Success: true } m)
            {
                _ = server.StandardOutput.ReadToEndAsync();
                _ = server.StandardError.ReadToEndAsync();
                return m.Groups[1].Value;
            }
        }

        throw new InvalidOperationException("carelake serve exited before listening:\n" + await server.StandardError.ReadToEndAsync());
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningOn();
}
