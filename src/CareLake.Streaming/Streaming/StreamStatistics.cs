using System.Collections.Concurrent;
using CareLake.Warehouse.Silver;

namespace CareLake.Streaming.Streaming;

/// <summary>Running totals of a stream worker, safe to read from another thread (progress display).</summary>
public sealed class StreamStatistics
{
    private long _messages;
    private long _bytes;
    private long _batches;
    private long _silverInserted;
    private long _alerts;
    private long _duplicates;
    private long _conflicts;
    private long _retries;
    private long _skippedAlreadyCommitted;
    private long _unsupported;
    private readonly ConcurrentDictionary<string, long> _quarantined = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _insertedByTable = new(StringComparer.Ordinal);

    public long Messages => Interlocked.Read(ref _messages);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Batches => Interlocked.Read(ref _batches);
    public long SilverInserted => Interlocked.Read(ref _silverInserted);
    public long Alerts => Interlocked.Read(ref _alerts);
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Batches dropped because another worker had advanced one of their partitions (rebalance fencing).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>Batch commits retried after a transient database error.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Messages delivered again by the source that bronze already held (skipped, not doubled).</summary>
    public long SkippedAlreadyCommitted => Interlocked.Read(ref _skippedAlreadyCommitted);

    /// <summary>Messages that map to no silver table on purpose (kept in bronze, listed in silver.unsupported_records).</summary>
    public long Unsupported => Interlocked.Read(ref _unsupported);

    /// <summary>Rows inserted per silver table.</summary>
    public IReadOnlyDictionary<string, long> InsertedByTable => _insertedByTable;

    public IReadOnlyDictionary<string, long> Quarantined => _quarantined;
    public long QuarantinedTotal => _quarantined.Values.Sum();

    public void AddBatch(int messages, long bytes, SilverOutcome silver)
    {
        ArgumentNullException.ThrowIfNull(silver);
        Interlocked.Add(ref _messages, messages);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _silverInserted, silver.Inserted);
        Interlocked.Add(ref _alerts, silver.Alerts);
        Interlocked.Add(ref _duplicates, silver.Duplicates);
        Interlocked.Add(ref _unsupported, silver.Unsupported);
        foreach (var (table, count) in silver.InsertedByTable) _insertedByTable.AddOrUpdate(table, count, (_, c) => c + count);
        foreach (var (reason, count) in silver.Quarantined) _quarantined.AddOrUpdate(reason, count, (_, c) => c + count);
    }

    public void AddConflict() => Interlocked.Increment(ref _conflicts);
    public void AddRetry() => Interlocked.Increment(ref _retries);
    public void AddSkipped(long count = 1) => Interlocked.Add(ref _skippedAlreadyCommitted, count);
}
