using System.Net;
using System.Net.Sockets;
using System.Text;
using CareLake.Generator.Outputs;
using CareLake.Generator.Outputs.Mllp;

namespace CareLake.Generator.Tests;

public sealed class MllpTests
{
    private static readonly GeneratorOptions Options = FileOutputs.Small with { Patients = 150, Days = 10 };

    [Fact]
    public async Task Every_message_is_framed_sent_and_acknowledged_in_turn()
    {
        await using var listener = new MllpTestListener(_ => "AA");
        var sink = new MllpSink(new MllpClient("127.0.0.1", listener.Port), "CLGH", "T");

        await Task.Run(() => new GeneratorRun(new HospitalSimulator(Options), [sink], []).Run());
        sink.Dispose();

        Assert.True(sink.Report.Sent > 100);
        Assert.Equal(sink.Report.Sent, sink.Report.Accepted);
        Assert.Equal(0, sink.Report.Rejected);
        await listener.StopAsync();
        Assert.Equal((int)sink.Report.Sent, listener.Received.Count);
        Assert.All(listener.Received, m => Assert.StartsWith("MSH|^~\\&|", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Negative_acknowledgments_are_reported_with_the_receivers_reason()
    {
        var count = 0;
        await using var listener = new MllpTestListener(message => Interlocked.Increment(ref count) % 10 == 3 ? "AE" : "AA");
        var sink = new MllpSink(new MllpClient("127.0.0.1", listener.Port), "CLGH", "T");

        await Task.Run(() => new GeneratorRun(new HospitalSimulator(Options), [sink], []).Run());
        sink.Dispose();

        Assert.True(sink.Report.Rejected > 5);
        Assert.Equal(sink.Report.Sent, sink.Report.Accepted + sink.Report.Rejected);
        var rejection = sink.Report.Rejections[0];
        Assert.Equal("AE", rejection.Code);
        Assert.Equal("PV1-19 visit number not found", rejection.Text);
        Assert.StartsWith("T", rejection.ControlId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_stops_the_run_with_a_timeout()
    {
        await using var listener = new MllpTestListener(_ => null);
        var sink = new MllpSink(new MllpClient("127.0.0.1", listener.Port, new MllpClientOptions { AckTimeout = TimeSpan.FromMilliseconds(300) }), "CLGH", "T");

        var error = await Assert.ThrowsAsync<MllpException>(() => Task.Run(() => new GeneratorRun(new HospitalSimulator(Options), [sink], []).Run()));
        sink.Dispose();

        Assert.Contains("no ACK from 127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_port_is_a_clear_connection_error()
    {
        var port = FreePort();
        using var client = new MllpClient("127.0.0.1", port);
        var error = Assert.Throws<MllpException>(() => client.Send("MSH|^~\\&|A|B|C|D|20260101000000-0500||ADT^A01^ADT_A01|1|P|2.5.1\r", "1"));
        Assert.Contains("could not connect to 127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MSH|^~\\&|R|F|S|F|20260101||ACK^A01^ACK|9|P|2.5.1\rMSA|AA|MSG1\r", "AA", "MSG1", null)]
    [InlineData("MSH|^~\\&|R|F|S|F|20260101||ACK^A03^ACK|9|P|2.5.1\rMSA|AE|MSG2|bad visit\r", "AE", "MSG2", "bad visit")]
    [InlineData("MSH#^~\\&#R#F#S#F#20260101##ACK#9#P#2.5.1\rMSA#AR#MSG3\rERR#x\r", "AR", "MSG3", "ERR#x")]
    public void Acknowledgments_are_read_with_their_declared_delimiters(string ack, string code, string controlId, string? text)
    {
        var parsed = MllpClient.ParseAck(ack);
        Assert.Equal((code, controlId, text), (parsed.Code, parsed.ControlId, parsed.Text));
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>A real MLLP listener on a loopback port: reads frames and answers each with an ACK of the chosen code (or nothing).</summary>
    private sealed class MllpTestListener : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Func<string, string?> _answer;
        private readonly Task _loop;

        public MllpTestListener(Func<string, string?> answer)
        {
            _answer = answer;
            _listener.Start();
            _loop = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public List<string> Received { get; } = [];

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var frame = new MemoryStream();
                var buffer = new byte[8192];
                byte previous = 0;
                while (!_stop.IsCancellationRequested)
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0) break;
                    for (var i = 0; i < read; i++)
                    {
                        var b = buffer[i];
                        if (b == 0x0B)
                        {
                            frame.SetLength(0);
                        }
                        else if (previous == 0x1C && b == 0x0D)
                        {
                            var message = Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length - 1);
                            lock (Received) Received.Add(message);
                            if (_answer(message) is { } code)
                            {
                                var controlId = message.Split('\r')[0].Split('|')[9];
                                var text = code == "AA" ? "" : "|PV1-19 visit number not found";
                                var ack = $"\vMSH|^~\\&|CARELAKE|CLGH|CLGEN|CLGH|20260101000000-0500||ACK^A01^ACK|A{controlId}|P|2.5.1\rMSA|{code}|{controlId}{text}\r\u001c\r";
                                await stream.WriteAsync(Encoding.UTF8.GetBytes(ack), _stop.Token);
                            }

                            frame.SetLength(0);
                        }
                        else
                        {
                            frame.WriteByte(b);
                        }

                        previous = b;
                    }
                }
            }
        }
    }
}
