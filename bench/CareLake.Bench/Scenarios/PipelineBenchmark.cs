using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CareLake.Core.Vitals;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Silver;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>pipeline</c>: events/s from the mock Kafka cluster through bronze, silver and gold; the same run's raw
/// ceiling (a plain binary COPY of the same rows into an unlogged table); memory as input grows; and
/// produce-to-alert-row latency at a fixed lower rate.
/// </summary>
internal static class PipelineBenchmark
{
    public static Command Create()
    {
        var events = new Option<long>("--events") { DefaultValueFactory = _ => 1_000_000, Description = "Events for the throughput run (0 skips it). Default 1,000,000." };
        var patients = new Option<int>("--patients") { DefaultValueFactory = _ => 20_000, Description = "Distinct patients. Default 20,000." };
        var partitions = new Option<int>("--partitions") { DefaultValueFactory = _ => 256, Description = "Topic partitions (the mock broker keeps 5 MB each). Default 256." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 20_000, Description = "Micro-batch size. Default 20,000." };
        var lanesOption = new Option<int>("--lanes") { DefaultValueFactory = _ => 2, Description = "Parallel commit lanes. Default 2." };
        var bronzeOnly = new Option<bool>("--bronze-only") { Description = "Land bronze only (no silver stage), to see the ingest share of the cost." };
        var warmupOption = new Option<long>("--warmup") { DefaultValueFactory = _ => 100_000, Description = "Events consumed before the clock starts (JIT tiering, caches). Default 100,000." };
        var latencyRate = new Option<int>("--latency-rate") { DefaultValueFactory = _ => 2_000, Description = "Events/s for the latency run (0 skips it). Default 2,000." };
        var mixOption = new Option<string>("--mix")
        {
            DefaultValueFactory = _ => "vitals",
            Description = "vitals: a ward's vital-sign sets on patient_vitals. realistic: the generator's hospital on every contract topic, in its proportions (labs, access logs, ADT, diagnoses, procedures, vitals), every entity typed in silver. Default vitals.",
        };
        mixOption.AcceptOnlyFromAmong("vitals", "realistic");
        var latencySeconds = new Option<int>("--latency-seconds") { DefaultValueFactory = _ => 20, Description = "Length of the latency run. Default 20 s." };
        var command = new Command("pipeline", "Kafka (mock cluster) → bronze → silver → gold: events/s, the raw COPY ceiling, peak memory, and produce-to-alert latency.")
        {
            events, patients, partitions, batch, lanesOption, warmupOption, bronzeOnly, latencyRate, latencySeconds, mixOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            await using var environment = await BenchEnvironment.StartAsync();
            var n = parse.GetValue(events);
            var lanes = parse.GetValue(lanesOption);
            var realistic = parse.GetValue(mixOption) == "realistic";
            var stages = parse.GetValue(bronzeOnly) ? Array.Empty<ISilverStage>() : realistic ? SilverStages.All() : [new VitalSignsStage(new VitalSignsParser())];
            if (n > 0)
            {
                await ThroughputAsync(environment, stages, n, parse.GetValue(warmupOption), parse.GetValue(patients), parse.GetValue(partitions), parse.GetValue(batch), lanes, realistic, cancellationToken);
                await RawCeilingAsync(environment, n, parse.GetValue(patients));
            }

            if (parse.GetValue(latencyRate) > 0)
            {
                await LatencyAsync(environment, stages, parse.GetValue(latencyRate), parse.GetValue(latencySeconds), parse.GetValue(patients), parse.GetValue(batch), lanes, cancellationToken);
            }

            return 0;
        });
        return command;
    }

    private static async Task ThroughputAsync(BenchEnvironment environment, IReadOnlyList<ISilverStage> stages, long n, long warmup, int patients, int partitions, int batchSize, int lanes, bool realistic, CancellationToken cancellationToken)
    {
        await using var dataSource = await environment.FreshDatabaseAsync("carelake_bench");
        var total = n + warmup;
        using var feed = FeedProcess.Start($"--events {total} --patients {patients} --partitions {partitions} --mix {(realistic ? "realistic" : "vitals")}");
        var bootstrap = feed.ReadValue("bootstrap");
        var produced = feed.ReadLine();
        Console.WriteLine($"produced {total:N0} events ({warmup:N0} warm-up + {n:N0} measured) to {partitions} partitions ({produced})");

        var settings = new KafkaWorkerSettings(bootstrap, "bench", realistic ? Core.Contracts.Topics.Inbound : ["patient_vitals"], "bench", batchSize, UntilIdle: TimeSpan.FromSeconds(3), CommitLanes: lanes);
        var worker = new KafkaStreamWorker(settings, Pipeline(dataSource, stages));
        GC.Collect();
        var run = worker.RunAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null, measuredFrom = null;
        long measuredFromCount = 0;
        var checkpoints = new List<string>();
        var nextCheckpoint = 0.25;
        while (!run.IsCompleted)
        {
            await Task.Delay(20, cancellationToken);
            var done = worker.Statistics.Messages;
            if (done > 0) first ??= clock.Elapsed;
            if (done >= warmup && measuredFrom is null)
            {
                measuredFrom = clock.Elapsed;
                measuredFromCount = done;
            }

            while (done >= total * nextCheckpoint && nextCheckpoint <= 1.0)
            {
                using var self = Process.GetCurrentProcess();
                checkpoints.Add($"{done:N0} events: {self.WorkingSet64 >> 20} MiB");
                nextCheckpoint += 0.25;
            }

            if (done >= total) break;
        }

        // Gold is part of the pipeline: the clock stops when every patient's snapshot has caught up.
        const string queued = "SELECT count(*) FROM gold.pending_patients";
        while (await Count(dataSource, queued) > 0 && !run.IsCompleted) await Task.Delay(20, cancellationToken);
        var end = clock.Elapsed;
        await run;
        if (await Count(dataSource, queued) is var left and > 0)
        {
            throw new InvalidOperationException($"the worker stopped with {left:N0} patients still queued for gold (see the log above)");
        }

        var s = worker.Statistics;
        var measured = s.Messages - measuredFromCount;
        var steady = end - (measuredFrom ?? TimeSpan.Zero);
        var whole = end - (first ?? TimeSpan.Zero);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"end to end (Kafka → bronze → silver → gold caught up), after warm-up: {measured:N0} events in {steady.TotalSeconds:0.00} s = {measured / steady.TotalSeconds:N0} events/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"whole run from the first message, warm-up included: {s.Messages:N0} events in {whole.TotalSeconds:0.00} s = {s.Messages / whole.TotalSeconds:N0} events/s " +
            $"({s.Batches:N0} batches; silver {s.SilverInserted:N0}, alerts {s.Alerts:N0}, quarantined {s.QuarantinedTotal:N0})"));
        Console.WriteLine($"silver rows per table: {string.Join(", ", s.InsertedByTable.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:N0}"))}; duplicates {s.Duplicates:N0}");
        Console.WriteLine($"memory (working set) as input grows: {string.Join(" · ", checkpoints)}; peak {BenchEnvironment.PeakWorkingSetMiB()} MiB");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"garbage collector: {GC.CollectionCount(0):N0} gen0, {GC.CollectionCount(1):N0} gen1, {GC.CollectionCount(2):N0} gen2 collections; " +
            $"paused {GC.GetTotalPauseDuration().TotalSeconds:0.00} s in all; {GC.GetTotalAllocatedBytes() >> 20:N0} MiB allocated"));
        var gold = await Count(dataSource, "SELECT count(*) FROM gold.patient_risk_snapshot");
        var bronze = await Count(dataSource, "SELECT count(*) FROM bronze.raw_events");
        Console.WriteLine($"check: bronze {bronze:N0}, gold patients {gold:N0}");
    }

    internal static async Task RawCeilingAsync(BenchEnvironment environment, long n, int patients)
    {
        await using var dataSource = await environment.FreshDatabaseAsync("carelake_bench_raw");
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand("CREATE UNLOGGED TABLE raw_copy (LIKE bronze.raw_events)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        var received = DateTimeOffset.UtcNow;
        var rows = BenchFeed.Events(n, patients, seed: 1, received.AddDays(-30)).Select((e, i) => (e.Key, e.Payload, Id: (long)i)).ToList();
        var clock = Stopwatch.StartNew();
        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY raw_copy (id, source, stream, partition, position, message_key, payload, received_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (key, payload, id) in rows)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(id, NpgsqlDbType.Bigint);
                await importer.WriteAsync("kafka", NpgsqlDbType.Text);
                await importer.WriteAsync("patient_vitals", NpgsqlDbType.Text);
                await importer.WriteAsync((int)(id % 256), NpgsqlDbType.Integer);
                await importer.WriteAsync(id, NpgsqlDbType.Bigint);
                await importer.WriteAsync(System.Text.Encoding.UTF8.GetBytes(key), NpgsqlDbType.Bytea);
                await importer.WriteAsync(payload, NpgsqlDbType.Bytea);
                await importer.WriteAsync(received, NpgsqlDbType.TimestampTz);
            }

            await importer.CompleteAsync();
        }

        var elapsed = clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"raw ceiling: binary COPY of the same {n:N0} rows into an unlogged table: {elapsed.TotalSeconds:0.00} s = {n / elapsed.TotalSeconds:N0} rows/s"));
    }

    private static async Task LatencyAsync(BenchEnvironment environment, IReadOnlyList<ISilverStage> stages, int rate, int seconds, int patients, int batchSize, int lanes, CancellationToken cancellationToken)
    {
        await using var dataSource = await environment.FreshDatabaseAsync("carelake_bench_latency");
        using var feed = FeedProcess.Start($"--rate {rate} --seconds {seconds} --patients {patients} --partitions 16");
        var bootstrap = feed.ReadValue("bootstrap");
        var settings = new KafkaWorkerSettings(bootstrap, "bench-latency", ["patient_vitals"], "bench-latency", batchSize, CommitLanes: lanes);
        var worker = new KafkaStreamWorker(settings, Pipeline(dataSource, stages));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = worker.RunAsync(stop.Token);
        while (worker.Assignment.Count == 0) await Task.Delay(50, cancellationToken);

        feed.WriteLine("go");
        var latencies = new List<double>();
        long lastAlert = 0, seen = 0;
        var warmupEvents = rate * 5L;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var poll = new NpgsqlCommand("SELECT alert_id, event_id FROM silver.clinical_alerts WHERE alert_id > $1 ORDER BY alert_id", connection);
        var after = new NpgsqlParameter<long>();
        poll.Parameters.Add(after);
        var expected = (long)rate * seconds / 10;
        var deadline = Stopwatch.StartNew();
        while (seen < expected && deadline.Elapsed < TimeSpan.FromSeconds(seconds + 60))
        {
            after.TypedValue = lastAlert;
            await using (var reader = await poll.ExecuteReaderAsync(cancellationToken))
            {
                var seenAt = DateTimeOffset.UtcNow;
                while (await reader.ReadAsync(cancellationToken))
                {
                    lastAlert = reader.GetInt64(0);
                    var parts = reader.GetString(1).Split('-');
                    var micros = long.Parse(parts[1], CultureInfo.InvariantCulture);
                    seen++;
                    // The first seconds warm the JIT up; they are reported apart.
                    if (long.Parse(parts[2], CultureInfo.InvariantCulture) < warmupEvents) continue;
                    latencies.Add((seenAt - DateTimeOffset.FromUnixTimeMilliseconds(micros / 1000).AddTicks(micros % 1000 * 10)).TotalMilliseconds);
                }
            }

            await Task.Delay(1, cancellationToken);
        }

        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }

        latencies.Sort();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency, produce → alert row committed, at {rate:N0} events/s for {seconds} s ({latencies.Count:N0} alerts after the first 5 s): " +
            $"p50 {P(0.50):0.0} ms · p99 {P(0.99):0.0} ms · max {(latencies.Count > 0 ? latencies[^1] : double.NaN):0.0} ms"));
    }

    private static PipelineContext Pipeline(NpgsqlDataSource dataSource, IReadOnlyList<ISilverStage> stages) =>
        new(dataSource, stages, TimeProvider.System, m => Console.Error.WriteLine(m));

    private static async Task<long> Count(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
