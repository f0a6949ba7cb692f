using CareLake.Dashboard.Operations;
using Npgsql;
using Prometheus;

namespace CareLake.Web.Metrics;

/// <summary>
/// The warehouse's numbers for <c>/metrics</c> of <c>carelake serve</c>, read from the database at scrape time (the
/// stream runs in other processes): events, batches and the batch-duration histogram per source from
/// <c>ops.stream_batches</c>, quarantined records per reason, committed positions, Kafka end offsets and lag, open MLLP
/// connections. Every query is cheap: the batch history is read incrementally (only batches committed since the last
/// scrape, through an index), so the counters count every batch once from the first scrape on and never go down when
/// old history is deleted.
/// </summary>
/// <remarks>A batch is counted once it is <see cref="Settle"/> old, so one committing while the scrape reads is not missed.</remarks>
public sealed class WarehouseMetrics
{
    /// <summary>How old a committed batch must be to be counted.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly KafkaBroker _broker;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly BatchSeries _series;
    private readonly Gauge _quarantine;
    private readonly Gauge _positions;
    private readonly Gauge _endOffsets;
    private readonly Gauge _lag;
    private readonly Gauge _brokerUp;
    private readonly Gauge _mllpOpen;
    private readonly Counter _scrapeErrors;
    private readonly HashSet<(string Topic, string Partition)> _kafkaSeries = [];
    private DateTime? _countedThrough;

    public WarehouseMetrics(NpgsqlDataSource dataSource, KafkaBroker broker, CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _dataSource = dataSource;
        _broker = broker;
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        _series = new BatchSeries(registry);
        _quarantine = metrics.CreateGauge("carelake_quarantine_records", "Records in silver.quarantine, per reason.", ["reason"]);
        _positions = metrics.CreateGauge("carelake_source_position", "The next position each source reads, per stream and partition (ingest.source_positions).", ["source", "stream", "partition"]);
        _endOffsets = metrics.CreateGauge("carelake_kafka_end_offset", "The Kafka broker's end offset (high watermark) per topic and partition.", ["topic", "partition"]);
        _lag = metrics.CreateGauge("carelake_kafka_lag", "Kafka messages not yet committed by CareLake: end offset minus committed position, per topic and partition.", ["topic", "partition"]);
        _brokerUp = metrics.CreateGauge("carelake_kafka_broker_up", "1 when the configured Kafka broker answered the last scrape, 0 when it did not (absent when none is configured).",
            new GaugeConfiguration { SuppressInitialValue = true });
        _mllpOpen = metrics.CreateGauge("carelake_mllp_open_connections", "Open MLLP connections per stream worker, as last reported (within 30 s).", ["worker"]);
        _scrapeErrors = metrics.CreateCounter("carelake_metrics_scrape_errors_total", "Scrapes whose warehouse numbers could not be read (the last values are kept).");
        registry.AddBeforeCollectCallback(CollectAsync);
    }

    private async Task CollectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var kafka = _broker.ReadAsync(cancellationToken);
            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken))
            {
                await CountBatchesAsync(connection, cancellationToken);
                await ReadGaugesAsync(connection, await kafka, cancellationToken);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            _scrapeErrors.Inc();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CountBatchesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var through = new NpgsqlCommand("SELECT clock_timestamp() - make_interval(secs => $1)", connection);
        through.Parameters.Add(new NpgsqlParameter<double> { TypedValue = Settle.TotalSeconds });
        var now = (DateTime)(await through.ExecuteScalarAsync(cancellationToken))!;

        await using var command = new NpgsqlCommand($"""
            SELECT source, (SELECT count(*) FROM unnest($1::float8[]) AS bound WHERE bound < duration_ms)::int AS bucket,
                   count(*), sum(duration_ms), sum(messages), sum(bronze_rows), sum(silver_rows), sum(duplicates), sum(quarantined)
            FROM ops.stream_batches
            WHERE committed_at <= $2 {(_countedThrough is null ? "" : "AND committed_at > $3")}
            GROUP BY 1, 2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. BatchSeries.DurationBuckets.Select(b => b * 1000)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now });
        if (_countedThrough is { } after) command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = after });
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                // One row per source and duration bucket: its batches observed at their mean, which lies in that bucket.
                var batches = reader.GetInt64(2);
                _series.Add(reader.GetString(0), batches, reader.GetDouble(3) / batches / 1000,
                    reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8));
            }
        }

        _countedThrough = now;
    }

    private async Task ReadGaugesAsync(NpgsqlConnection connection, KafkaSnapshot kafka, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand("SELECT reason_code, count(*) FROM silver.quarantine GROUP BY reason_code", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) _quarantine.WithLabels(reader.GetString(0)).Set(reader.GetInt64(1));
        }

        var committed = new Dictionary<(string, int), long>();
        await using (var command = new NpgsqlCommand("SELECT source, stream, partition, next_position FROM ingest.source_positions", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (source, stream, partition, next) = (reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3));
                _positions.WithLabels(source, stream, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(next);
                if (source == "kafka") committed[(stream, partition)] = next;
            }
        }

        await using (var command = new NpgsqlCommand("""
            SELECT worker, count(*) FROM ops.mllp_connections
            WHERE closed_at IS NULL AND seen_at > now() - interval '30 seconds' GROUP BY worker
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var worker in _mllpOpen.GetAllLabelValues()) _mllpOpen.WithLabels(worker).Set(0);
            while (await reader.ReadAsync(cancellationToken)) _mllpOpen.WithLabels(reader.GetString(0)).Set(reader.GetInt64(1));
        }

        if (kafka.Status == KafkaSnapshot.NotConfigured) return;
        _brokerUp.Set(kafka.Status == KafkaSnapshot.Reachable ? 1 : 0);
        var seen = new HashSet<(string, string)>();
        foreach (var p in kafka.Partitions)
        {
            if (p.EndOffset is not { } end) continue;
            var labels = (p.Topic, p.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture));
            seen.Add(labels);
            _endOffsets.WithLabels(labels.Item1, labels.Item2).Set(end);
            _lag.WithLabels(labels.Item1, labels.Item2).Set(KafkaBroker.Lag(p, committed.TryGetValue((p.Topic, p.Partition), out var c) ? c : null) ?? 0);
        }

        // What the broker no longer reports (unreachable, topic deleted) is withdrawn rather than shown stale.
        foreach (var gone in _kafkaSeries.Where(s => !seen.Contains(s)).ToList())
        {
            _endOffsets.RemoveLabelled(gone.Topic, gone.Partition);
            _lag.RemoveLabelled(gone.Topic, gone.Partition);
            _kafkaSeries.Remove(gone);
        }

        _kafkaSeries.UnionWith(seen);
    }
}
