using CareLake.Streaming.Streaming;

namespace CareLake.Streaming.Acknowledged;

/// <summary>
/// The queue of messages acknowledged sources (MLLP, HTTP) committed to bronze before silver typed them
/// (<c>ingest.silver_pending</c>). Workers type it continuously; <see cref="DrainAsync"/> types what is queued now, for
/// every source, so a scheduled run builds gold on everything acknowledged before it started.
/// </summary>
public static class SilverQueue
{
    /// <summary>Types every message queued for silver now, source by source, in large batches; returns how many were typed.</summary>
    public static async Task<long> DrainAsync(PipelineContext pipeline, string workerId, int maxBatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var sources = new List<string>();
        await using (var command = pipeline.DataSource.CreateCommand("SELECT DISTINCT source FROM ingest.silver_pending ORDER BY source"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) sources.Add(reader.GetString(0));
        }

        var statistics = new StreamStatistics();
        long typed = 0;
        foreach (var source in sources)
        {
            await using var typer = new DeferredSilver(pipeline, source, workerId, statistics, maxBatch);
            typed += await typer.DrainAsync(cancellationToken);
        }

        return typed;
    }
}
