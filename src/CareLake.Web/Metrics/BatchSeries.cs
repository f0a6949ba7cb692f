using Prometheus;

namespace CareLake.Web.Metrics;

/// <summary>
/// The committed-batch series both <c>/metrics</c> endpoints publish under the same names: <c>serve</c> counting the
/// warehouse's <c>ops.stream_batches</c>, a <c>stream</c> worker counting its own batches as they commit.
/// </summary>
internal sealed class BatchSeries
{
    /// <summary>Upper bounds of the batch-duration histogram, in seconds.</summary>
    public static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter _messages;
    private readonly Counter _events;
    private readonly Counter _duplicates;
    private readonly Counter _quarantined;
    private readonly Counter _batches;
    private readonly Histogram _duration;

    public BatchSeries(CollectorRegistry registry)
    {
        var metrics = Prometheus.Metrics.WithCustomRegistry(registry);
        _messages = metrics.CreateCounter("carelake_stream_messages_total", "Messages in committed micro-batches, per source.", ["source"]);
        _events = metrics.CreateCounter("carelake_stream_events_total", "Rows committed per source and stage: bronze (landed in bronze) and silver (inserted into silver tables).", ["source", "stage"]);
        _duplicates = metrics.CreateCounter("carelake_stream_duplicates_total", "Messages silver recognised as duplicates, per source.", ["source"]);
        _quarantined = metrics.CreateCounter("carelake_stream_quarantined_total", "Records quarantined by committed batches (silver and row-level checks), per source.", ["source"]);
        _batches = metrics.CreateCounter("carelake_stream_batches_total", "Committed micro-batches, per source.", ["source"]);
        _duration = metrics.CreateHistogram("carelake_stream_batch_duration_seconds", "How long each micro-batch took to commit (retries included), per source.",
            ["source"], new HistogramConfiguration { Buckets = DurationBuckets });
    }

    /// <summary>Counts <paramref name="batches"/> committed batches of one source that each took <paramref name="seconds"/>, with their totals.</summary>
    public void Add(string source, long batches, double seconds, long messages, long bronzeRows, long silverRows, long duplicates, long quarantined)
    {
        _batches.WithLabels(source).Inc(batches);
        _duration.WithLabels(source).Observe(seconds, batches);
        _messages.WithLabels(source).Inc(messages);
        _events.WithLabels(source, "bronze").Inc(bronzeRows);
        _events.WithLabels(source, "silver").Inc(silverRows);
        _duplicates.WithLabels(source).Inc(duplicates);
        _quarantined.WithLabels(source).Inc(quarantined);
    }
}
