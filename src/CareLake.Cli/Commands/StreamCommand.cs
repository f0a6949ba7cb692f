using System.CommandLine;
using System.Diagnostics;
using CareLake.Core.Configuration;
using CareLake.Core.Parsing;
using CareLake.Ingest.Mllp;
using CareLake.Streaming.Acknowledged;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Silver;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake stream</c>: Kafka sources → bronze → silver → gold, continuously, as one member of the consumer group.</summary>
public static class StreamCommand
{
    public static Command Create()
    {
        var untilIdle = new Option<double?>("--until-idle")
        {
            Description = "Exit cleanly once nothing new has arrived for this many seconds and the broker confirms nothing is left to read (an unreachable broker is not idle). Default: run until stopped (Ctrl+C or SIGTERM).",
        };
        var group = new Option<string?>("--group") { Description = "Kafka consumer group. Default: kafka_group / CARELAKE_KAFKA_GROUP (carelake)." };
        var topics = new Option<string[]>("--topic")
        {
            Description = "Topic to consume (repeatable). Default: kafka_topics / CARELAKE_KAFKA_TOPICS (every inbound contract topic).",
            AllowMultipleArgumentsPerToken = true,
        };
        var workerId = new Option<string?>("--worker-id") { Description = "Name of this worker in logs and in ingest.source_positions. Default: host-pid." };
        var mllp = new Option<string?>("--mllp")
        {
            Description = "Also accept HL7 v2 over MLLP on HOST:PORT (e.g. 0.0.0.0:2575), acknowledging each message only after it is committed. Default: mllp_listen / CARELAKE_MLLP_LISTEN (none).",
        };
        var metricsPort = new Option<int?>("--metrics-port")
        {
            Description = "Serve this worker's Prometheus metrics (batches, events per stage, batch-duration histogram; counted in-process) at http://HOST:PORT/metrics. Default: none.",
        };
        var metricsHost = new Option<string>("--metrics-host") { Description = "Address the --metrics-port server listens on (0.0.0.0 for every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("stream",
            "Run the streaming pipeline: consume the Kafka topics (CARELAKE_KAFKA_BOOTSTRAP) into bronze, then silver " +
            "(every entity typed, NEWS2-scored, alerts, quarantine) and gold, in one transaction per micro-batch, and/or accept " +
            "HL7 v2 over MLLP (--mllp). Start several workers with the same group to share the partitions.")
        {
            untilIdle, group, topics, workerId, mllp, metricsPort, metricsHost,
        };

        command.SetAction(async (context, parseResult) =>
        {
            var options = context.Options;
            var mllpListen = parseResult.GetValue(mllp) ?? options.MllpListen;
            System.Net.IPEndPoint? mllpEndPoint = null;
            if (mllpListen is not null && !HostPort.TryParse(mllpListen, out mllpEndPoint))
            {
                CliContext.Log($"error: --mllp must be HOST:PORT (e.g. 0.0.0.0:2575), not '{mllpListen}'");
                return CommandRunner.Misconfigured;
            }

            if (string.IsNullOrWhiteSpace(options.KafkaBootstrap) && mllpEndPoint is null)
            {
                CliContext.Log("error: no source configured. Set CARELAKE_KAFKA_BOOTSTRAP (or kafka_bootstrap in the config file) and/or --mllp HOST:PORT; `carelake kafka-mock` starts a local test cluster, and `carelake demo` runs the pipeline on the built-in feed.");
                return CommandRunner.Misconfigured;
            }

            var id = parseResult.GetValue(workerId) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            if (parseResult.GetValue(metricsPort) is { } port && port is < 1 or > 65_535)
            {
                CliContext.Log($"error: --metrics-port must be 1–65,535, not {port}");
                return CommandRunner.Misconfigured;
            }

            var metrics = Prometheus.Metrics.NewCustomRegistry();
            var streamMetrics = new Web.Metrics.StreamMetrics(metrics);
            using var metricsServer = parseResult.GetValue(metricsPort) is { } p ? Web.Metrics.StreamMetrics.Serve(parseResult.GetValue(metricsHost)!, p, metrics) : null;
            if (metricsServer is not null) CliContext.Log($"metrics at http://{parseResult.GetValue(metricsHost)}:{parseResult.GetValue(metricsPort)}/metrics");
            if (string.IsNullOrWhiteSpace(options.KafkaBootstrap))
            {
                await using var hl7Warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping);
                await using (var hl7Alerts = AlertsBeside.Start(hl7Warehouse.DataSource, options, context))
                {
                    await RunMllpAsync(Pipeline(hl7Warehouse, options, context) with { BatchCommitted = streamMetrics.Record }, options, mllpEndPoint!, id, context.Stopping);
                }

                return 0;
            }

            var selectedTopics = parseResult.GetValue(topics) is { Length: > 0 } t ? t : options.KafkaTopics.ToArray();
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping);
            var settings = new KafkaWorkerSettings(options.KafkaBootstrap, parseResult.GetValue(group) ?? options.KafkaGroup, selectedTopics, id,
                options.BatchMaxMessages, options.BatchMaxBytes, TimeSpan.FromMilliseconds(options.BatchMaxDelayMs),
                parseResult.GetValue(untilIdle) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                TimeSpan.FromMilliseconds(options.KafkaSessionTimeoutMs), options.CommitLanes);
            var pipeline = Pipeline(warehouse, options, context) with { BatchCommitted = streamMetrics.Record };
            var worker = new KafkaStreamWorker(settings, pipeline);

            CliContext.Log($"worker {id} joining group {settings.GroupId} on {settings.BootstrapServers} for {string.Join(", ", selectedTopics)}");
            var started = Stopwatch.GetTimestamp();
            await using var alerts = AlertsBeside.Start(warehouse.DataSource, options, context);
            var mllpRun = mllpEndPoint is null ? Task.CompletedTask : RunMllpAsync(pipeline, options, mllpEndPoint, id, context.Stopping);
            var run = worker.RunAsync(context.Stopping);
            await ShowProgressAsync(worker.Statistics, run);
            try
            {
                await run;
            }
            catch (OperationCanceledException) when (context.Stopping.IsCancellationRequested)
            {
            }

            PrintSummary(worker.Statistics, Stopwatch.GetElapsedTime(started));
            await mllpRun;
            await alerts.DrainAsync();
            return 0;
        });
        return command;
    }

    /// <summary>The MLLP listener until the worker stops; a summary of what it acknowledged at the end.</summary>
    private static async Task RunMllpAsync(PipelineContext pipeline, CareLakeOptions options, System.Net.IPEndPoint endPoint, string workerId, CancellationToken stopping)
    {
        var settings = new MllpListenerSettings(endPoint, options.MllpMaxMessageBytes, TimeSpan.FromSeconds(options.MllpIdleTimeoutSeconds));
        await using var service = new Hl7MllpService(pipeline, settings, workerId);
        var started = Stopwatch.GetTimestamp();
        var run = service.RunAsync(stopping);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None));
            if (!run.IsCompleted && service.Listener.Messages > 0)
            {
                CliContext.Log($"MLLP: {service.Listener.OpenConnections} connections · {Describe(service.Statistics)}");
            }
        }

        await run;
        CliContext.Log($"MLLP: {service.Listener.Messages:N0} messages on {service.Listener.LocalEndPoint}, {service.Listener.ClosedForFraming:N0} connections closed for broken framing");
        PrintSummary(service.Statistics, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The silver stages and the rest of what a worker writes with, from the options.</summary>
    internal static PipelineContext Pipeline(Warehouse.Postgres.Warehouse warehouse, CareLakeOptions options, CliContext context) =>
        new(warehouse.DataSource,
            SilverStages.All(new PayloadLimits(options.MaxPayloadBytes)),
            context.Time,
            CliContext.Log)
        {
            QualityChecks = options.Quality.StreamChecks ? Quality.BatchQualityChecks.Shipped : null,
        };

    internal static async Task ShowProgressAsync(StreamStatistics statistics, Task run)
    {
        if (!CliContext.Interactive)
        {
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
                if (!run.IsCompleted) CliContext.Log(Describe(statistics));
            }

            return;
        }

        await AnsiConsole.Status().StartAsync("streaming", async status =>
        {
            while (!run.IsCompleted)
            {
                status.Status(Describe(statistics));
                await Task.WhenAny(run, Task.Delay(500));
            }
        });
    }

    internal static string Describe(StreamStatistics s) =>
        $"{s.Messages:N0} messages in {s.Batches:N0} batches · silver {s.SilverInserted:N0} · alerts {s.Alerts:N0} · " +
        $"quarantined {s.QuarantinedTotal:N0} · duplicates {s.Duplicates:N0}" +
        (s.Conflicts > 0 ? $" · fenced batches {s.Conflicts:N0}" : "") + (s.Retries > 0 ? $" · retries {s.Retries:N0}" : "");

    internal static void PrintSummary(StreamStatistics s, TimeSpan elapsed)
    {
        var rate = elapsed.TotalSeconds > 0 ? s.Messages / elapsed.TotalSeconds : 0;
        Console.WriteLine($"{Describe(s)} · {elapsed.TotalSeconds:0.0} s · {rate:N0} messages/s");
        foreach (var (reason, count) in s.Quarantined.OrderByDescending(kv => kv.Value))
        {
            Console.WriteLine($"  quarantined {reason}: {count:N0}");
        }
    }
}
