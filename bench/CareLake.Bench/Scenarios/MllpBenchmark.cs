using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CareLake.Generator;
using CareLake.Generator.Outputs.Hl7;
using CareLake.Ingest.Mllp;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>mllp</c>: HL7 v2 messages/s into silver through <c>carelake stream --mllp</c>, with N connections each waiting for its
/// ACK before sending the next (as interface engines do), and the ACK latency; beside it, in the same run, the same
/// senders against a listener that answers at once without storing anything (the network and framing ceiling).
/// </summary>
internal static partial class MllpBenchmark
{
    public static Command Create()
    {
        var connections = new Option<int>("--connections") { DefaultValueFactory = _ => 8, Description = "Concurrent senders. Default 8." };
        var patients = new Option<int>("--patients") { DefaultValueFactory = _ => 2000, Description = "Patients of the generated hospital whose HL7 is sent. Default 2,000." };
        var days = new Option<int>("--days") { DefaultValueFactory = _ => 30, Description = "Days simulated. Default 30." };
        var command = new Command("mllp", "carelake stream --mllp: HL7 messages/s with senders waiting for each ACK, ACK latency p50/p99, and the no-storage ceiling.")
        {
            connections, patients, days,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            var messages = Generate(parse.GetValue(patients), parse.GetValue(days));
            var n = parse.GetValue(connections);
            Console.WriteLine($"{messages.Count:N0} HL7 v2 messages (ADT and ORU), {n} connections each waiting for its ACK");

            // The ceiling: the same listener answering at once, nothing stored.
            var echo = new MllpListener(new MllpListenerSettings(new IPEndPoint(IPAddress.Loopback, 0)), (_, _) => Task.FromResult<byte[]?>("MSH|^~\\&|ACK\rMSA|AA|x\r"u8.ToArray()));
            using (var stop = new CancellationTokenSource())
            {
                echo.Start();
                var serving = echo.RunAsync(stop.Token);
                Report("ceiling: answered at once, nothing stored", await SendAsync(echo.LocalEndPoint!, messages, n));
                await stop.CancelAsync();
                await serving;
            }

            await using var environment = await BenchEnvironment.StartAsync();
            await using var dataSource = await environment.FreshDatabaseAsync("carelake_bench_mllp");
            using var worker = CarelakeCli.Start(["stream", "--mllp", "127.0.0.1:0"], dataSource.ConnectionString);
            var endPoint = await ListeningOnAsync(worker);
            var clock = Stopwatch.StartNew();
            var result = await SendAsync(endPoint, messages, n);
            Report("carelake stream --mllp (committed to bronze before each AA)", result);
            // Silver is typed behind the answers: the rate to silver counts until the last message is typed.
            await using (var pending = dataSource.CreateCommand("SELECT count(*) FROM ingest.silver_pending"))
            {
                while ((long)(await pending.ExecuteScalarAsync(cancellationToken))! > 0) await Task.Delay(5, cancellationToken);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"to silver: {messages.Count / clock.Elapsed.TotalSeconds:N0} messages/s (every message typed {clock.Elapsed.TotalMilliseconds - result.Elapsed.TotalMilliseconds:N0} ms after the last AA)"));
            worker.Kill(entireProcessTree: true);
            await using var count = dataSource.CreateCommand(
                "SELECT (SELECT count(*) FROM bronze.raw_events), (SELECT count(*) FROM silver.encounters), (SELECT count(*) FROM silver.vital_signs), (SELECT count(*) FROM silver.lab_results), (SELECT count(*) FROM silver.quarantine)");
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            Console.WriteLine($"check: bronze {reader.GetInt64(0):N0}; silver encounters {reader.GetInt64(1):N0}, vital-sign sets {reader.GetInt64(2):N0}, lab results {reader.GetInt64(3):N0}; quarantined {reader.GetInt64(4):N0}");
            return 0;
        });
        return command;
    }

    private static void Report(string what, (TimeSpan Elapsed, List<double> LatenciesMs) r)
    {
        r.LatenciesMs.Sort();
        double P(double q) => r.LatenciesMs[(int)Math.Min(r.LatenciesMs.Count - 1, Math.Round(q * (r.LatenciesMs.Count - 1)))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {r.LatenciesMs.Count / r.Elapsed.TotalSeconds:N0} messages/s; ACK latency p50 {P(0.5):0.00} ms, p99 {P(0.99):0.00} ms, max {r.LatenciesMs[^1]:0.00} ms"));
    }

    private static async Task<(TimeSpan Elapsed, List<double> LatenciesMs)> SendAsync(IPEndPoint endPoint, IReadOnlyList<byte[]> messages, int connections)
    {
        var latencies = new List<double>[connections];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            latencies[c] = [];
            using var client = new TcpClient { NoDelay = true };
            await client.ConnectAsync(endPoint);
            var stream = client.GetStream();
            var reader = new FrameReader(stream, 1 << 20, TimeSpan.FromMinutes(1));
            for (var i = c; i < messages.Count; i += connections)
            {
                var sent = Stopwatch.GetTimestamp();
                await MllpListener.WriteFrameAsync(stream, messages[i], CancellationToken.None);
                var (_, problem) = await reader.ReadAsync(CancellationToken.None);
                if (problem is not null) throw new IOException($"no ACK: {problem}");
                latencies[c].Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }
        })));
        return (clock.Elapsed, latencies.SelectMany(l => l).ToList());
    }

    private static List<byte[]> Generate(int patients, int days)
    {
        var options = new GeneratorOptions { Patients = patients, Days = days, Seed = 3, Start = GeneratorOptions.PeriodEndingAt(DateTimeOffset.UtcNow, days, GeneratorOptions.DefaultFacilityUtcOffset) };
        var dir = Directory.CreateTempSubdirectory("carelake-mllp-bench-").FullName;
        try
        {
            using (var sink = new Hl7FileSink(dir, options.FacilityId, "BENCH"))
            {
                new Generator.Outputs.GeneratorRun(new HospitalSimulator(options), [sink], []).Run();
            }

            return Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal)
                .SelectMany(f => MessageStart().Split(File.ReadAllText(f)).Where(m => m.Length > 0))
                .Select(Encoding.UTF8.GetBytes)
                .ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<IPEndPoint> ListeningOnAsync(Process worker)
    {
        while (await worker.StandardError.ReadLineAsync() is { } line)
        {
            if (ListeningOn().Match(line) is { Success: true } m)
            {
                _ = worker.StandardError.ReadToEndAsync();
                _ = worker.StandardOutput.ReadToEndAsync();
                return IPEndPoint.Parse(m.Groups[1].Value);
            }
        }

        throw new InvalidOperationException("carelake stream --mllp exited before listening");
    }

    [GeneratedRegex(@"MLLP listening on (\S+)")]
    private static partial Regex ListeningOn();

    [GeneratedRegex(@"(?=MSH\|)")]
    private static partial Regex MessageStart();
}
