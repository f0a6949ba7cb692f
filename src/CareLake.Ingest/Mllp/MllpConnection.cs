using System.Collections.Concurrent;

namespace CareLake.Ingest.Mllp;

/// <summary>One MLLP connection as the listener sees it: counted in memory per message, read by whoever reports it.</summary>
public sealed class MllpConnection
{
    private long _messages;
    private long _lastMessageTicks;
    private long _closedTicks;

    internal MllpConnection(string remoteEndPoint, DateTimeOffset openedAt)
    {
        RemoteEndPoint = remoteEndPoint;
        OpenedAt = openedAt;
    }

    /// <summary>Unique across processes and restarts (a version 7 UUID).</summary>
    public Guid Id { get; } = Guid.CreateVersion7();

    public string RemoteEndPoint { get; }
    public DateTimeOffset OpenedAt { get; }

    /// <summary>Messages received on this connection.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public DateTimeOffset? LastMessageAt => Interlocked.Read(ref _lastMessageTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public DateTimeOffset? ClosedAt => Interlocked.Read(ref _closedTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    internal void CountMessage(DateTimeOffset at)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Exchange(ref _lastMessageTicks, at.UtcTicks);
    }

    internal void Close(DateTimeOffset at) => Interlocked.Exchange(ref _closedTicks, at.UtcTicks);
}

/// <summary>The listener's open connections, and those closed since a reporter last took them.</summary>
internal sealed class MllpConnectionRegistry
{
    /// <summary>Closed connections kept for a reporter that is slow or absent; older ones are dropped.</summary>
    private const int MaxClosedKept = 10_000;

    private readonly ConcurrentDictionary<Guid, MllpConnection> _open = new();
    private readonly ConcurrentQueue<MllpConnection> _closed = new();

    public IReadOnlyCollection<MllpConnection> Open => [.. _open.Values];

    public MllpConnection Opened(string remoteEndPoint, DateTimeOffset at)
    {
        var connection = new MllpConnection(remoteEndPoint, at);
        _open[connection.Id] = connection;
        return connection;
    }

    public void Closed(MllpConnection connection, DateTimeOffset at)
    {
        connection.Close(at);
        _open.TryRemove(connection.Id, out _);
        _closed.Enqueue(connection);
        while (_closed.Count > MaxClosedKept && _closed.TryDequeue(out _))
        {
        }
    }

    public List<MllpConnection> TakeClosed()
    {
        var taken = new List<MllpConnection>();
        while (_closed.TryDequeue(out var c)) taken.Add(c);
        return taken;
    }
}
