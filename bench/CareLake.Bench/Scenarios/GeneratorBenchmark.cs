using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CareLake.Core.Contracts;
using CareLake.Generator;
using CareLake.Generator.Outputs;
using CareLake.Generator.Outputs.Kafka;
using CareLake.Generator.Outputs.Ndjson;
using CareLake.Ingest.Kafka;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>generator</c>: how fast the synthetic hospital runs. Three passes over the same options: simulation alone
/// (structured events, the time to generate the population), the contract stream to NDJSON files, and the contract
/// stream to an in-process librdkafka mock cluster (idempotent producer, delivery confirmed). Prints events/s, the
/// realised readmission rate, mean LOS, event counts per type and peak memory.
/// </summary>
public static class GeneratorBenchmark
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "tiny, demo or full.", DefaultValueFactory = _ => "full" };
        var patients = new Option<int?>("--patients") { Description = "Override the preset's population size." };
        var days = new Option<int?>("--days") { Description = "Override the preset's period in days." };
        var seed = new Option<long>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var partitions = new Option<int>("--partitions") { Description = "Partitions per topic on the mock cluster (it keeps at most 5 MB / 100k messages per partition).", DefaultValueFactory = _ => 64 };
        var skipKafka = new Option<bool>("--skip-kafka") { Description = "Leave out the Kafka pass." };
        var command = new Command("generator", "Synthetic hospital throughput: simulation, NDJSON files and the mock Kafka cluster.")
        {
            preset, patients, days, seed, partitions, skipKafka,
        };
        command.SetAction(parseResult =>
        {
            var options = GeneratorOptions.Preset(parseResult.GetValue(preset)!) with
            {
                Seed = parseResult.GetValue(seed),
                Start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, GeneratorOptions.DefaultFacilityUtcOffset),
            };
            options = options with
            {
                Patients = parseResult.GetValue(patients) ?? options.Patients,
                Days = parseResult.GetValue(days) ?? options.Days,
            };
            Run(options, parseResult.GetValue(partitions), !parseResult.GetValue(skipKafka));
            return 0;
        });
        return command;
    }

    private static void Run(GeneratorOptions options, int partitions, bool kafka)
    {
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"options: {options.Patients:N0} patients, {options.Days} days, seed {options.Seed}, dirty data {(options.DirtyData.IsOff ? "off" : "on")}");

        // Warm-up (JIT, tiered compilation), not timed.
        new GeneratorRun(new HospitalSimulator(options with { Patients = Math.Min(options.Patients, 3_000), Days = Math.Min(options.Days, 60) }), [], [new DiscardSink()]).Run();

        // 1. Simulation alone: the structured events every writer renders.
        var simulator = new HospitalSimulator(options);
        var stopwatch = Stopwatch.StartNew();
        long clinical = 0;
        foreach (var _ in simulator.ClinicalEvents()) clinical++;
        var simulate = stopwatch.Elapsed;
        var summary = simulator.Summary;
        Report("simulate (structured events)", clinical, simulate, null);
        var peakAfterSimulation = BenchEnvironment.PeakWorkingSetBytes();

        // 2. The contract stream as NDJSON files.
        var directory = Path.Combine(Path.GetTempPath(), "carelake-bench-generator-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        try
        {
            simulator = new HospitalSimulator(options);
            stopwatch.Restart();
            using (var sink = new NdjsonFileSink(directory))
            {
                new GeneratorRun(simulator, [], [sink]).Run();
            }

            var bytes = Topics.Inbound.Sum(t => new FileInfo(NdjsonFileSink.PathFor(directory, t)).Length);
            Report("ndjson files", simulator.Summary.EmittedEvents, stopwatch.Elapsed, bytes);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        var peakAfterFiles = BenchEnvironment.PeakWorkingSetBytes();

        // 3. The contract stream to the librdkafka mock cluster, every delivery confirmed.
        if (kafka)
        {
            using var cluster = new MockKafkaCluster(brokers: 3);
            foreach (var topic in Topics.Inbound) cluster.CreateTopic(topic, partitions);
            simulator = new HospitalSimulator(options);
            stopwatch.Restart();
            long delivered;
            using (var sink = new KafkaEventSink(cluster.BootstrapServers))
            {
                new GeneratorRun(simulator, [], [sink]).Run();
                delivered = sink.Delivered;
            }

            Report($"mock kafka ({partitions} partitions/topic, acks=all, idempotent)", delivered, stopwatch.Elapsed, null);
        }

        Console.WriteLine();
        Console.WriteLine($"time to generate the population (simulation only): {simulate.TotalSeconds:N1} s for {options.Patients:N0} patients over {options.Days} days");
        Console.WriteLine($"inpatient admissions {summary.InpatientAdmissions:N0}, ED visits {summary.EmergencyVisits:N0}, observation stays {summary.ObservationStays:N0}");
        Console.WriteLine($"mean LOS {summary.MeanLengthOfStayDays:N2} d (median {summary.MedianLengthOfStayDays:N2}, p90 {summary.P90LengthOfStayDays:N2})");
        Console.WriteLine($"30-day readmission rate {summary.ReadmissionRate:P2} ({summary.Readmissions:N0} of {summary.ReadmissionIndexStays:N0} index stays)");
        Console.WriteLine($"in-hospital mortality {summary.InHospitalMortality:P2}; ICU transfers {summary.IcuTransfers:N0}; high NEWS2 share {summary.HighNews2Share:P2}");
        Console.WriteLine("events by type:");
        foreach (var (type, count) in summary.ClinicalEventsByType.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {type,-18} {count,12:N0}");
        }

        Console.WriteLine($"  {"total",-18} {clinical,12:N0}");
        Console.WriteLine($"peak working set: {peakAfterSimulation / 1e6:N0} MB after simulation, {peakAfterFiles / 1e6:N0} MB after NDJSON, " +
                          $"{BenchEnvironment.PeakWorkingSetBytes() / 1e6:N0} MB overall (includes the in-process mock cluster's message store)");
    }

    private sealed class DiscardSink : IContractEventSink
    {
        public string Description => "discard";

        public void Write(GeneratedEvent message)
        {
        }

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }

    private static void Report(string pass, long events, TimeSpan elapsed, long? bytes)
    {
        var rate = events / Math.Max(elapsed.TotalSeconds, 1e-6);
        var volume = bytes is { } b ? $", {b / 1e6:N0} MB ({b / 1e6 / elapsed.TotalSeconds:N0} MB/s)" : "";
        Console.WriteLine($"{pass,-58} {events,12:N0} events in {elapsed.TotalSeconds,7:N1} s = {rate,10:N0} events/s{volume}");
    }
}
