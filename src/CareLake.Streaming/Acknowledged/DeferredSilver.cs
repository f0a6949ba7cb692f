using CareLake.Ingest.Bronze;
using CareLake.Ingest.Positions;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse;
using Npgsql;

namespace CareLake.Streaming.Acknowledged;

/// <summary>
/// Types into silver the messages an acknowledged source committed to bronze alone (<c>ingest.silver_pending</c>), in
/// large batches. Each batch is one transaction of <see cref="BatchCommitter"/> that first takes its rows off the queue
/// and then writes their silver rows and queues their patients for gold, so a crash at any moment leaves each message
/// pending or typed, never both. What a crashed worker left pending is typed by the next one that starts for the
/// source (or by another worker of the source, which looks at the queue every <see cref="PollInterval"/>).
/// </summary>
internal sealed class DeferredSilver : IAsyncDisposable
{
    /// <summary>How often the queue is read when no commit of this process signalled new rows.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the typer lets a signalled queue fill before reading it, so silver is written in large batches (its cost
    /// per message falls steeply with the batch size) while it stays well under a second behind the answers.
    /// </summary>
    public static readonly TimeSpan GatherInterval = TimeSpan.FromMilliseconds(200);

    private readonly PipelineContext _pipeline;
    private readonly string _source;
    private readonly int _maxBatch;
    private readonly BatchCommitter _committer;
    private readonly StreamStatistics _statistics;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly SemaphoreSlim _typing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public DeferredSilver(PipelineContext pipeline, string source, string workerId, StreamStatistics statistics, int maxBatch)
    {
        _pipeline = pipeline;
        _source = source;
        _maxBatch = maxBatch;
        _statistics = statistics;
        _committer = pipeline.CreateCommitter(workerId);
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>Tells the typer that new rows were committed.</summary>
    public void Signal()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>Types every message of the source that is pending now; returns how many this call typed.</summary>
    public async Task<long> DrainAsync(CancellationToken cancellationToken)
    {
        await _typing.WaitAsync(cancellationToken);
        try
        {
            long typed = 0;
            int batch;
            while ((batch = await TypeBatchAsync(cancellationToken)) > 0) typed += batch;
            return typed;
        }
        finally
        {
            _typing.Release();
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var typed = await TypeOnceAsync(cancellationToken);
                if (typed >= _maxBatch) continue;
                if (typed == 0 && !await _signal.WaitAsync(PollInterval, cancellationToken)) continue;
                await Task.Delay(GatherInterval, _pipeline.Time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The messages stay queued in the warehouse; typing resumes once it accepts them.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _pipeline.Log($"{_source}: silver typing failed, the messages stay queued ({e.Message.Split('\n')[0]})");
                try
                {
                    await Task.Delay(PollInterval, _pipeline.Time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> TypeOnceAsync(CancellationToken cancellationToken)
    {
        await _typing.WaitAsync(cancellationToken);
        try
        {
            return await TypeBatchAsync(cancellationToken);
        }
        finally
        {
            _typing.Release();
        }
    }

    /// <returns>How many messages were read from the queue (0 when it was empty).</returns>
    private async Task<int> TypeBatchAsync(CancellationToken cancellationToken)
    {
        var (ids, messages) = await ReadPendingAsync(cancellationToken);
        if (ids.Length == 0) return 0;
        var prepared = _committer.Prepare(_source, messages, []) with { BronzeIds = ids, Claim = (c, t) => ClaimAsync(c, ids, t) };
        try
        {
            var outcome = await _committer.CommitAsync(prepared, _statistics, cancellationToken);
            _statistics.AddBatch(0, 0, outcome);
        }
        catch (PositionConflictException)
        {
            // Another worker of the source typed some of them first: read the queue again.
            _statistics.AddConflict();
        }

        return ids.Length;
    }

    private async Task<(long[] Ids, List<RawMessage> Messages)> ReadPendingAsync(CancellationToken cancellationToken)
    {
        await using var command = _pipeline.DataSource.CreateCommand(SqlResources.Warehouse.Load("Acknowledged/pending_messages.sql"));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _source });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _maxBatch });
        var ids = new List<long>();
        var messages = new List<RawMessage>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            ids.Add(r.GetInt64(0));
            messages.Add(new RawMessage(_source, r.GetString(1), r.GetInt32(2), r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<byte[]>(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<string[]>(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<byte[]?[]>(6),
                r.GetFieldValue<byte[]>(7),
                r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
                r.GetFieldValue<DateTimeOffset>(9)));
        }

        return ([.. ids], messages);
    }

    private static async Task ClaimAsync(NpgsqlConnection connection, long[] ids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Warehouse.Load("Acknowledged/claim_pending.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var claimed = await command.ExecuteNonQueryAsync(cancellationToken);
        if (claimed != ids.Length) throw new PositionConflictException($"{ids.Length - claimed} of {ids.Length} queued messages were typed by another worker");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        await _committer.DisposeAsync();
        _stop.Dispose();
        _signal.Dispose();
        _typing.Dispose();
    }
}
