using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace CareLake.Alerting;

/// <summary>Publishes alerts and pipeline events to Kafka; the message key is the alert's id, so consumers can dedupe.</summary>
public interface IAlertPublisher : IDisposable
{
    /// <summary>Returns once the broker has acknowledged the message (acks=all).</summary>
    Task PublishAsync(string topic, string key, JsonObject message, CancellationToken cancellationToken);
}

/// <summary>An idempotent Confluent.Kafka producer, acks from every in-sync replica, no lingering (alerts are latency-bound).</summary>
public sealed class KafkaAlertPublisher : IAlertPublisher
{
    private readonly IProducer<string, byte[]> _producer;

    public KafkaAlertPublisher(string bootstrapServers)
    {
        _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 0,
            MessageTimeoutMs = 30_000,
            ClientId = "carelake-alerts",
        }).SetLogHandler((_, _) => { }).Build();
    }

    public async Task PublishAsync(string topic, string key, JsonObject message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _producer.ProduceAsync(topic, new Message<string, byte[]>
        {
            Key = key,
            Value = Encoding.UTF8.GetBytes(message.ToJsonString()),
            Headers = [new Header("content-type", "application/json"u8.ToArray())],
        }, cancellationToken);
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
