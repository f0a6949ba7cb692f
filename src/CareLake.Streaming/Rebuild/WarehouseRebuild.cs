using CareLake.Ingest.Bronze;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Rebuild;

/// <summary>
/// Derives silver and gold again from bronze: empties both, types every bronze row again in bronze order through the
/// same silver stages and batch commit as the streams (without landing anything in bronze a second time), then
/// recomputes gold. Bronze keeps every message as received, so the result equals what incremental processing built
/// (DESIGN guarantee 4). Workers writing the same warehouse should be stopped meanwhile; an interrupted rebuild is
/// finished by running it again.
/// </summary>
public sealed class WarehouseRebuild(PipelineContext pipeline, int batchMaxMessages = 20_000, long batchMaxBytes = 32L << 20)
{
    private long _bronzeRows;
    private long _retyped;

    public StreamStatistics Statistics { get; } = new();

    /// <summary>Bronze rows to type again (known once the rebuild has started).</summary>
    public long BronzeRows => Interlocked.Read(ref _bronzeRows);

    /// <summary>Bronze rows typed again so far.</summary>
    public long Retyped => Interlocked.Read(ref _retyped);

    /// <summary>The gold models' runs (once gold was built).</summary>
    public IReadOnlyList<GoldModelRun> GoldRuns { get; private set; } = [];

    /// <summary>What the rebuild is doing now.</summary>
    public string Phase { get; private set; } = "starting";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using (var count = pipeline.DataSource.CreateCommand("SELECT count(*) FROM bronze.raw_events"))
        {
            Interlocked.Exchange(ref _bronzeRows, (long)(await count.ExecuteScalarAsync(cancellationToken))!);
        }

        Phase = "clearing silver and gold";
        await DerivedLayers.ClearAsync(pipeline.DataSource, cancellationToken);

        Phase = "typing bronze in silver";
        await using var committer = pipeline.CreateCommitter($"rebuild-{Environment.ProcessId}");
        var after = 0L;
        while (true)
        {
            var (ids, messages) = await ReadAsync(after, cancellationToken);
            if (ids.Count == 0) break;
            var prepared = committer.Prepare("rebuild", messages, []) with { BronzeIds = ids };
            var outcome = await committer.CommitAsync(prepared, Statistics, cancellationToken);
            Statistics.AddBatch(messages.Count, prepared.Bytes, outcome);
            Interlocked.Add(ref _retyped, messages.Count);
            after = ids[^1];
        }

        Phase = "building gold";
        GoldRuns = await GoldModels.RunAsync(pipeline.DataSource, new GoldRunOptions { FullRefresh = true }, null, cancellationToken);
        if (GoldRuns.FirstOrDefault(r => r.Status == GoldRunStatus.Error) is { } failed)
        {
            throw new InvalidOperationException($"Silver was rebuilt, but the gold model {failed.Model} failed: {failed.Error}. Fix it, then run `carelake run gold --full-refresh`.");
        }

        Phase = "done";
    }

    /// <summary>The next bronze rows after id <paramref name="after"/>, in id order, up to the batch limits.</summary>
    private async Task<(List<long> Ids, List<RawMessage> Messages)> ReadAsync(long after, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        var messages = new List<RawMessage>();
        long bytes = 0;
        await using var command = pipeline.DataSource.CreateCommand("""
            SELECT id, source, stream, partition, position, message_key, header_keys, header_values, payload, message_timestamp, received_at
              FROM bronze.raw_events
             WHERE id > $1
             ORDER BY id
             LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchMaxMessages });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (bytes < batchMaxBytes && await reader.ReadAsync(cancellationToken))
        {
            var payload = reader.GetFieldValue<byte[]>(8);
            bytes += payload.Length;
            ids.Add(reader.GetInt64(0));
            messages.Add(new RawMessage(
                reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<string[]>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]?[]>(7),
                payload,
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return (ids, messages);
    }
}
