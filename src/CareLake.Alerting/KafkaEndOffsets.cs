using Confluent.Kafka;

namespace CareLake.Alerting;

/// <summary>End offsets from the Kafka cluster: the topic's partitions from metadata, each partition's high watermark.</summary>
public sealed class KafkaEndOffsets : IEndOffsets, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly IAdminClient _admin;

    public KafkaEndOffsets(string bootstrapServers)
    {
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "carelake-alerts-monitor",
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
    }

    public Task<IReadOnlyDictionary<int, long>> EndOffsetsAsync(string topic, CancellationToken cancellationToken) => Task.Run(() =>
    {
        var metadata = _admin.GetMetadata(topic, Timeout);
        var result = new Dictionary<int, long>();
        foreach (var partition in metadata.Topics.SelectMany(t => t.Error.IsError ? [] : t.Partitions))
        {
            cancellationToken.ThrowIfCancellationRequested();
            result[partition.PartitionId] = _consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition.PartitionId), Timeout).High.Value;
        }

        return (IReadOnlyDictionary<int, long>)result;
    }, cancellationToken);

    public void Dispose()
    {
        _consumer.Dispose();
        _admin.Dispose();
    }
}
