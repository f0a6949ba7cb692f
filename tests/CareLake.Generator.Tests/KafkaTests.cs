using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Generator.DirtyData;
using CareLake.Generator.Outputs;
using CareLake.Generator.Outputs.Kafka;
using CareLake.Ingest.Kafka;
using Confluent.Kafka;

namespace CareLake.Generator.Tests;

public sealed class KafkaTests
{
    [Fact]
    public void Every_message_reaches_its_topic_keyed_by_patient_and_can_be_consumed_back()
    {
        using var cluster = new MockKafkaCluster(brokers: 3);
        foreach (var topic in Topics.Inbound) cluster.CreateTopic(topic, partitions: 16);
        var options = FileOutputs.Small with { Patients = 300, Days = 20, DirtyData = DirtyDataOptions.Demo };
        var simulator = new HospitalSimulator(options);
        using (var sink = new KafkaEventSink(cluster.BootstrapServers, new KafkaSinkOptions { QueueBufferingMaxMessages = 2_000 }))
        {
            new GeneratorRun(simulator, [], [sink]).Run();
            Assert.Equal(simulator.Summary.EmittedEvents, sink.Delivered);
            Assert.Equal(0, sink.Failed);
        }

        var expected = simulator.Summary.EmittedByTopic;
        var consumed = Consume(cluster.BootstrapServers, expected.Values.Sum());

        foreach (var topic in Topics.Inbound) Assert.Equal(expected.GetValueOrDefault(topic), consumed.Count(m => m.Topic == topic));
        Assert.Contains(consumed, m => m.Topic == Topics.PatientProcedures);
        Assert.All(consumed.Where(m => m.Topic == Topics.PatientVitals && IsCleanJson(m.Value)), m =>
        {
            using var json = JsonDocument.Parse(m.Value);
            Assert.Equal(json.RootElement.GetProperty("patient_id").GetString(), m.Key);
        });
    }

    [Fact]
    public void An_unreachable_broker_is_reported_when_completing()
    {
        using var sink = new KafkaEventSink("127.0.0.1:1", new KafkaSinkOptions { FlushTimeout = TimeSpan.FromSeconds(2) });
        sink.Write(new GeneratedEvent(Topics.PatientVitals, "MRN1", "e1", DateTimeOffset.UnixEpoch, "{}"u8.ToArray()));
        var error = Assert.Throws<KafkaDeliveryException>(sink.Complete);
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    private static bool IsCleanJson(byte[] payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            return json.RootElement.TryGetProperty("patient_id", out var id) && id.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static List<(string Topic, string Key, byte[] Value)> Consume(string bootstrap, long expected)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "generator-test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe(Topics.Inbound);
        var messages = new List<(string, string, byte[])>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (messages.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result?.Message is { } message) messages.Add((result.Topic, message.Key, message.Value));
        }

        consumer.Close();
        return messages;
    }
}
