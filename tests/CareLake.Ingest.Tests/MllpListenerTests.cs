using System.Net;
using System.Net.Sockets;
using System.Text;
using CareLake.Ingest.Mllp;

namespace CareLake.Ingest.Tests;

/// <summary>The MLLP listener over real sockets: framing, limits, and connections that misbehave.</summary>
public sealed class MllpListenerTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private MllpListener _listener = null!;
    private Task _running = Task.CompletedTask;

    public Task InitializeAsync()
    {
        // The handler answers "ACK:" + the message, so a test sees exactly what the listener framed out.
        _listener = new MllpListener(new MllpListenerSettings(new IPEndPoint(IPAddress.Loopback, 0), MaxMessageBytes: 1000, IdleTimeout: TimeSpan.FromSeconds(2)),
            (message, _) => Task.FromResult<byte[]?>(message.Span.SequenceEqual("CLOSE"u8) ? null : [.. "ACK:"u8, .. message.Span]));
        _listener.Start();
        _running = _listener.RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }

    [Fact]
    public async Task Each_framed_message_gets_its_reply_in_order_on_one_connection()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        foreach (var text in new[] { "MSH|one", "MSH|two\rPID|x", "MSH|three" })
        {
            await MllpListener.WriteFrameAsync(stream, Encoding.ASCII.GetBytes(text), CancellationToken.None);
            Assert.Equal("ACK:" + text, await ReadFrameAsync(stream));
        }
    }

    [Fact]
    public async Task Eight_concurrent_senders_are_all_answered()
    {
        var senders = Enumerable.Range(0, 8).Select(async s =>
        {
            using var client = await ConnectAsync();
            var stream = client.GetStream();
            for (var i = 0; i < 50; i++)
            {
                await MllpListener.WriteFrameAsync(stream, Encoding.ASCII.GetBytes($"MSH|{s}|{i}"), CancellationToken.None);
                Assert.Equal($"ACK:MSH|{s}|{i}", await ReadFrameAsync(stream));
            }
        });
        await Task.WhenAll(senders);
        Assert.Equal(400, _listener.Messages);
    }

    [Fact]
    public async Task A_frame_split_across_many_writes_is_read_whole()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        foreach (var b in (byte[])[0x0B, .. "MSH|slow"u8, 0x1C, 0x0D])
        {
            await stream.WriteAsync(new[] { b });
            await stream.FlushAsync();
        }

        Assert.Equal("ACK:MSH|slow", await ReadFrameAsync(stream));
    }

    [Theory]
    [InlineData("no start block")]
    [InlineData("oversized")]
    [InlineData("garbage")]
    public async Task A_connection_that_breaks_the_framing_is_closed_and_the_listener_serves_the_next(string kind)
    {
        using (var client = await ConnectAsync())
        {
            var stream = client.GetStream();
            byte[] bytes = kind switch
            {
                "no start block" => "MSH|^~\\&|no frame\r"u8.ToArray(),
                "oversized" => [0x0B, .. Enumerable.Repeat((byte)'A', 5000)],
                _ => [0x00, 0xFF, 0x13, 0x37, 0x0B],
            };
            await stream.WriteAsync(bytes);
            await AssertClosedAsync(stream); // no reply
        }

        await AssertStillServesAsync();
        Assert.True(_listener.ClosedForFraming >= 1);
    }

    [Fact]
    public async Task A_peer_that_drops_mid_message_or_goes_silent_does_not_stop_the_listener()
    {
        using (var dropped = await ConnectAsync())
        {
            await dropped.GetStream().WriteAsync((byte[])[0x0B, .. "MSH|half a mess"u8]);
        }

        using var silent = await ConnectAsync();
        await AssertStillServesAsync();
        await AssertClosedAsync(silent.GetStream()); // after the idle timeout
    }

    [Fact]
    public async Task A_handler_that_answers_nothing_closes_the_connection_without_a_reply()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await MllpListener.WriteFrameAsync(stream, "CLOSE"u8.ToArray(), CancellationToken.None);
        await AssertClosedAsync(stream);
        await AssertStillServesAsync();
    }

    private async Task AssertStillServesAsync()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        await MllpListener.WriteFrameAsync(stream, "MSH|after"u8.ToArray(), CancellationToken.None);
        Assert.Equal("ACK:MSH|after", await ReadFrameAsync(stream));
    }

    /// <summary>The listener closed the connection: an orderly end, or a reset when it left bytes unread.</summary>
    private static async Task AssertClosedAsync(NetworkStream stream)
    {
        try
        {
            Assert.Equal(0, await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        }
        catch (IOException)
        {
        }
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(_listener.LocalEndPoint!);
        return client;
    }

    private static async Task<string> ReadFrameAsync(NetworkStream stream)
    {
        var reader = new FrameReader(stream, 1 << 20, TimeSpan.FromSeconds(30));
        var (message, problem) = await reader.ReadAsync(CancellationToken.None);
        Assert.Null(problem);
        return Encoding.ASCII.GetString(message.Span);
    }
}
