using CareLake.Ingest.Bronze;
using CareLake.Ingest.Positions;

namespace CareLake.Streaming.Streaming;

/// <summary>An open micro-batch: messages in arrival order and, per partition, the position range they cover.</summary>
internal sealed class MicroBatch
{
    private readonly Dictionary<(string Stream, int Partition), (long? Expected, long Next)> _ranges = new();
    private readonly List<RawMessage> _messages = [];

    public int Count => _messages.Count;
    public long Bytes { get; private set; }
    public bool IsEmpty => _messages.Count == 0;
    public long OpenedAtTicks { get; private set; }

    /// <summary>Where the partition's next message must start, given what this batch already holds.</summary>
    public bool TryGetNext(string stream, int partition, out long next)
    {
        var found = _ranges.TryGetValue((stream, partition), out var range);
        next = range.Next;
        return found;
    }

    /// <param name="expected">The stored position the partition starts from (null when none is stored yet).</param>
    public void Add(RawMessage message, long? expected, long nowTicks)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_messages.Count == 0) OpenedAtTicks = nowTicks;
        var key = (message.Stream, message.Partition);
        var start = _ranges.TryGetValue(key, out var range) ? range.Expected : expected;
        _ranges[key] = (start, message.Position + 1);
        _messages.Add(message);
        Bytes += message.Payload.Length;
    }

    public (IReadOnlyList<RawMessage> Messages, IReadOnlyCollection<PositionAdvance> Advances) Take()
    {
        var advances = _ranges.Select(kv => new PositionAdvance(kv.Key.Stream, kv.Key.Partition, kv.Value.Expected, kv.Value.Next)).ToList();
        var messages = _messages.ToList();
        Clear();
        return (messages, advances);
    }

    public void Clear()
    {
        _messages.Clear();
        _ranges.Clear();
        Bytes = 0;
    }
}
