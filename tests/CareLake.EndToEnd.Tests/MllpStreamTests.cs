using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CareLake.Ingest.Mllp;
using CareLake.Testing;
using Xunit.Abstractions;

namespace CareLake.EndToEnd.Tests;

/// <summary><c>carelake stream --mllp</c>: HL7 v2 senders over real sockets, and a worker killed while they send.</summary>
public partial class MllpStreamTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Eight_senders_and_a_worker_killed_mid_stream_every_message_once_and_every_AA_backed_by_bronze()
    {
        var messages = await GenerateMessagesAsync();
        var cs = await TestDatabase.CreateAsync(nameof(Eight_senders_and_a_worker_killed_mid_stream_every_message_once_and_every_AA_backed_by_bronze));
        var env = Cli.Environment(cs);
        var worker = StartWorker(env);
        var endPoint = await ListeningOnAsync(worker);
        var acked = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var sent = 0;

        // Each sender sends its share in order and, like an interface engine, sends a message again until it is answered.
        var senders = Enumerable.Range(0, 8).Select(s => Task.Run(async () =>
        {
            TcpClient? client = null;
            foreach (var message in messages.Where((_, i) => i % 8 == s))
            {
                while (true)
                {
                    try
                    {
                        client ??= await ConnectAsync(Volatile.Read(ref endPoint));
                        var stream = client.GetStream();
                        await MllpListener.WriteFrameAsync(stream, Encoding.UTF8.GetBytes(message.Text), CancellationToken.None);
                        var reader = new FrameReader(stream, 1 << 20, TimeSpan.FromSeconds(60));
                        var (ack, problem) = await reader.ReadAsync(CancellationToken.None);
                        if (problem is not null) throw new IOException($"no acknowledgment ({problem})");
                        acked[message.Key] = Encoding.UTF8.GetString(ack.Span);
                        Interlocked.Increment(ref sent);
                        break;
                    }
                    catch (Exception e) when (e is IOException or SocketException)
                    {
                        client?.Dispose();
                        client = null;
                        await Task.Delay(100);
                    }
                }
            }

            client?.Dispose();
        })).ToList();

        // Kill the worker with SIGKILL once a third is acknowledged, then start another on a new port.
        while (Volatile.Read(ref sent) < messages.Count / 3) await Task.Delay(20);
        worker.Kill();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var atKill = Volatile.Read(ref sent);
        var bronzeAtKill = await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events");
        using var second = StartWorker(env);
        Volatile.Write(ref endPoint, await ListeningOnAsync(second));
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromMinutes(5));
        second.Terminate();
        await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{messages.Count} messages; killed after {atKill} acknowledgments with {bronzeAtKill} bronze rows");

        Assert.Equal(messages.Count, acked.Count);
        Assert.All(acked.Values, ack => Assert.Matches(@"\rMSA\|A[AE]\|", ack));
        Assert.InRange(atKill, 1, messages.Count - 1);
        // Every acknowledged message is in bronze (an AA is sent only after the commit), each under its own key.
        var keys = (await Sql.RowsAsync(cs, "SELECT DISTINCT convert_from(message_key, 'UTF8') FROM bronze.raw_events WHERE source = 'mllp'")).Select(r => (string)r[0]!).ToHashSet();
        Assert.All(acked.Keys, k => Assert.Contains(k, keys));
        // A message committed but not answered before the kill was sent again: silver counts the repeat as a duplicate, not a second fact.
        var bronze = await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events WHERE source = 'mllp'");
        Assert.Equal(bronze - messages.Count, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.duplicate_events"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.quarantine"));
        // What the killed worker landed and had not typed was typed by the next one: nothing is left waiting for silver.
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ingest.silver_pending"));
        // And silver typed them: ADT into encounters, ORU into vital-sign sets and lab results.
        foreach (var table in new[] { "silver.encounters", "silver.patients", "silver.vital_signs", "silver.lab_results" })
        {
            Assert.True(await Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM {table}") > 0, $"{table} is empty");
        }
    }

    [Fact]
    public async Task One_worker_consumes_Kafka_and_accepts_MLLP_side_by_side()
    {
        // ADT only, so that silver's vital-sign tables hold exactly the Kafka stream's sets.
        var messages = (await GenerateMessagesAsync()).Where(m => m.Text.Contains("|ADT^", StringComparison.Ordinal)).Take(60).ToList();
        var cs = await TestDatabase.CreateAsync(nameof(One_worker_consumes_Kafka_and_accepts_MLLP_side_by_side));
        using var kafka = new CareLake.Ingest.Kafka.MockKafkaCluster();
        kafka.CreateTopic("patient_vitals", 4);
        var feed = VitalsFeed.Create(count: 3000, patients: 200, seed: 21, dirtyRate: 0.02, start: DateTimeOffset.UtcNow.AddDays(-5));
        KafkaTestProducer.Produce(kafka.BootstrapServers, "patient_vitals", feed);

        using var worker = CliProcess.Start(["stream", "--mllp", "127.0.0.1:0"], Cli.Environment(cs, kafka.BootstrapServers));
        var endPoint = await ListeningOnAsync(worker);
        using (var client = await ConnectAsync(endPoint))
        {
            var stream = client.GetStream();
            foreach (var message in messages)
            {
                await MllpListener.WriteFrameAsync(stream, Encoding.UTF8.GetBytes(message.Text), CancellationToken.None);
                var (ack, problem) = await new FrameReader(stream, 1 << 20, TimeSpan.FromSeconds(60)).ReadAsync(CancellationToken.None);
                Assert.Null(problem);
                Assert.Matches(@"\rMSA\|AA\|", Encoding.UTF8.GetString(ack.Span));
            }
        }

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events WHERE source = 'kafka'") < feed.Count && DateTime.UtcNow < deadline) await Task.Delay(100);
        worker.Terminate();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(worker.ExitCode == 0, worker.Output);

        Assert.Equal(messages.Count, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events WHERE source = 'mllp'"));
        Assert.True(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.encounters") > 0);
        await WarehouseAssert.MatchesAsync(cs, feed); // the Kafka stream, exactly, beside the MLLP messages
    }

    private static CliProcess StartWorker(IReadOnlyDictionary<string, string> env) =>
        CliProcess.Start(["stream", "--mllp", "127.0.0.1:0"], env);

    private static async Task<IPEndPoint> ListeningOnAsync(CliProcess worker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (ListeningOn().Match(worker.Output) is { Success: true } m) return IPEndPoint.Parse(m.Groups[1].Value);
            if (worker.HasExited) throw new InvalidOperationException("the worker exited:\n" + worker.Output);
            await Task.Delay(50);
        }

        throw new TimeoutException("the worker did not start listening:\n" + worker.Output);
    }

    private static async Task<TcpClient> ConnectAsync(IPEndPoint endPoint)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(endPoint);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The generator's HL7 output (ADT and ORU) for a small hospital, each with its key: MSH-3|MSH-4|MSH-10.</summary>
    private static async Task<List<(string Key, string Text)>> GenerateMessagesAsync()
    {
        var dir = Directory.CreateTempSubdirectory("carelake-hl7-").FullName;
        try
        {
            var (exitCode, text) = await CliProcess.RunAsync(["generate", "--preset", "tiny", "--days", "30", "--to", $"hl7:{dir}"], new Dictionary<string, string>());
            Assert.True(exitCode == 0, text);
            return Directory.EnumerateFiles(dir, "*.hl7").Order(StringComparer.Ordinal)
                .SelectMany(f => Regex.Split(File.ReadAllText(f), @"(?=MSH\|)").Where(m => m.Length > 0))
                .Select(m =>
                {
                    var msh = m[..m.IndexOf('\r', StringComparison.Ordinal)].Split('|');
                    return ($"{msh[2].Split('^')[0]}|{msh[3].Split('^')[0]}|{msh[9]}", m);
                })
                .ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex(@"MLLP listening on (\S+)")]
    private static partial Regex ListeningOn();
}
