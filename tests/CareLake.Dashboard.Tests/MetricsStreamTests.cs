using System.Net;
using System.Net.Sockets;
using CareLake.Generator;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using CareLake.Web.Metrics;
using Npgsql;

namespace CareLake.Dashboard.Tests;

/// <summary>A stream worker's own /metrics (<c>carelake stream --metrics-port</c>): counted in-process, equal to the batches it recorded.</summary>
public sealed class MetricsStreamTests
{
    [Fact]
    public async Task A_workers_metrics_count_the_batches_it_committed()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_workers_metrics_count_the_batches_it_committed));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new StreamMetrics(registry);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { }) { BatchCommitted = metrics.Record };
        var hospital = new GeneratorOptions { Patients = 20, Days = 3, Seed = 3, Start = GeneratorOptions.PeriodEndingAt(DateTimeOffset.UtcNow, 3, GeneratorOptions.DefaultFacilityUtcOffset) };
        await new FeedStreamWorker(pipeline, GeneratorFeed.SourceName, "metrics-worker", 50)
            .RunAsync(GeneratorFeed.Messages(new HospitalSimulator(hospital).Events(), TimeProvider.System), CancellationToken.None);

        var port = FreePort();
        using var server = StreamMetrics.Serve("127.0.0.1", port, registry);
        using var client = new HttpClient();
        var text = MetricsText.Parse(await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")));

        var source = ("source", GeneratorFeed.SourceName);
        var batches = await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ops.stream_batches");
        Assert.True(batches > 1);
        Assert.Equal(batches, text.Value("carelake_stream_batches_total", source));
        Assert.Equal(batches, text.Value("carelake_stream_batch_duration_seconds_count", source));
        Assert.Equal(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events"), text.Value("carelake_stream_events_total", source, ("stage", "bronze")));
        Assert.Equal(await Sql.ScalarAsync<long>(cs, "SELECT sum(silver_rows) FROM ops.stream_batches"), text.Value("carelake_stream_events_total", source, ("stage", "silver")));
        Assert.Equal(await Sql.ScalarAsync<double>(cs, "SELECT sum(duration_ms) / 1000 FROM ops.stream_batches"), text.Value("carelake_stream_batch_duration_seconds_sum", source), tolerance: 1e-6);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
