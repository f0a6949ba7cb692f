using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace CareLake.Ingest.Mllp;

/// <summary>Settings of an MLLP listener.</summary>
/// <param name="MaxMessageBytes">Largest message accepted; a larger frame closes the connection. Default 1 MiB.</param>
/// <param name="IdleTimeout">A connection silent for this long is closed. Default 5 minutes.</param>
/// <param name="MaxConnections">Connections served at once; more wait to be accepted. Default 256.</param>
public sealed record MllpListenerSettings(IPEndPoint EndPoint, int MaxMessageBytes = 1 << 20, TimeSpan? IdleTimeout = null, int MaxConnections = 256);

/// <summary>
/// Answers one framed message: the bytes between the start and end blocks. Returns the reply to frame and send back
/// (the ACK), or null to close the connection without one (the sender will send again).
/// </summary>
public delegate Task<byte[]?> MllpMessageHandler(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

/// <summary>
/// An MLLP server (HL7 v2 Minimal Lower Layer Protocol: <c>0x0B message 0x1C 0x0D</c>): many concurrent connections, each
/// sending a message and waiting for its reply before the next, as interface engines do. A connection that breaks the
/// framing (bytes before a start block, a frame over the size limit, a peer gone mid-message, silence beyond the idle
/// timeout) is closed; nothing on one connection stops the listener or the others.
/// </summary>
/// <remarks>Each connection's remote end, message count and times are kept in memory (<see cref="Connections"/>,
/// <see cref="TakeClosedConnections"/>) for a reporter to publish; nothing is written per message.</remarks>
public sealed class MllpListener(MllpListenerSettings settings, MllpMessageHandler handler, Action<string>? log = null, TimeProvider? time = null)
{
    public const byte StartBlock = 0x0B;
    public const byte EndBlock = 0x1C;
    public const byte CarriageReturn = 0x0D;

    private readonly Action<string> _log = log ?? (_ => { });
    private readonly SemaphoreSlim _slots = new(settings.MaxConnections, settings.MaxConnections);
    private readonly MllpConnectionRegistry _connections = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private TcpListener? _listener;
    private int _open;
    private long _messages;
    private long _closedForFraming;

    /// <summary>The address it listens on (with the port the system chose when port 0 was asked for).</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndpoint as IPEndPoint;

    public int OpenConnections => Volatile.Read(ref _open);
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>The connections open now.</summary>
    public IReadOnlyCollection<MllpConnection> Connections => _connections.Open;

    /// <summary>The connections closed since the last call (at most the latest 10,000), each once.</summary>
    public IReadOnlyList<MllpConnection> TakeClosedConnections() => _connections.TakeClosed();

    /// <summary>Connections closed because they broke the framing or the size limit.</summary>
    public long ClosedForFraming => Interlocked.Read(ref _closedForFraming);

    /// <summary>Starts listening; <see cref="RunAsync"/> then serves connections.</summary>
    public void Start()
    {
        _listener = new TcpListener(settings.EndPoint);
        _listener.Start(backlog: 512);
        _log($"MLLP listening on {LocalEndPoint}");
    }

    /// <summary>Accepts and serves connections until cancelled, then waits for the messages in hand to be answered.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_listener is null) Start();
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _slots.WaitAsync(cancellationToken);
                TcpClient client;
                try
                {
                    client = await _listener!.AcceptTcpClientAsync(cancellationToken);
                }
                catch
                {
                    _slots.Release();
                    throw;
                }

                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(Task.Run(() => ServeAsync(client, cancellationToken), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _listener!.Stop();
            await Task.WhenAll(connections);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _open);
        var peer = client.Client.RemoteEndPoint?.ToString() ?? "?";
        var connection = _connections.Opened(peer, _time.GetUtcNow());
        try
        {
            using (client)
            await using (var stream = client.GetStream())
            {
                var reader = new FrameReader(stream, settings.MaxMessageBytes, settings.IdleTimeout ?? TimeSpan.FromMinutes(5));
                while (!cancellationToken.IsCancellationRequested)
                {
                    var frame = await reader.ReadAsync(cancellationToken);
                    if (frame.Problem is { } problem)
                    {
                        if (problem != FrameProblem.Closed)
                        {
                            Interlocked.Increment(ref _closedForFraming);
                            _log($"MLLP {peer}: closing the connection ({Describe(problem)})");
                        }

                        return;
                    }

                    Interlocked.Increment(ref _messages);
                    connection.CountMessage(_time.GetUtcNow());
                    // The message in hand is answered even when a stop was requested meanwhile: its commit decides the reply.
                    var reply = await handler(frame.Message, CancellationToken.None);
                    if (reply is null) return;
                    await WriteFrameAsync(stream, reply, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away or the listener is stopping: nothing was acknowledged that was not committed.
        }
        finally
        {
            _connections.Closed(connection, _time.GetUtcNow());
            Interlocked.Decrement(ref _open);
            _slots.Release();
        }
    }

    /// <summary>Frames and sends a message: start block, the bytes, end block, carriage return.</summary>
    public static async Task WriteFrameAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var frame = new byte[message.Length + 3];
        frame[0] = StartBlock;
        message.Span.CopyTo(frame.AsSpan(1));
        frame[^2] = EndBlock;
        frame[^1] = CarriageReturn;
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private string Describe(FrameProblem problem) => problem switch
    {
        FrameProblem.NoStartBlock => "bytes outside a frame: no start block 0x0B",
        FrameProblem.TooLarge => $"a message over {settings.MaxMessageBytes:N0} bytes",
        FrameProblem.Truncated => "the peer closed the connection in the middle of a message",
        FrameProblem.Idle => "idle timeout",
        _ => problem.ToString(),
    };
}

/// <summary>Why a connection stopped yielding frames.</summary>
public enum FrameProblem
{
    /// <summary>The peer closed the connection between messages: the normal end.</summary>
    Closed,
    NoStartBlock,
    TooLarge,
    Truncated,
    Idle,
}

/// <summary>Reads MLLP frames from a stream; a message is the bytes between the start block and the end block + CR.</summary>
public sealed class FrameReader(Stream stream, int maxMessageBytes, TimeSpan idleTimeout)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async Task<(ReadOnlyMemory<byte> Message, FrameProblem? Problem)> ReadAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        var inFrame = false;
        while (true)
        {
            while (_start < _end)
            {
                var span = _buffer.AsSpan(_start, _end - _start);
                if (!inFrame)
                {
                    // Line ends between frames are tolerated; anything else outside a frame is not MLLP.
                    var skip = 0;
                    while (skip < span.Length && span[skip] is (byte)'\r' or (byte)'\n') skip++;
                    _start += skip;
                    span = span[skip..];
                    if (span.IsEmpty) break;
                    if (span[0] != MllpListener.StartBlock) return (default, FrameProblem.NoStartBlock);
                    inFrame = true;
                    _start++;
                    continue;
                }

                var end = span.IndexOf(MllpListener.EndBlock);
                var take = end < 0 ? span.Length : end;
                if (message.WrittenCount + take > maxMessageBytes) return (default, FrameProblem.TooLarge);
                message.Write(span[..take]);
                _start += take;
                if (end < 0) break;
                // The end block must be followed by a carriage return; wait for it if it has not arrived yet.
                while (_end - _start < 2)
                {
                    if (!await FillAsync(cancellationToken)) return (default, TimedOut ? FrameProblem.Idle : FrameProblem.Truncated);
                }

                if (_buffer[_start + 1] != MllpListener.CarriageReturn)
                {
                    // 0x1C not followed by CR is part of the payload (lenient reading).
                    message.Write(_buffer.AsSpan(_start, 1));
                    _start++;
                    continue;
                }

                _start += 2;
                return (message.WrittenMemory, null);
            }

            if (!await FillAsync(cancellationToken))
            {
                return (default, TimedOut ? FrameProblem.Idle : inFrame || message.WrittenCount > 0 ? FrameProblem.Truncated : FrameProblem.Closed);
            }
        }
    }

    /// <returns>False when the peer closed the connection, or stayed silent past the idle timeout (then <see cref="TimedOut"/>).</returns>
    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        try
        {
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), idle.Token);
            _end += read;
            return read > 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            TimedOut = true;
            return false;
        }
    }

    /// <summary>True once the connection was silent for longer than the idle timeout.</summary>
    public bool TimedOut { get; private set; }
}
