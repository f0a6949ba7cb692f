using CareLake.Web.Metrics;

namespace CareLake.Dashboard.Tests;

/// <summary>/metrics of serve: Prometheus text whose warehouse numbers equal what the database holds.</summary>
[Collection(HospitalServerCollection.Name)]
public sealed class MetricsTests(HospitalServer hospital)
{
    [Fact]
    public async Task Metrics_are_prometheus_text_whose_counters_equal_the_warehouse()
    {
        // Batches are counted once they have settled; the fixture's last one may be only seconds old.
        while (await hospital.ScalarAsync<bool>($"SELECT max(committed_at) > now() - interval '{WarehouseMetrics.Settle.TotalSeconds + 1} seconds' FROM ops.stream_batches"))
        {
            await Task.Delay(500);
        }

        using var response = await hospital.Client.GetAsync("/metrics");
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var metrics = MetricsText.Parse(await response.Content.ReadAsStringAsync());

        var source = ("source", "generator");
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT sum(bronze_rows) FROM ops.stream_batches WHERE source = 'generator'"),
            metrics.Value("carelake_stream_events_total", source, ("stage", "bronze")));
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT sum(silver_rows) FROM ops.stream_batches WHERE source = 'generator'"),
            metrics.Value("carelake_stream_events_total", source, ("stage", "silver")));
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT count(*) FROM bronze.raw_events WHERE source = 'generator'"), metrics.Value("carelake_stream_messages_total", source));
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT sum(duplicates) FROM ops.stream_batches WHERE source = 'generator'"), metrics.Value("carelake_stream_duplicates_total", source));
        Assert.Equal(await hospital.ScalarAsync<long>("SELECT sum(quarantined) FROM ops.stream_batches WHERE source = 'generator'"), metrics.Value("carelake_stream_quarantined_total", source));
        var batches = await hospital.ScalarAsync<long>("SELECT count(*) FROM ops.stream_batches WHERE source = 'generator'");
        Assert.Equal(batches, metrics.Value("carelake_stream_batches_total", source));

        Assert.Equal("histogram", metrics.Types["carelake_stream_batch_duration_seconds"]);
        Assert.Equal(batches, metrics.Value("carelake_stream_batch_duration_seconds_count", source));
        Assert.Equal(await hospital.ScalarAsync<double>("SELECT sum(duration_ms) / 1000 FROM ops.stream_batches WHERE source = 'generator'"),
            metrics.Value("carelake_stream_batch_duration_seconds_sum", source), tolerance: 1e-6);
        foreach (var bound in new[] { 0.1, 0.5, 1.0, 5.0 })
        {
            Assert.Equal(await hospital.ScalarAsync<long>($"SELECT count(*) FROM ops.stream_batches WHERE source = 'generator' AND duration_ms <= {bound * 1000}"),
                metrics.Value("carelake_stream_batch_duration_seconds_bucket", source, ("le", bound.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        var reasons = await hospital.RowsAsync("SELECT reason_code, count(*) FROM silver.quarantine GROUP BY 1");
        Assert.Equal(reasons.Count, metrics.Samples("carelake_quarantine_records").Count());
        foreach (var r in reasons) Assert.Equal((long)r[1]!, metrics.Value("carelake_quarantine_records", ("reason", (string)r[0]!)));

        var positions = await hospital.RowsAsync("SELECT source, stream, partition::text, next_position FROM ingest.source_positions");
        foreach (var p in positions)
        {
            Assert.Equal((long)p[3]!, metrics.Value("carelake_source_position", ("source", (string)p[0]!), ("stream", (string)p[1]!), ("partition", (string)p[2]!)));
        }

        Assert.True(metrics.Has("http_request_duration_seconds_count"), "the server's own request histogram");
        Assert.False(metrics.Has("carelake_kafka_broker_up"), "no broker is configured");
        Assert.Equal(0, metrics.Value("carelake_metrics_scrape_errors_total"));

        // Counted once: a second scrape with nothing new committed shows the same totals.
        var again = MetricsText.Parse(await hospital.Client.GetStringAsync("/metrics"));
        Assert.Equal(batches, again.Value("carelake_stream_batches_total", source));
    }
}
