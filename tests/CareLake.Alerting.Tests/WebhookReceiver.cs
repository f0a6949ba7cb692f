using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CareLake.Alerting.Tests;

/// <summary>
/// A webhook endpoint on a real loopback socket: answers each POST with <see cref="Status"/> and keeps the bodies of
/// the ones it accepted. <see cref="GoDown"/> closes the socket (connections are refused); <see cref="ComeBack"/>
/// listens again on the same port.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;
    private int _requests;

    public WebhookReceiver(int port = 0)
    {
        Start(port);
        Port = ((IPEndPoint)_listener!.LocalEndpoint).Port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>The status answered to each request; 200 unless a test sets another.</summary>
    public volatile int Status = 200;

    /// <summary>Every request that reached the socket, accepted or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The JSON bodies answered with a 2xx, in arrival order.</summary>
    public ConcurrentQueue<JsonObject> Accepted { get; } = new();

    public void GoDown()
    {
        _stop.Cancel();
        _listener?.Stop();
        _listener = null;
    }

    public void ComeBack()
    {
        _stop = new CancellationTokenSource();
        Start(Port);
    }

    private void Start(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        var token = _stop.Token;
        _accepting = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client, token), CancellationToken.None);
            }
        }, CancellationToken.None);
    }

    private async Task ServeAsync(TcpClient client, CancellationToken token)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var buffer = new List<byte>();
            var chunk = new byte[8192];
            while (!token.IsCancellationRequested)
            {
                int headerEnd;
                while ((headerEnd = IndexOfHeaderEnd(buffer)) < 0)
                {
                    var n = await stream.ReadAsync(chunk, token);
                    if (n == 0) return;
                    buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                }

                var headers = Encoding.ASCII.GetString(buffer.GetRange(0, headerEnd).ToArray());
                var length = headers.Split("\r\n").Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                while (buffer.Count < headerEnd + 4 + length)
                {
                    var n = await stream.ReadAsync(chunk, token);
                    if (n == 0) return;
                    buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                }

                var body = Encoding.UTF8.GetString(buffer.GetRange(headerEnd + 4, length).ToArray());
                buffer.RemoveRange(0, headerEnd + 4 + length);
                Interlocked.Increment(ref _requests);
                var status = Status;
                if (status is >= 200 and < 300) Accepted.Enqueue((JsonObject)JsonNode.Parse(body)!);
                var response = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok");
                await stream.WriteAsync(response, token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
        }
    }

    private static int IndexOfHeaderEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') return i;
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        GoDown();
        await _accepting;
        _stop.Dispose();
    }
}
