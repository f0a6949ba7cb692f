using System.Collections.Concurrent;
using System.Diagnostics;
using CareLake.Core.Hashing;
using CareLake.Ingest.Bronze;
using CareLake.Ingest.Positions;
using Confluent.Kafka;
using Npgsql;

namespace CareLake.Streaming.Streaming;

/// <summary>Settings of one Kafka stream worker.</summary>
/// <param name="CommitLanes">Micro-batches committed in parallel, each lane on its own connection and owning a share of the partitions.</param>
/// <param name="UntilIdle">Stop cleanly once nothing new has arrived for this long and the broker confirms nothing is left to read; null runs until cancelled.</param>
/// <param name="SessionTimeout">How long the group waits for a silent worker before moving its partitions.</param>
public sealed record KafkaWorkerSettings(
    string BootstrapServers,
    string GroupId,
    IReadOnlyList<string> Topics,
    string WorkerId,
    int BatchMaxMessages = 20_000,
    long BatchMaxBytes = 32L << 20,
    TimeSpan? BatchMaxDelay = null,
    TimeSpan? UntilIdle = null,
    TimeSpan? SessionTimeout = null,
    int CommitLanes = 2);

/// <summary>
/// One member of the Kafka consumer group: consumes its partitions into micro-batches and commits each
/// through <see cref="BatchCommitter"/>. Source positions live in PostgreSQL, not in Kafka: on every
/// assignment the worker seeks to the stored position, and a batch commits only if its partitions'
/// positions are still where this worker read them, so a rebalance or a crash neither loses nor doubles
/// a message. Partitions are spread over parallel commit lanes (a partition always uses the same lane,
/// so its batches commit in order). Offsets are also stored back to Kafka after each commit, for lag
/// monitoring only.
/// </summary>
public sealed class KafkaStreamWorker(KafkaWorkerSettings settings, PipelineContext pipeline)
{
    public const string SourceName = "kafka";

    private readonly Dictionary<TopicPartition, long?> _owned = [];
    private readonly ConcurrentQueue<TopicPartitionOffset> _durable = new();
    private readonly Dictionary<string, long> _lastLogged = new(StringComparer.Ordinal);
    private readonly Action<string> _log = pipeline.Log;
    private readonly TimeSpan _session = settings.SessionTimeout ?? TimeSpan.FromSeconds(10);
    private (MicroBatch Batch, CommitPipeline Pipeline)[] _lanes = [];
    private long _lastActivity;
    private long _started;
    private volatile bool _everAssigned;

    /// <summary>How long a stopping worker may take to commit what it read before it gives up on it.</summary>
    public static TimeSpan GracefulStopTimeout { get; } = TimeSpan.FromSeconds(30);

    public StreamStatistics Statistics { get; } = new();

    /// <summary>The partitions this worker owns right now.</summary>
    public IReadOnlyCollection<TopicPartition> Assignment { get { lock (_owned) return _owned.Keys.ToList(); } }

    /// <param name="cancellationToken">Stops reading; what was read is still committed (for up to <see cref="GracefulStopTimeout"/>).</param>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Commit lanes outlive the stop request so that a graceful stop commits what was read, and gold is drained after it.
        using var hardStop = new CancellationTokenSource();
        using var escalate = cancellationToken.Register(() => hardStop.CancelAfter(GracefulStopTimeout));
        await pipeline.CreateGoldRefresher().RunAlongsideAsync(
            () => Task.Factory.StartNew(() => Consume(cancellationToken, hardStop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            cancellationToken, drainToken: CancellationToken.None);
    }

    private void Consume(CancellationToken cancellationToken, CancellationToken hardStop)
    {
        var maxDelay = settings.BatchMaxDelay ?? TimeSpan.FromMilliseconds(200);
        var config = new ConsumerConfig
        {
            BootstrapServers = settings.BootstrapServers,
            GroupId = settings.GroupId,
            ClientId = settings.WorkerId,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = (int)_session.TotalMilliseconds,
            HeartbeatIntervalMs = (int)_session.TotalMilliseconds / 4,
            FetchWaitMaxMs = 10,
            // After a broker outage, reconnect within a second or two of its return rather than librdkafka's 10 s.
            ReconnectBackoffMaxMs = 2000,
            QueuedMaxMessagesKbytes = 256 * 1024,
            // Bronze keeps oversized messages too (silver quarantines them), so the consumer must be able to fetch them.
            MaxPartitionFetchBytes = 16 << 20,
            FetchMaxBytes = 64 << 20,
        };

        _lanes = Enumerable.Range(0, Math.Max(1, settings.CommitLanes))
            .Select(_ => (new MicroBatch(), new CommitPipeline(pipeline.CreateCommitter(settings.WorkerId), Statistics, capacity: 2, committed: OnCommitted, cancellationToken: hardStop)))
            .ToArray();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetPartitionsAssignedHandler((c, partitions) => OnAssigned(partitions, cancellationToken))
            .SetPartitionsRevokedHandler((c, partitions) => OnRevoked(c, partitions.Select(p => p.TopicPartition), cancellationToken))
            .SetPartitionsLostHandler((c, partitions) => OnRevoked(c, partitions.Select(p => p.TopicPartition), cancellationToken))
            .SetErrorHandler((_, e) => LogThrottled($"kafka: {e.Reason}"))
            .SetLogHandler((_, m) => { if (m.Level <= SyslogLevel.Warning) LogThrottled($"librdkafka {m.Facility}: {m.Message}"); })
            .Build();

        try
        {
            consumer.Subscribe(settings.Topics);
            _started = Stopwatch.GetTimestamp();
            Touch();
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var open in _lanes) open.Pipeline.ThrowIfFailed();
                if (_lanes.Any(l => l.Pipeline.Conflicted)) Reset(consumer, cancellationToken);
                StoreDurableOffsets(consumer);

                var anyOpen = _lanes.Any(l => !l.Batch.IsEmpty);
                var result = consumer.Consume(anyOpen ? TimeSpan.Zero : TimeSpan.FromMilliseconds(100));
                if (result is null)
                {
                    // Nothing more is ready: close what is open rather than wait, so light load sees low latency.
                    if (anyOpen) FlushAll(cancellationToken);
                    else if (IsIdle(consumer)) break;
                    continue;
                }

                if (result.IsPartitionEOF) continue;
                Touch();
                if (Accept(result) is { } l && (l.Batch.Count >= settings.BatchMaxMessages || l.Batch.Bytes >= settings.BatchMaxBytes ||
                    Stopwatch.GetElapsedTime(l.Batch.OpenedAtTicks) >= maxDelay))
                {
                    Flush(l, cancellationToken);
                }
            }

            FlushAll(hardStop);
            DrainAll(hardStop);
            StoreDurableOffsets(consumer);
            consumer.Close();
        }
        finally
        {
            foreach (var lane in _lanes) lane.Pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private (MicroBatch Batch, CommitPipeline Pipeline)? Accept(ConsumeResult<byte[], byte[]> result)
    {
        var tp = result.TopicPartition;
        long? expected;
        lock (_owned)
        {
            if (!_owned.TryGetValue(tp, out expected)) return null; // not ours (any more)
        }

        var lane = _lanes[LaneOf(tp)];
        var offset = result.Offset.Value;
        var next = lane.Batch.TryGetNext(tp.Topic, tp.Partition.Value, out var inBatch) ? inBatch : expected;
        if (next is { } n && offset < n)
        {
            Statistics.AddSkipped(); // already in bronze: delivered again after a seek or rebalance
            return null;
        }

        var message = result.Message;
        string[]? headerKeys = null;
        byte[]?[]? headerValues = null;
        if (message.Headers is { Count: > 0 } headers)
        {
            headerKeys = new string[headers.Count];
            headerValues = new byte[]?[headers.Count];
            for (var i = 0; i < headers.Count; i++)
            {
                headerKeys[i] = headers[i].Key;
                headerValues[i] = headers[i].GetValueBytes();
            }
        }

        DateTimeOffset? timestamp = message.Timestamp.Type == TimestampType.NotAvailable ? null : new DateTimeOffset(message.Timestamp.UtcDateTime, TimeSpan.Zero);
        lane.Batch.Add(new RawMessage(SourceName, tp.Topic, tp.Partition.Value, offset, message.Key, headerKeys, headerValues,
            message.Value ?? [], timestamp, pipeline.Time.GetUtcNow()), expected, Stopwatch.GetTimestamp());
        return lane;
    }

    private int LaneOf(TopicPartition tp) => (int)(unchecked(StableHash.Of(tp.Topic) + (uint)tp.Partition.Value) % (uint)_lanes.Length);

    private void FlushAll(CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes) Flush(lane, cancellationToken);
    }

    private void DrainAll(CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes) lane.Pipeline.DrainAsync(cancellationToken).GetAwaiter().GetResult();
    }

    private void Flush((MicroBatch Batch, CommitPipeline Pipeline) lane, CancellationToken cancellationToken)
    {
        if (lane.Batch.IsEmpty) return;
        var (messages, advances) = lane.Batch.Take();
        lane.Pipeline.SubmitAsync(new RawBatch(SourceName, messages, advances), cancellationToken).AsTask().GetAwaiter().GetResult();
        lock (_owned)
        {
            foreach (var a in advances)
            {
                var tp = new TopicPartition(a.Stream, a.Partition);
                if (_owned.ContainsKey(tp)) _owned[tp] = a.Next;
            }
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var stored = ReadPositions(partitions, cancellationToken);
        lock (_owned)
        {
            foreach (var tp in partitions) _owned[tp] = stored.TryGetValue((tp.Topic, tp.Partition.Value), out var p) ? p : null;
        }

        _log($"assigned {partitions.Count} partition(s): {Describe(partitions)}");
        _everAssigned = true;
        Touch();
        return partitions.Select(tp => new TopicPartitionOffset(tp,
            stored.TryGetValue((tp.Topic, tp.Partition.Value), out var p) ? new Offset(p) : Offset.Beginning));
    }

    private void OnRevoked(IConsumer<byte[], byte[]> consumer, IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var list = partitions.ToList();
        // Commit what was read from these partitions before another worker starts on them.
        try
        {
            FlushAll(cancellationToken);
            DrainAll(cancellationToken);
            StoreDurableOffsets(consumer);
        }
        catch (OperationCanceledException)
        {
            foreach (var lane in _lanes) lane.Batch.Clear();
        }

        lock (_owned)
        {
            foreach (var tp in list) _owned.Remove(tp);
        }

        _log($"revoked {list.Count} partition(s)");
        Touch();
    }

    // After a refused batch: drop what is queued, re-read the stored positions and seek to them.
    private void Reset(IConsumer<byte[], byte[]> consumer, CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes)
        {
            lane.Batch.Clear();
            lane.Pipeline.StartNewGenerationAsync(cancellationToken).GetAwaiter().GetResult();
        }

        List<TopicPartition> owned;
        lock (_owned) owned = _owned.Keys.ToList();
        var stored = ReadPositions(owned, cancellationToken);
        foreach (var tp in owned)
        {
            long? position = stored.TryGetValue((tp.Topic, tp.Partition.Value), out var p) ? p : null;
            lock (_owned) _owned[tp] = position;
            try
            {
                consumer.Seek(new TopicPartitionOffset(tp, position is { } at ? new Offset(at) : Offset.Beginning));
            }
            catch (KafkaException e)
            {
                _log($"seek {tp} failed ({e.Error.Reason}); messages before the stored position will be skipped as they arrive");
            }
        }

        _log($"another worker advanced a partition first; re-read {owned.Count} stored position(s) and continued from there");
    }

    private Dictionary<(string Stream, int Partition), long> ReadPositions(IReadOnlyCollection<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return SourcePositions.ReadAsync(pipeline.DataSource, SourceName, partitions.Select(tp => (tp.Topic, tp.Partition.Value)), cancellationToken)
                    .GetAwaiter().GetResult();
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(attempt, 9))));
                _log($"cannot read source positions ({e.Message}); retrying in {delay.TotalSeconds:0.#} s");
                Thread.Sleep(delay);
            }
        }
    }

    private void OnCommitted(RawBatch batch)
    {
        foreach (var a in batch.Advances) _durable.Enqueue(new TopicPartitionOffset(a.Stream, a.Partition, a.Next));
    }

    // Kafka's committed offsets only mirror PostgreSQL's positions, so that lag tools see progress.
    private void StoreDurableOffsets(IConsumer<byte[], byte[]> consumer)
    {
        while (_durable.TryDequeue(out var offset))
        {
            lock (_owned)
            {
                if (!_owned.ContainsKey(offset.TopicPartition)) continue;
            }

            try
            {
                consumer.StoreOffset(offset);
            }
            catch (KafkaException)
            {
                // The partition moved in the meantime; its new owner stores its own offsets.
            }
        }
    }

    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(5);
    private string? _unreadAtLastCheck;

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());

    // Idle time counts once the group has given this worker its share (joining can take a session
    // timeout when a crashed member is still registered); a group that never forms gives up later.
    private bool IsIdle(IConsumer<byte[], byte[]> consumer)
    {
        if (settings.UntilIdle is not { } idle || _lanes.Any(l => l.Pipeline.Pending > 0)) return false;
        if (!_everAssigned) return Stopwatch.GetElapsedTime(_started) >= idle + _session + _session + TimeSpan.FromSeconds(10);
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastActivity)) < idle) return false;
        // Quiet for long enough; idle only when the broker confirms nothing is left to read. A broker that cannot be
        // reached, or that holds messages this worker has not read yet (still reconnecting after an outage), is not
        // idleness: the quiet time starts again. What stays unread through a second quiet period with no progress at
        // all (e.g. a transaction marker at a partition's end, which no consumer ever receives) does not hold it.
        var unread = Unread(consumer);
        var stalled = unread is not null && unread == _unreadAtLastCheck;
        _unreadAtLastCheck = unread;
        if (unread is "" || stalled) return true;
        Touch();
        return false;
    }

    /// <summary>Per owned partition with something left to read, its end and how far this worker got; null when the broker does not answer.</summary>
    private string? Unread(IConsumer<byte[], byte[]> consumer)
    {
        List<KeyValuePair<TopicPartition, long?>> owned;
        lock (_owned) owned = [.. _owned];
        try
        {
            var unread = new List<string>();
            foreach (var (partition, next) in owned)
            {
                var offsets = consumer.QueryWatermarkOffsets(partition, WatermarkTimeout);
                var position = consumer.Position(partition);
                var reached = Math.Max(next ?? offsets.Low.Value, position == Offset.Unset ? 0 : position.Value);
                if (reached < offsets.High.Value) unread.Add($"{partition}:{reached}/{offsets.High.Value}");
            }

            return string.Join(",", unread);
        }
        catch (KafkaException e)
        {
            LogThrottled($"kafka: cannot confirm the end of the partitions ({e.Error.Reason}); not idle yet");
            return null;
        }
    }

    private void LogThrottled(string message)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_lastLogged)
        {
            if (_lastLogged.TryGetValue(message, out var last) && Stopwatch.GetElapsedTime(last, now) < TimeSpan.FromMinutes(1)) return;
            _lastLogged[message] = now;
        }

        _log(message);
    }

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.GroupBy(p => p.Topic).Select(g => $"{g.Key}[{Ranges(g.Select(p => p.Partition.Value))}]"));

    // 0,1,2,3,7 → "0-3,7"
    private static string Ranges(IEnumerable<int> values)
    {
        var parts = new List<string>();
        int? start = null, previous = null;
        foreach (var v in values.Order())
        {
            if (previous is { } p && v == p + 1)
            {
                previous = v;
                continue;
            }

            if (start is { } s) parts.Add(s == previous ? $"{s}" : $"{s}-{previous}");
            start = previous = v;
        }

        if (start is { } last) parts.Add(last == previous ? $"{last}" : $"{last}-{previous}");
        return string.Join(",", parts);
    }
}
