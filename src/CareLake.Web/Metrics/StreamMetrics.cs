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
    private readonly BatchSeries _series;

    public StreamMetrics(CollectorRegistry registry) => _series = new BatchSeries(registry);

    /// <summary>Counts one committed batch (for <see cref="PipelineContext.BatchCommitted"/>).</summary>
    public void Record(CommittedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _series.Add(batch.Source, 1, batch.Duration.TotalSeconds, batch.Messages, batch.BronzeRows, batch.SilverRows, batch.Duplicates, batch.Quarantined);
    }

    /// <summary>Starts serving <c>/metrics</c> on the host and port (a stand-alone Kestrel server) with these metrics.</summary>
    public static IMetricServer Serve(string host, int port, CollectorRegistry registry) =>
        new KestrelMetricServer(host, port, "/metrics", registry).Start();
}
