using CareLake.Streaming.Streaming;
using Prometheus;

namespace CareLake.Web.Metrics;

/// <summary>
/// In-process metrics of a <c>carelake stream</c> worker, counted as its batches commit (no database reads), served
/// by <c>--metrics-port</c> at <c>/metrics</c>: the same series names as serve's warehouse-wide ones, but for this
/// process only and from its start.
/// </summary>
public sealed class StreamMetrics
{
    private readonly Counter _messages;
    private readonly Counter _events;
    private readonly Counter _duplicates;
    private readonly Counter _quarantined;
    private readonly Counter _batches;
    private readonly Histogram _duration;

    public StreamMetrics(CollectorRegistry registry)
    {
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        _messages = metrics.CreateCounter("carelake_stream_messages_total", "Messages in micro-batches this worker committed, per source.", ["source"]);
        _events = metrics.CreateCounter("carelake_stream_events_total", "Rows this worker committed per source and stage: bronze (landed) and silver (inserted).", ["source", "stage"]);
        _duplicates = metrics.CreateCounter("carelake_stream_duplicates_total", "Messages silver recognised as duplicates, per source.", ["source"]);
        _quarantined = metrics.CreateCounter("carelake_stream_quarantined_total", "Records quarantined by this worker's batches, per source.", ["source"]);
        _batches = metrics.CreateCounter("carelake_stream_batches_total", "Micro-batches this worker committed, per source.", ["source"]);
        _duration = metrics.CreateHistogram("carelake_stream_batch_duration_seconds", "How long each micro-batch took to commit (retries included), per source.",
            ["source"], new HistogramConfiguration { Buckets = WarehouseMetrics.DurationBuckets });
    }

    /// <summary>Counts one committed batch (for <see cref="PipelineContext.BatchCommitted"/>).</summary>
    public void Record(CommittedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _batches.WithLabels(batch.Source).Inc();
        _messages.WithLabels(batch.Source).Inc(batch.Messages);
        _events.WithLabels(batch.Source, "bronze").Inc(batch.BronzeRows);
        _events.WithLabels(batch.Source, "silver").Inc(batch.SilverRows);
        _duplicates.WithLabels(batch.Source).Inc(batch.Duplicates);
        _quarantined.WithLabels(batch.Source).Inc(batch.Quarantined);
        _duration.WithLabels(batch.Source).Observe(batch.Duration.TotalSeconds);
    }

    /// <summary>Starts serving <c>/metrics</c> on the host and port (a stand-alone Kestrel server) with these metrics.</summary>
    public static IMetricServer Serve(string host, int port, CollectorRegistry registry) =>
        new KestrelMetricServer(host, port, "/metrics", registry).Start();
}
