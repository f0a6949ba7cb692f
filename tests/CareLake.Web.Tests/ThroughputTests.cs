using System.Diagnostics;
using System.Globalization;
using CareLake.Streaming.Acknowledged;
using CareLake.Testing;
using Xunit.Abstractions;

namespace CareLake.Web.Tests;

public sealed class ThroughputServer() : ServerFixture("web_throughput");

/// <summary>
/// Measures HTTP ingest (printed, not asserted): NDJSON batches of 1,000 vital-sign events from 4 concurrent clients,
/// and beside it the same batches handed to the commit lanes directly, so the share of HTTP shows.
/// </summary>
public class ThroughputTests(ThroughputServer server, ITestOutputHelper output) : IClassFixture<ThroughputServer>
{
    private const int BatchSize = 1_000;
    private const int Clients = 4;
    private const int BatchesPerClient = 15;

    [Fact]
    public async Task Ndjson_batches_from_four_clients_are_all_stored_and_the_rate_is_printed()
    {
        var http = Batches(seed: 401);
        var direct = Batches(seed: 402);
        var lane = 0;
        async Task CommitAsync(byte[][] batch)
        {
            var messages = batch.Select(p => new IncomingMessage("patient_vitals", p)).ToList();
            var results = await server.Server.Lanes[Interlocked.Increment(ref lane) % server.Server.Lanes.Count].CommitAsync(messages, CancellationToken.None);
            Assert.Equal(BatchSize, results.Count);
        }

        await Task.WhenAll(http.Take(Clients).Select(PostAsync).Concat(direct.Take(Clients).Select(CommitAsync)));

        var inProcess = await MeasureAsync(direct.Skip(Clients).ToList(), CommitAsync);
        var overHttp = await MeasureAsync(http.Skip(Clients).Select(b => Events.Ndjson(b)).ToList(), PostAsync);

        Print("HTTP ingest", overHttp);
        Print("the same batches straight to the commit lanes", inProcess);
        Assert.Equal((http.Count + direct.Count) * BatchSize,
            await Sql.ScalarAsync<long>(server.ConnectionString, "SELECT count(*) FROM silver.vital_signs"));
    }

    private static List<byte[][]> Batches(int seed) =>
        VitalsFeed.Create(BatchSize * Clients * (BatchesPerClient + 1), patients: 5_000, seed: seed, dirtyRate: 0)
            .Select(m => m.Payload).Chunk(BatchSize).ToList();

    private static async Task<Measurement> MeasureAsync<T>(IReadOnlyList<T> batches, Func<T, Task> send)
    {
        var started = Stopwatch.GetTimestamp();
        var latencies = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            var times = new List<double>();
            for (var i = client; i < batches.Count; i += Clients)
            {
                var t = Stopwatch.GetTimestamp();
                await send(batches[i]);
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            return times;
        }));
        return new Measurement(batches.Count * BatchSize, Stopwatch.GetElapsedTime(started), latencies.SelectMany(l => l).Order().ToList());
    }

    private void Print(string what, Measurement m)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{what}: {m.Events:N0} events in batches of {BatchSize:N0} from {Clients} concurrent senders: {m.Elapsed.TotalSeconds:0.00} s, " +
            $"{m.Events / m.Elapsed.TotalSeconds:N0} events/s; batch latency p50 {m.Latencies[m.Latencies.Count / 2]:0} ms, p95 {m.Latencies[(int)(m.Latencies.Count * 0.95)]:0} ms");
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private async Task PostAsync(byte[][] batch) => await PostAsync(Events.Ndjson(batch));

    private async Task PostAsync(byte[] body)
    {
        var answer = await server.PostAsync("/v1/events/patient_vitals", body, "application/x-ndjson");
        answer.AssertOk();
        Assert.Equal(BatchSize, answer.Json.GetProperty("stored").GetInt32());
    }

    private sealed record Measurement(int Events, TimeSpan Elapsed, List<double> Latencies);
}
