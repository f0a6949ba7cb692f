using System.Net.Sockets;
using System.Text;

namespace CareLake.Generator.Outputs.Mllp;

/// <summary>An HL7 acknowledgment: MSA-1 code, MSA-2 control id, MSA-3 text (and ERR text when present).</summary>
public sealed record MllpAck(string Code, string? ControlId, string? Text)
{
    /// <summary>AA (original mode) or CA (enhanced mode): the receiver took the message.</summary>
    public bool IsAccepted => Code is "AA" or "CA";
}

/// <summary>The receiver did not answer in time, or the connection failed; the run cannot know whether the message arrived.</summary>
public sealed class MllpException : Exception
{
    public MllpException(string message) : base(message) { }
    public MllpException(string message, Exception inner) : base(message, inner) { }
    public MllpException() { }
}

public sealed record MllpClientOptions
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for each ACK. Default 30 s.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Sends HL7 v2 messages over MLLP (0x0B message 0x1C 0x0D, clinical.md §8.3) and waits for each ACK before the
/// next message, so the receiver's order and acknowledgment semantics hold.
/// </summary>
public sealed class MllpClient(string host, int port, MllpClientOptions? options = null) : IDisposable
{
    private const byte StartBlock = 0x0B;
    private const byte EndBlock = 0x1C;
    private const byte CarriageReturn = 0x0D;
    private readonly MllpClientOptions _options = options ?? new MllpClientOptions();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private TcpClient? _client;
    private NetworkStream? _stream;

    public string Endpoint => $"{host}:{port}";

    public MllpAck Send(string message, string controlId)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stream = Connect();
        var payload = Encoding.UTF8.GetBytes(message);
        var frame = new byte[payload.Length + 3];
        frame[0] = StartBlock;
        payload.CopyTo(frame, 1);
        frame[^2] = EndBlock;
        frame[^1] = CarriageReturn;
        try
        {
            stream.Write(frame);
            return ParseAck(ReadFrame(stream, controlId));
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
        {
            Disconnect();
            throw new MllpException($"no ACK from {Endpoint} for message {controlId} within {_options.AckTimeout.TotalSeconds:0} s", e);
        }
        catch (IOException e)
        {
            Disconnect();
            throw new MllpException($"the connection to {Endpoint} failed while sending message {controlId}: {e.Message}", e);
        }
    }

    public void Dispose() => Disconnect();

    /// <summary>Reads MSA (and ERR) from an ACK message, with the delimiters it declares.</summary>
    public static MllpAck ParseAck(string ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        var segments = ack.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || !segments[0].StartsWith("MSH", StringComparison.Ordinal) || segments[0].Length < 4)
        {
            return new MllpAck("??", null, "the reply is not an HL7 message: " + Excerpt(ack));
        }

        var separator = segments[0][3];
        var msa = segments.FirstOrDefault(s => s.StartsWith("MSA" + separator, StringComparison.Ordinal));
        if (msa is null) return new MllpAck("??", null, "the reply has no MSA segment: " + Excerpt(ack));
        var fields = msa.Split(separator);
        var text = fields.Length > 3 && fields[3].Length > 0 ? fields[3] : null;
        var err = segments.FirstOrDefault(s => s.StartsWith("ERR" + separator, StringComparison.Ordinal));
        if (text is null && err is not null) text = err;
        return new MllpAck(fields.Length > 1 ? fields[1] : "??", fields.Length > 2 ? fields[2] : null, text);
    }

    private NetworkStream Connect()
    {
        if (_stream is not null) return _stream;
        var client = new TcpClient { NoDelay = true };
        try
        {
            if (!client.ConnectAsync(host, port).Wait(_options.ConnectTimeout))
            {
                throw new MllpException($"could not connect to {Endpoint} within {_options.ConnectTimeout.TotalSeconds:0} s");
            }
        }
        catch (AggregateException e) when (e.InnerException is SocketException socket)
        {
            client.Dispose();
            throw new MllpException($"could not connect to {Endpoint}: {socket.Message}. Is an MLLP listener running there?", socket);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        _client = client;
        _stream = client.GetStream();
        _stream.ReadTimeout = (int)_options.AckTimeout.TotalMilliseconds;
        return _stream;
    }

    private string ReadFrame(NetworkStream stream, string controlId)
    {
        using var frame = new MemoryStream();
        var started = false;
        var previous = (byte)0;
        while (true)
        {
            var read = stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                Disconnect();
                throw new MllpException($"{Endpoint} closed the connection before acknowledging message {controlId}");
            }

            for (var i = 0; i < read; i++)
            {
                var b = _buffer[i];
                if (!started)
                {
                    started = b == StartBlock;
                    continue;
                }

                if (previous == EndBlock && b == CarriageReturn)
                {
                    return Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length - 1);
                }

                frame.WriteByte(b);
                previous = b;
            }
        }
    }

    private void Disconnect()
    {
        _stream?.Dispose();
        _client?.Dispose();
        _stream = null;
        _client = null;
    }

    private static string Excerpt(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
