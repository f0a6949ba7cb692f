using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CareLake.Ingest.Kafka;
using Confluent.Kafka;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// <c>kafka-feed</c>: a separate process that hosts the mock Kafka cluster and produces the benchmark's
/// events, so that the measured process holds only the pipeline (the mock broker keeps every message in
/// memory). Speaks to its parent over standard input and output.
/// </summary>
internal static class KafkaFeedProcess
{
    public static Command Create()
    {
        var events = new Option<long>("--events") { DefaultValueFactory = _ => 1_000_000, Description = "Events to produce before reporting 'produced'." };
        var patients = new Option<int>("--patients") { DefaultValueFactory = _ => 20_000 };
        var partitions = new Option<int>("--partitions") { DefaultValueFactory = _ => 256 };
        var rate = new Option<int>("--rate") { DefaultValueFactory = _ => 0, Description = "Latency mode: after 'go' on stdin, produce this many events per second (every 10th raises an alert)." };
        var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 20 };
        var mix = new Option<string>("--mix") { DefaultValueFactory = _ => "vitals", Description = "vitals (a ward's vital-sign sets) or realistic (the generator's hospital on every topic)." };
        var command = new Command("kafka-feed", "Internal: host the mock Kafka cluster and produce benchmark events (used by the pipeline scenario).")
        {
            events, patients, partitions, rate, seconds, mix,
        };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            using var cluster = new MockKafkaCluster();
            var realistic = parse.GetValue(mix) == "realistic";
            foreach (var topic in realistic ? Core.Contracts.Topics.Inbound : ["patient_vitals"]) cluster.CreateTopic(topic, parse.GetValue(partitions));
            Console.WriteLine($"bootstrap={cluster.BootstrapServers}");
            using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
            {
                BootstrapServers = cluster.BootstrapServers,
                EnableIdempotence = true,
                LingerMs = 5,
                BatchNumMessages = 10_000,
                QueueBufferingMaxMessages = 1_000_000,
                QueueBufferingMaxKbytes = 1 << 20,
            }).Build();

            if (parse.GetValue(rate) is > 0 and var perSecond)
            {
                if (Console.ReadLine() != "go") return 1;
                ProduceAtRate(producer, perSecond, parse.GetValue(seconds), parse.GetValue(patients));
                Console.WriteLine("done");
            }
            else
            {
                var started = Stopwatch.StartNew();
                long produced = 0;
                var feed = realistic
                    ? Hospital(parse.GetValue(events), parse.GetValue(patients))
                    : BenchFeed.Events(parse.GetValue(events), parse.GetValue(patients), seed: 1, DateTimeOffset.UtcNow.AddDays(-30)).Select(e => ("patient_vitals", e.Key, e.Payload));
                foreach (var (topic, key, payload) in feed)
                {
                    Produce(producer, topic, key, payload);
                    produced++;
                }

                producer.Flush(TimeSpan.FromMinutes(5));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"produced={produced} seconds={started.Elapsed.TotalSeconds:0.00}"));
            }

            Console.In.ReadToEnd(); // stay up until the parent closes our standard input
            return 0;
        });
        return command;
    }

    private static void ProduceAtRate(IProducer<string, byte[]> producer, int perSecond, int seconds, int patients)
    {
        var random = new Random(2);
        var clock = Stopwatch.StartNew();
        var total = (long)perSecond * seconds;
        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            while (clock.Elapsed < due) Thread.Sleep(TimeSpan.FromMilliseconds(0.2));
            var producedAt = DateTimeOffset.UtcNow;
            var eventId = string.Create(CultureInfo.InvariantCulture, $"lat-{producedAt.ToUnixTimeMilliseconds() * 1000 + producedAt.Microsecond}-{i}");
            var patient = random.Next(patients);
            Produce(producer, "patient_vitals", $"MRN{patient:D7}", Encoding.UTF8.GetBytes(BenchFeed.Json(random, eventId, patient, producedAt.AddSeconds(-1), sick: i % 10 == 0)));
            producer.Poll(TimeSpan.Zero);
        }

        producer.Flush(TimeSpan.FromMinutes(1));
    }

    /// <summary>The generator's hospital over a year, every topic in its own proportion, cut at <paramref name="events"/> messages.</summary>
    private static IEnumerable<(string Topic, string Key, byte[] Payload)> Hospital(long events, int patients)
    {
        var options = new Generator.GeneratorOptions
        {
            Patients = patients,
            Days = 365,
            Seed = 1,
            Start = Generator.GeneratorOptions.PeriodEndingAt(DateTimeOffset.UtcNow, 365, Generator.GeneratorOptions.DefaultFacilityUtcOffset),
        };
        return new Generator.HospitalSimulator(options).Events().Take(checked((int)events)).Select(e => (e.Topic, e.Key, e.Payload));
    }

    private static void Produce(IProducer<string, byte[]> producer, string topic, string key, byte[] payload)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = payload });
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(20));
            }
        }
    }
}
