using System.Diagnostics;
using CareLake.Ingest.Bronze;
using CareLake.Ingest.Positions;
using Npgsql;

namespace CareLake.Streaming.Streaming;

/// <summary>
/// Streams a replayable in-process feed (the built-in generator, file drops) through the same micro-batch
/// commit as Kafka. Each message carries its own partition and position; on start the worker skips what
/// bronze already holds, so a restarted feed neither loses nor repeats a message.
/// </summary>
public sealed class FeedStreamWorker(PipelineContext pipeline, string source, string workerId, int batchMaxMessages = 20_000, long batchMaxBytes = 32L << 20)
{
    public StreamStatistics Statistics { get; } = new();

    /// <param name="messages">The feed, in position order within each partition; every message's Source must equal this worker's source.</param>
    public async Task RunAsync(IEnumerable<RawMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var stored = await ReadAllPositionsAsync(cancellationToken);
        await pipeline.CreateGoldRefresher().RunAlongsideAsync(() => IngestAsync(messages, stored, cancellationToken), cancellationToken, drainToken: cancellationToken);
    }

    private async Task IngestAsync(IEnumerable<RawMessage> messages, Dictionary<(string, int), long> stored, CancellationToken cancellationToken)
    {
        var next = new Dictionary<(string, int), long?>();
        var batch = new MicroBatch();
        await using var lane = new CommitPipeline(pipeline.CreateCommitter(workerId), Statistics, capacity: 2, cancellationToken: cancellationToken);
        foreach (var message in messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (message.Source != source) throw new ArgumentException($"feed message from source '{message.Source}' given to the '{source}' worker", nameof(messages));
            var key = (message.Stream, message.Partition);
            if (!next.TryGetValue(key, out var expected))
            {
                next[key] = expected = stored.TryGetValue(key, out var p) ? p : null;
            }

            var from = batch.TryGetNext(message.Stream, message.Partition, out var inBatch) ? inBatch : expected;
            if (from is { } f && message.Position < f)
            {
                Statistics.AddSkipped();
                continue;
            }

            batch.Add(message, expected, Stopwatch.GetTimestamp());
            if (batch.Count >= batchMaxMessages || batch.Bytes >= batchMaxBytes)
            {
                await FlushAsync(batch, lane, next, cancellationToken);
            }
        }

        await FlushAsync(batch, lane, next, cancellationToken);
        await lane.DrainAsync(cancellationToken);
        if (lane.Conflicted) throw Conflict();
    }

    private async Task FlushAsync(MicroBatch batch, CommitPipeline lane, Dictionary<(string, int), long?> next, CancellationToken cancellationToken)
    {
        if (batch.IsEmpty) return;
        if (lane.Conflicted) throw Conflict();
        var (messages, advances) = batch.Take();
        await lane.SubmitAsync(new RawBatch(source, messages, advances), cancellationToken);
        foreach (var a in advances) next[(a.Stream, a.Partition)] = a.Next;
    }

    private PositionConflictException Conflict() => new($"another process is ingesting the '{source}' feed into this warehouse at the same time");

    private async Task<Dictionary<(string, int), long>> ReadAllPositionsAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, int), long>();
        await using var command = pipeline.DataSource.CreateCommand("SELECT stream, partition, next_position FROM ingest.source_positions WHERE source = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        return result;
    }
}
