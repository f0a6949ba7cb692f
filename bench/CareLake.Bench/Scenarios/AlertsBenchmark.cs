using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>alerts</c>: event-to-alert latency through the real <c>carelake stream</c> (its alert dispatcher beside it), on the
/// Kafka topic <c>carelake.alerts</c> and on a local webhook receiver, from the vital sign's production and from the
/// alert row's raised time (silver, in the committing transaction).
/// </summary>
internal static class AlertsBenchmark
{
    public static Command Create()
    {
        var rate = new Option<int>("--rate") { DefaultValueFactory = _ => 3_600, Description = "Vital-sign events/s (every 10th raises an alert). Default 3,600: 10 % of the measured peak." };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 30, Description = "Length of the run. Default 30 s (the first 5 s are warm-up)." };
        var patients = new Option<int>("--patients") { DefaultValueFactory = _ => 20_000, Description = "Distinct patients. Default 20,000." };
        var command = new Command("alerts", "Latency from a vital sign's production (and from its alert's raised time) to the alert on carelake.alerts and at a webhook, through `carelake stream`.")
        {
            rate, seconds, patients,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            await using var environment = await BenchEnvironment.StartAsync();
            await using var dataSource = await environment.FreshDatabaseAsync("carelake_bench_alerts");
            var perSecond = parse.GetValue(rate);
            var length = parse.GetValue(seconds);
            using var feed = FeedProcess.Start($"--rate {perSecond} --seconds {length} --patients {parse.GetValue(patients)} --partitions 16");
            var bootstrap = feed.ReadValue("bootstrap");

            using var receiver = new HttpListener();
            var port = FreePort();
            receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
            receiver.Start();
            var webhook = new ConcurrentQueue<(DateTimeOffset At, JsonObject Body)>();
            var receiving = Task.Run(async () =>
            {
                while (receiver.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await receiver.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    // Each request answered on its own, as a real receiver does: the dispatcher posts several at once.
                    var at = DateTimeOffset.UtcNow;
                    _ = Task.Run(async () =>
                    {
                        using (var reader = new StreamReader(context.Request.InputStream)) webhook.Enqueue((at, (JsonObject)JsonNode.Parse(await reader.ReadToEndAsync())!));
                        context.Response.StatusCode = 200;
                        context.Response.Close();
                    });
                }
            }, CancellationToken.None);

            var config = Path.Combine(Path.GetTempPath(), $"carelake-bench-alerts-{Environment.ProcessId}.json");
            await File.WriteAllTextAsync(config, $$$"""
                {"alerts": {"dedupe_window_seconds": 0, "rate_limit_per_window": 1000000,
                            "webhooks": [{"name": "bench", "url": "http://127.0.0.1:{{{port}}}/hook", "kinds": ["clinical"]}]}}
                """, cancellationToken);
            using var stream = StartStream(dataSource.ConnectionString, bootstrap, config);
            var streamLog = new ConcurrentQueue<string>();
            stream.ErrorDataReceived += (_, e) => { if (e.Data is not null) streamLog.Enqueue(e.Data); };
            stream.OutputDataReceived += (_, e) => { if (e.Data is not null) streamLog.Enqueue(e.Data); };
            stream.BeginErrorReadLine();
            stream.BeginOutputReadLine();

            using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
            {
                BootstrapServers = bootstrap, GroupId = "bench-alerts-reader", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
                FetchWaitMaxMs = 5, FetchErrorBackoffMs = 5, TopicMetadataRefreshIntervalMs = 1000,
            }).SetLogHandler((_, _) => { }).Build();
            consumer.Subscribe("carelake.alerts");
            // Wait until the worker and the dispatcher are up: both log when they start.
            var up = Stopwatch.StartNew();
            while (!streamLog.Any(l => l.Contains("alert dispatcher", StringComparison.Ordinal)) && up.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100, cancellationToken);
            await Task.Delay(3000, cancellationToken); // the group's first assignment

            feed.WriteLine("go");
            var kafka = new List<(DateTimeOffset At, JsonObject Body)>();
            var expected = (long)perSecond * length / 10;
            var deadline = Stopwatch.StartNew();
            while ((kafka.Count < expected || webhook.Count < expected) && deadline.Elapsed < TimeSpan.FromSeconds(length + 90))
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is { } m) kafka.Add((DateTimeOffset.UtcNow, (JsonObject)JsonNode.Parse(m.Value)!));
            }

            consumer.Close();
            stream.Kill(entireProcessTree: true);
            await stream.WaitForExitAsync(CancellationToken.None);
            receiver.Stop();
            await receiving;
            File.Delete(config);

            var warmup = perSecond * 5L;
            var committed = await CommitTimesAsync(dataSource, kafka.Concat(webhook).Select(r => r.Body));
            Report("Kafka carelake.alerts", kafka, warmup, perSecond, length, expected, committed);
            Report("webhook", webhook.ToList(), warmup, perSecond, length, expected, committed);
            if (streamLog.LastOrDefault(l => l.Contains(" passes: ", StringComparison.Ordinal)) is { } passes) Console.WriteLine("dispatcher: " + passes);
            if (kafka.Count < expected) Console.WriteLine("stream's last lines: " + string.Join(" | ", streamLog.TakeLast(10)));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// When each alert row's transaction committed (PostgreSQL's commit timestamps, on in local mode), by alert row id;
    /// empty when the server does not track them.
    /// </summary>
    private static async Task<Dictionary<long, DateTimeOffset>> CommitTimesAsync(Npgsql.NpgsqlDataSource dataSource, IEnumerable<JsonObject> bodies)
    {
        var times = new Dictionary<long, DateTimeOffset>();
        await using (var setting = dataSource.CreateCommand("SELECT current_setting('track_commit_timestamp') = 'on'"))
        {
            if (!(bool)(await setting.ExecuteScalarAsync())!) return times;
        }

        var ids = bodies.Select(b => b["source"]!["id"]!.GetValue<long>()).Distinct().ToArray();
        await using var command = dataSource.CreateCommand("SELECT alert_id, pg_xact_commit_timestamp(xmin) FROM silver.clinical_alerts WHERE alert_id = ANY($1)");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = ids });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!reader.IsDBNull(1)) times[reader.GetInt64(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return times;
    }

    private static void Report(string channel, List<(DateTimeOffset At, JsonObject Body)> received, long warmup, int rate, int seconds, long expected,
        Dictionary<long, DateTimeOffset> committed)
    {
        var fromProduce = new List<double>();
        var fromRaised = new List<double>();
        var fromCommit = new List<double>();
        foreach (var (at, body) in received)
        {
            var parts = body["source"]!["event_id"]!.GetValue<string>().Split('-');
            if (long.Parse(parts[2], CultureInfo.InvariantCulture) < warmup) continue;
            var micros = long.Parse(parts[1], CultureInfo.InvariantCulture);
            fromProduce.Add((at - DateTimeOffset.FromUnixTimeMilliseconds(micros / 1000).AddTicks(micros % 1000 * 10)).TotalMilliseconds);
            fromRaised.Add((at - DateTimeOffset.Parse(body["raised_at"]!.GetValue<string>(), CultureInfo.InvariantCulture)).TotalMilliseconds);
            if (committed.TryGetValue(body["source"]!["id"]!.GetValue<long>(), out var commit)) fromCommit.Add((at - commit).TotalMilliseconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{channel}: {received.Count:N0} of {expected:N0} alerts at {rate:N0} events/s for {seconds} s; after the first 5 s ({fromProduce.Count:N0}): " +
            $"from production p50 {P(fromProduce, 0.5):0.0} ms · p99 {P(fromProduce, 0.99):0.0} ms · max {P(fromProduce, 1):0.0} ms; " +
            $"from raised_at p50 {P(fromRaised, 0.5):0.0} ms · p99 {P(fromRaised, 0.99):0.0} ms · max {P(fromRaised, 1):0.0} ms; " +
            $"from commit {(fromCommit.Count == 0 ? "(commit times not tracked)" : string.Create(CultureInfo.InvariantCulture, $"p50 {P(fromCommit, 0.5):0.0} ms · p99 {P(fromCommit, 0.99):0.0} ms · max {P(fromCommit, 1):0.0} ms"))}"));
    }

    private static double P(List<double> values, double q)
    {
        if (values.Count == 0) return double.NaN;
        values.Sort();
        return values[Math.Min(values.Count - 1, (int)(q * values.Count))];
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Process StartStream(string connectionString, string bootstrap, string config)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CareLake.slnx"))) start.WorkingDirectory = dir.FullName;
        }

        foreach (var a in new[] { "./carelake", "stream", "--topic", "patient_vitals", "--group", "bench-alerts" }) start.ArgumentList.Add(a);
        start.Environment["CARELAKE_DATABASE_URL"] = connectionString;
        start.Environment["CARELAKE_KAFKA_BOOTSTRAP"] = bootstrap;
        start.Environment["CARELAKE_CONFIG"] = config;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start ./carelake stream");
    }
}
