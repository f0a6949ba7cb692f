using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;
using CareLake.Warehouse.Silver;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// The worker's share of silver on one core, without I/O: parse, validate, normalise, dedupe within the batch,
/// score NEWS2 and evaluate alerts (<see cref="VitalSignsStage.Prepare"/>) over batches of the benchmark feed.
/// Prints the time and the bytes allocated per event.
/// </summary>
public static class SilverPrepareBenchmark
{
    public static Command Create()
    {
        var events = new Option<int>("--events") { DefaultValueFactory = _ => 1_000_000, Description = "Events to prepare (after as many again to warm up). Default 1,000,000." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 20_000, Description = "Batch size. Default 20,000." };
        var command = new Command("silver-prepare", "Silver's parse, validate, NEWS2 and alert evaluation on one core, without I/O: µs and bytes allocated per event.")
        {
            events, batch,
        };
        command.SetAction(parse =>
        {
            Console.WriteLine($"machine: {BenchEnvironment.Machine()}");
            var n = parse.GetValue(events);
            var size = parse.GetValue(batch);
            var received = DateTimeOffset.UtcNow;
            var batches = BenchFeed.Events(n, 20_000, seed: 3, received.AddDays(-30))
                .Select((e, i) => new SilverInput(i % size, "patient_vitals", e.Payload, received))
                .Chunk(size)
                .ToList();
            var parser = new VitalSignsParser();
            var stage = new VitalSignsStage(parser);
            var inputs = batches.SelectMany(b => b).ToList();
            Measure("JSON document only (System.Text.Json)", n, () =>
            {
                long c = 0;
                foreach (var input in inputs)
                {
                    using var document = System.Text.Json.JsonDocument.Parse(input.Payload);
                    c += document.RootElement.GetPropertyCount();
                }

                return c;
            });
            Measure("parse, validate, normalise (VitalSignsParser)", n, () =>
            {
                long c = 0;
                foreach (var input in inputs) c += parser.Parse(input.Payload, received).IsSuccess ? 1 : 0;
                return c;
            });
            MeasureScoring(inputs.Select(i => parser.Parse(i.Payload, received).Value!).ToList());
            Measure("silver prepare (+ dedupe, NEWS2, alerts)", n, () =>
            {
                long c = 0;
                foreach (var batch in batches) c += stage.Prepare(batch).Count;
                return c;
            });
            return 0;
        });
        return command;
    }

    private static void MeasureScoring(List<VitalSigns> parsed) =>
        Measure("NEWS2 and the alert rule on parsed sets", parsed.Count, () =>
        {
            long alerts = 0;
            foreach (var v in parsed) alerts += ClinicalAlertRule.Evaluate(News2.Score(v.News2Input)) is null ? 0 : 1;
            return alerts;
        });

    private static void Measure(string what, int n, Func<long> run)
    {
        run(); // warm-up: tiered JIT, dynamic PGO
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var gcBefore = GC.CollectionCount(0);
        var clock = Stopwatch.StartNew();
        var result = run();
        var elapsed = clock.Elapsed;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {elapsed.TotalMicroseconds / n:0.00} µs per event ({n / elapsed.TotalSeconds:N0} events/s on one core), " +
            $"{allocated / (double)n:N0} bytes allocated per event, {GC.CollectionCount(0) - gcBefore} gen0 collections [{result:N0}]"));
    }
}
