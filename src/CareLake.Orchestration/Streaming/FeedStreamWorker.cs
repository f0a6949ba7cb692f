using System.Diagnostics;
using CareLake.Ingest.Bronze;
using CareLake.Ingest.Positions;
using Npgsql;

namespace CareLake.Orchestration.Streaming;

/// <summary>
/// Streams a replayable in-process feed (the built-in generator, file drops) through the same micro-batch
/// commit as Kafka. Each message carries its own partition and position; on start the worker skips what
/// bronze already holds, so a restarted feed neither loses nor repeats a message.
/// </summary>
public sealed class FeedStreamWorker(BatchCommitter committer, NpgsqlDataSource dataSource, string source, int batchMaxMessages = 20_000, long batchMaxBytes = 32L << 20)
{
    public StreamStatistics Statistics { get; } = new();

    /// <param name="messages">The feed, in position order within each partition; every message's Source must equal this worker's source.</param>
    public async Task RunAsync(IEnumerable<RawMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var stored = await ReadAllPositionsAsync(cancellationToken);
        var next = new Dictionary<(string, int), long?>();
        var batch = new MicroBatch();
        await using var pipeline = new CommitPipeline(committer, Statistics, capacity: 2, cancellationToken: cancellationToken);
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
                await FlushAsync(batch, pipeline, next, cancellationToken);
            }
        }

        await FlushAsync(batch, pipeline, next, cancellationToken);
        await pipeline.DrainAsync(cancellationToken);
        if (pipeline.Conflicted)
        {
            throw new PositionConflictException($"another process is ingesting the '{source}' feed into this warehouse at the same time");
        }
    }

    private async Task FlushAsync(MicroBatch batch, CommitPipeline pipeline, Dictionary<(string, int), long?> next, CancellationToken cancellationToken)
    {
        if (batch.IsEmpty) return;
        if (pipeline.Conflicted)
        {
            throw new PositionConflictException($"another process is ingesting the '{source}' feed into this warehouse at the same time");
        }

        var (messages, advances) = batch.Take();
        await pipeline.SubmitAsync(committer.Prepare(source, messages, advances), cancellationToken);
        foreach (var a in advances) next[(a.Stream, a.Partition)] = a.Next;
    }

    private async Task<Dictionary<(string, int), long>> ReadAllPositionsAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<(string, int), long>();
        await using var command = dataSource.CreateCommand("SELECT stream, partition, next_position FROM ingest.source_positions WHERE source = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        return result;
    }
}
