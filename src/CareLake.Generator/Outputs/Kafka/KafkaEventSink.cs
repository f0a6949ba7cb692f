using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CareLake.Generator.Outputs.Kafka;

/// <summary>Producer settings of <see cref="KafkaEventSink"/>.</summary>
public sealed record KafkaSinkOptions
{
    /// <summary>Messages librdkafka may buffer before <c>Local: Queue full</c>; the sink then polls and retries. Default 1,000,000.</summary>
    public int QueueBufferingMaxMessages { get; init; } = 1_000_000;

    /// <summary>How long to gather a batch, in milliseconds. Default 10.</summary>
    public double LingerMs { get; init; } = 10;

    /// <summary>Longest wait for outstanding deliveries when completing. Default 5 minutes.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>When set, create missing topics with this many partitions first (the broker's default otherwise).</summary>
    public int? CreateTopicsWithPartitions { get; init; }

    public CompressionType Compression { get; init; } = CompressionType.None;
}

/// <summary>A message the broker did not accept.</summary>
public sealed class KafkaDeliveryException(string message) : Exception(message)
{
    public KafkaDeliveryException() : this("Kafka delivery failed") { }

    public KafkaDeliveryException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>
/// Publishes the contract stream to Kafka, one topic per contract topic, keyed by patient id so each patient's
/// events stay ordered on one partition. The producer is idempotent (no duplicates from retries; the dirty-data
/// duplicates are separate messages on purpose).
/// </summary>
public sealed class KafkaEventSink : IContractEventSink
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly KafkaSinkOptions _options;
    private readonly Action<DeliveryReport<string, byte[]>> _onDelivery;
    private readonly string _bootstrapServers;
    private long _delivered;
    private long _failed;
    private string? _firstError;

    public KafkaEventSink(string bootstrapServers, KafkaSinkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        _bootstrapServers = bootstrapServers;
        _options = options ?? new KafkaSinkOptions();
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "carelake-generator",
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = _options.LingerMs,
            BatchNumMessages = 10_000,
            QueueBufferingMaxMessages = _options.QueueBufferingMaxMessages,
            QueueBufferingMaxKbytes = 1_048_576,
            CompressionType = _options.Compression,
        };
        _producer = new ProducerBuilder<string, byte[]>(config).Build();
        _onDelivery = OnDelivery;
        if (_options.CreateTopicsWithPartitions is { } partitions) CreateTopics(bootstrapServers, partitions);
    }

    public string Description => "kafka:" + _bootstrapServers;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public void Write(GeneratedEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var kafkaMessage = new Message<string, byte[]> { Key = message.Key, Value = message.Payload };
        while (true)
        {
            try
            {
                _producer.Produce(message.Topic, kafkaMessage, _onDelivery);
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // librdkafka's queue is full: serve delivery reports until there is room.
                _producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    public void Complete()
    {
        var deadline = DateTime.UtcNow + _options.FlushTimeout;
        while (_producer.Flush(TimeSpan.FromSeconds(1)) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new KafkaDeliveryException($"{_producer.Flush(TimeSpan.Zero)} messages were still undelivered to {_bootstrapServers} after {_options.FlushTimeout.TotalSeconds:0} s; is the broker reachable?");
            }
        }

        if (Failed > 0)
        {
            throw new KafkaDeliveryException($"{Failed:N0} of {Delivered + Failed:N0} messages could not be delivered to {_bootstrapServers}; first error: {_firstError}");
        }
    }

    public void Dispose() => _producer.Dispose();

    /// <summary>Creates the topics the generator writes, with the given partition count, unless they exist.</summary>
    public static void CreateTopics(string bootstrapServers, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var specs = Core.Contracts.Topics.Inbound.Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = 1 }).ToList();
        try
        {
            admin.CreateTopicsAsync(specs).GetAwaiter().GetResult();
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Existing topics are fine.
        }
        catch (KafkaException e)
        {
            throw new KafkaDeliveryException($"could not create the topics on {bootstrapServers}: {e.Error.Reason}. Create them beforehand, or leave out the partition count " +
                                             "so the broker creates them on first use (librdkafka's mock cluster cannot create topics through the admin API)");
        }
    }

    private void OnDelivery(DeliveryReport<string, byte[]> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstError, $"{report.Error.Code}: {report.Error.Reason} (topic {report.Topic})", null);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }
}
