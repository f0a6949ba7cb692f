using Confluent.Kafka;

namespace CareLake.Dashboard.Operations;

/// <summary>One partition as the broker reports it: its leader and its start and end offsets (low and high watermarks).</summary>
/// <param name="StartOffset">The oldest offset still held (null when the broker did not answer for this partition).</param>
/// <param name="EndOffset">The high watermark: the offset the next produced message gets.</param>
public sealed record KafkaPartitionOffsets(string Topic, int Partition, int? Leader, long? StartOffset, long? EndOffset);

/// <summary>What the broker said, or why it said nothing.</summary>
/// <param name="Status"><c>reachable</c>, <c>unreachable</c> or <c>not_configured</c>.</param>
public sealed record KafkaSnapshot(string Status, string? BootstrapServers, int Brokers, string? Error, IReadOnlyList<KafkaPartitionOffsets> Partitions, DateTimeOffset ReadAt)
{
    public const string Reachable = "reachable";
    public const string Unreachable = "unreachable";
    public const string NotConfigured = "not_configured";
}

/// <summary>
/// Reads topics, partitions and watermark offsets from the Kafka cluster at the configured bootstrap servers — what
/// Kafdrop shows — with a short timeout, so a dead broker costs a request at most <see cref="Timeout"/> and is reported
/// as unreachable, never as an error. One client, made on first use and kept; answers are reused for 2 seconds.
/// </summary>
public sealed class KafkaBroker(string? bootstrapServers, TimeSpan? timeout = null) : IDisposable
{
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConsumer<Ignore, Ignore>? _consumer;
    private IAdminClient? _admin;
    private KafkaSnapshot? _last;

    /// <summary>
    /// Messages not yet committed by CareLake: end offset − committed position, or end − start offset when nothing is
    /// committed for the partition yet (the worker will read all it still holds); null when the end offset is unknown.
    /// </summary>
    public static long? Lag(KafkaPartitionOffsets? offsets, long? committed) =>
        offsets?.EndOffset is { } end ? committed is { } c ? end - c : offsets.StartOffset is { } start ? end - start : null : null;

    public TimeSpan Timeout { get; } = timeout ?? TimeSpan.FromSeconds(2);

    public string? BootstrapServers { get; } = string.IsNullOrWhiteSpace(bootstrapServers) ? null : bootstrapServers.Trim();

    /// <summary>The cluster's topics (internal ones left out), their partitions and offsets; never throws for a broker problem.</summary>
    public async Task<KafkaSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        if (BootstrapServers is null) return new KafkaSnapshot(KafkaSnapshot.NotConfigured, null, 0, "no Kafka bootstrap servers are configured (kafka_bootstrap / CARELAKE_KAFKA_BOOTSTRAP)", [], DateTimeOffset.UtcNow);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && DateTimeOffset.UtcNow - last.ReadAt < Reuse) return last;
            _last = await Task.Run(Read, CancellationToken.None);
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    private KafkaSnapshot Read()
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            EnsureClients();
            var metadata = _admin!.GetMetadata(Timeout);
            var partitions = new List<KafkaPartitionOffsets>();
            var deadline = started + Timeout * 2;
            foreach (var topic in metadata.Topics.Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal) && !t.Error.IsError).OrderBy(t => t.Topic, StringComparer.Ordinal))
            {
                foreach (var partition in topic.Partitions.OrderBy(p => p.PartitionId))
                {
                    long? low = null, high = null;
                    if (!partition.Error.IsError && DateTimeOffset.UtcNow < deadline)
                    {
                        try
                        {
                            var offsets = _consumer!.QueryWatermarkOffsets(new TopicPartition(topic.Topic, partition.PartitionId), Timeout);
                            low = offsets.Low.Value;
                            high = offsets.High.Value;
                        }
                        catch (KafkaException)
                        {
                            // This partition's leader did not answer: its offsets stay unknown, the others are still shown.
                        }
                    }

                    partitions.Add(new KafkaPartitionOffsets(topic.Topic, partition.PartitionId, partition.Leader >= 0 ? partition.Leader : null, low, high));
                }
            }

            return new KafkaSnapshot(KafkaSnapshot.Reachable, BootstrapServers, metadata.Brokers.Count, null, partitions, DateTimeOffset.UtcNow);
        }
        catch (KafkaException e)
        {
            return new KafkaSnapshot(KafkaSnapshot.Unreachable, BootstrapServers, 0, e.Error.Reason, [], DateTimeOffset.UtcNow);
        }
    }

    private void EnsureClients()
    {
        if (_consumer is not null) return;
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "carelake-operations", // never joined: the client only reads metadata and watermarks
            ClientId = "carelake-operations",
            EnableAutoCommit = false,
            SocketTimeoutMs = (int)Math.Max(1000, Timeout.TotalMilliseconds),
            ReconnectBackoffMaxMs = 2000,
        };
        _consumer = new ConsumerBuilder<Ignore, Ignore>(config)
            .SetErrorHandler((_, _) => { }) // an unreachable broker is reported in the answer, not logged every retry
            .SetLogHandler((_, _) => { })
            .Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
    }

    public void Dispose()
    {
        _admin?.Dispose();
        _consumer?.Dispose();
        _gate.Dispose();
    }
}
