using System.Diagnostics;
using Confluent.Kafka;

namespace CareLake.Testing;

/// <summary>Produces test messages to a (mock) Kafka cluster and waits until every one is acknowledged.</summary>
public static class KafkaTestProducer
{
    public static void Produce(string bootstrapServers, string topic, IEnumerable<FeedMessage> messages) =>
        ProduceCore(bootstrapServers, topic, messages, perSecond: null);

    /// <summary>Produces at about <paramref name="perSecond"/> messages a second, as a live stream would arrive.</summary>
    public static Task ProduceAtRateAsync(string bootstrapServers, string topic, IReadOnlyList<FeedMessage> messages, int perSecond) =>
        Task.Run(() => ProduceCore(bootstrapServers, topic, messages, perSecond));

    private static void ProduceCore(string bootstrapServers, string topic, IEnumerable<FeedMessage> messages, int? perSecond)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            LingerMs = 5,
            QueueBufferingMaxMessages = 1_000_000,
            MessageMaxBytes = 8 << 20,
            BatchNumMessages = 10_000,
        };
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
        var failures = 0;
        string? firstError = null;
        var started = Stopwatch.StartNew();
        var sent = 0;
        foreach (var m in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<string, byte[]> { Key = m.Key, Value = m.Payload }, report =>
                    {
                        if (report.Error.IsError)
                        {
                            Interlocked.Increment(ref failures);
                            firstError ??= report.Error.Reason;
                        }
                    });
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }

            sent++;
            if (perSecond is { } rate && sent % Math.Max(1, rate / 50) == 0)
            {
                var due = TimeSpan.FromSeconds((double)sent / rate) - started.Elapsed;
                if (due > TimeSpan.Zero) Thread.Sleep(due);
                producer.Poll(TimeSpan.Zero);
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        if (failures > 0) throw new InvalidOperationException($"{failures} test messages were not delivered: {firstError}");
    }
}
