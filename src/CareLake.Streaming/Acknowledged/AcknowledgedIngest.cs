using System.Threading.Channels;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Streaming;
using CareLake.Warehouse;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Acknowledged;

/// <summary>A message from a source whose sender waits for an answer (MLLP, HTTP).</summary>
/// <param name="Stream">The silver stream it belongs to (e.g. <c>hl7</c>, a contract topic, <c>fhir</c>).</param>
public sealed record IncomingMessage(string Stream, byte[] Payload, byte[]? Key = null, string[]? HeaderKeys = null, byte[]?[]? HeaderValues = null);

/// <summary>What the sender may be told once its message is durably committed: where bronze holds it and its fate in silver.</summary>
public readonly record struct IngestResult(long BronzeId, RecordResult Silver);

/// <summary>
/// Commits messages of sources that acknowledge their senders: a caller's messages are answered only after the
/// PostgreSQL transaction holding their bronze and silver rows has committed (durably: synchronous commit). Callers
/// that arrive while a commit is in flight are grouped into the next transaction, so many concurrent senders share
/// one fsync instead of paying one each. If the commit fails for good, every waiting caller gets the exception and
/// must not acknowledge: the sender will send again.
/// <para>
/// With <c>deferSilver</c>, a caller is answered once its messages are durably in bronze: one statement lands the
/// group in bronze, queues it for silver (<c>ingest.silver_pending</c>) and records each message's key
/// (<c>ingest.acknowledged_keys</c>, so a re-send is answered as a duplicate). The fates silver will give are decided
/// before the commit by parsing and mapping alone (quarantined with the reason, unsupported), and
/// <see cref="DeferredSilver"/> types the queue into silver in large batches behind the answers.
/// </para>
/// </summary>
public sealed class AcknowledgedIngest : IAsyncDisposable
{
    private readonly PipelineContext _pipeline;
    private readonly string _source;
    private readonly int _maxGroupMessages;
    private readonly BatchCommitter _committer;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly DeferredSilver? _silver;

    /// <param name="source">The bronze source name: <c>mllp</c>, <c>http</c>.</param>
    /// <param name="maxGroupMessages">Most messages one transaction takes from the waiting callers. Default 5,000.</param>
    /// <param name="deferSilver">Answer once the messages are in bronze and type them into silver behind the answers. Default false.</param>
    public AcknowledgedIngest(PipelineContext pipeline, string source, string workerId, int maxGroupMessages = 5_000, bool deferSilver = false)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _source = source;
        _maxGroupMessages = maxGroupMessages;
        _committer = pipeline.CreateCommitter(workerId);
        if (deferSilver) _silver = new DeferredSilver(pipeline, source, workerId, Statistics, maxGroupMessages);
        _loop = Task.Run(() => CommitLoopAsync(_stop.Token));
    }

    /// <summary>Connections landing groups at once with deferred silver.</summary>
    private const int LandingLanes = 2;

    /// <summary>With deferred silver: types every message landed so far (when it returns, silver holds them all).</summary>
    public Task DrainSilverAsync(CancellationToken cancellationToken) => _silver?.DrainAsync(cancellationToken) ?? Task.CompletedTask;

    public StreamStatistics Statistics { get; } = new();

    /// <summary>Commits the messages (with whatever other callers are waiting) and returns each one's result, in order.</summary>
    /// <exception cref="Warehouse.Postgres.WarehouseException">The warehouse refused the batch for good: acknowledge nothing.</exception>
    public async Task<IReadOnlyList<IngestResult>> CommitAsync(IReadOnlyList<IncomingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) return [];
        // Deciding silver's fates is pure work: done here, on the caller's thread, not on the commit loop.
        var decided = _silver is null ? null : Decide(messages);
        var request = new Request(messages, decided, new TaskCompletionSource<IReadOnlyList<IngestResult>>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _requests.Writer.WriteAsync(request, cancellationToken);
        return await request.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task CommitLoopAsync(CancellationToken cancellationToken)
    {
        // Deferred silver lands groups on several connections at once: a group gathers and lands while the one before
        // waits for its commit (fsync), and PostgreSQL flushes commits that meet in one write. One lane otherwise: the
        // batch committer holds one connection.
        var free = Channel.CreateUnbounded<Lander?>();
        if (_silver is null) free.Writer.TryWrite(null);
        else
        {
            for (var i = 0; i < LandingLanes; i++) free.Writer.TryWrite(new Lander(this));
        }

        var inFlight = new List<Task>();
        try
        {
            while (await _requests.Reader.WaitToReadAsync(cancellationToken))
            {
                var lane = await free.Reader.ReadAsync(cancellationToken);
                var group = new List<Request>();
                var count = 0;
                while (count < _maxGroupMessages && _requests.Reader.TryRead(out var request))
                {
                    group.Add(request);
                    count += request.Messages.Count;
                }

                if (group.Count == 0)
                {
                    free.Writer.TryWrite(lane);
                    continue;
                }

                inFlight.RemoveAll(t => t.IsCompleted);
                inFlight.Add(CommitAndAnswerAsync(lane, group, count, free.Writer, cancellationToken));
            }
        }
        finally
        {
            await Task.WhenAll(inFlight);
            while (free.Reader.TryRead(out var lane))
            {
                if (lane is not null) await lane.DisposeAsync();
            }
        }

    }

    private async Task CommitAndAnswerAsync(Lander? lane, List<Request> group, int count, ChannelWriter<Lander?> free, CancellationToken cancellationToken)
    {
        try
        {
            var results = lane is null ? await CommitGroupAsync(group, count, cancellationToken) : await LandGroupAsync(lane, group, count, cancellationToken);
            var offset = 0;
            foreach (var request in group)
            {
                request.Completion.TrySetResult(results[offset..(offset + request.Messages.Count)]);
                offset += request.Messages.Count;
            }
        }
#pragma warning disable CA1031 // Handed to every waiting caller, who must not acknowledge.
        catch (Exception e)
#pragma warning restore CA1031
        {
            foreach (var request in group) request.Completion.TrySetException(e);
        }
        finally
        {
            free.TryWrite(lane);
        }
    }

    private async Task<IngestResult[]> CommitGroupAsync(List<Request> group, int count, CancellationToken cancellationToken)
    {
        var positions = await NextPositionsAsync(count, cancellationToken);
        var now = _pipeline.Time.GetUtcNow();
        var raw = new List<RawMessage>(count);
        foreach (var m in group.SelectMany(r => r.Messages))
        {
            raw.Add(new RawMessage(_source, m.Stream, 0, positions[raw.Count], m.Key, m.HeaderKeys, m.HeaderValues, m.Payload, null, now));
        }

        var prepared = _committer.Prepare(_source, raw, []);
        var outcome = await _committer.CommitAsync(prepared, Statistics, cancellationToken);
        Statistics.AddBatch(raw.Count, prepared.Bytes, outcome);
        var silver = outcome.Results(raw.Count);
        var results = new IngestResult[raw.Count];
        for (var i = 0; i < results.Length; i++) results[i] = new IngestResult(outcome.BronzeIds[i], silver[i]);
        return results;
    }

    private async Task<long[]> NextPositionsAsync(int count, CancellationToken cancellationToken)
    {
        await using var command = _pipeline.DataSource.CreateCommand("SELECT nextval('ingest.acknowledged_message_seq') FROM generate_series(1, $1)");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        var positions = new long[count];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; await reader.ReadAsync(cancellationToken); i++) positions[i] = reader.GetInt64(0);
        return positions;
    }

    private RecordResult[] Decide(IReadOnlyList<IncomingMessage> messages)
    {
        var now = _pipeline.Time.GetUtcNow();
        var raw = messages.Select(m => new RawMessage(_source, m.Stream, 0, 0, m.Key, m.HeaderKeys, m.HeaderValues, m.Payload, null, now)).ToList();
        var results = new RecordResult[messages.Count];
        for (var i = 0; i < results.Length; i++) results[i] = new RecordResult(i, RecordFate.Stored);
        foreach (var silver in _committer.Prepare(_source, raw, []).Silver)
        {
            foreach (var r in silver.Decided) results[r.Index] = r;
        }

        return results;
    }

    /// <summary>Deferred silver: lands the group in bronze in one statement (Acknowledged/land_acknowledged.sql), retrying while the database is unavailable.</summary>
    private async Task<IngestResult[]> LandGroupAsync(Lander lane, List<Request> group, int count, CancellationToken cancellationToken)
    {
        var streams = new string[count];
        var keys = new byte[]?[count];
        var payloads = new byte[count][];
        long bytes = 0;
        var n = 0;
        foreach (var m in group.SelectMany(r => r.Messages))
        {
            if (m.HeaderKeys is not null) throw new ArgumentException("messages with headers cannot be landed for deferred silver", nameof(group));
            streams[n] = m.Stream;
            keys[n] = m.Key;
            payloads[n++] = m.Payload;
            bytes += m.Payload.Length;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (ids, repeated) = await lane.LandAsync(streams, keys, payloads, cancellationToken);
                Statistics.AddBatch(count, bytes, new SilverOutcome());
                _silver!.Signal();
                var results = new IngestResult[count];
                var i = 0;
                foreach (var request in group)
                {
                    foreach (var decided in request.Decided!)
                    {
                        var silver = decided.Fate == RecordFate.Stored && repeated[i] ? new RecordResult(decided.Index, RecordFate.Duplicate) : decided;
                        results[i] = new IngestResult(ids[i], silver);
                        i++;
                    }
                }

                return results;
            }
            catch (Exception e) when (BatchCommitter.IsTransient(e) && attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
                Statistics.AddRetry();
                await lane.ResetAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), _pipeline.Time, cancellationToken);
            }
            catch
            {
                await lane.ResetAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
        }
        catch (OperationCanceledException)
        {
        }

        if (_silver is not null)
        {
            try
            {
                await _silver.DrainAsync(CancellationToken.None);
            }
#pragma warning disable CA1031 // What is not typed stays queued in the warehouse for the next start.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _pipeline.Log($"{_source}: silver typing stopped with messages queued ({e.Message.Split('\n')[0]})");
            }

            await _silver.DisposeAsync();
        }

        await _committer.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>A connection landing groups for deferred silver, with its prepared statement.</summary>
    private sealed class Lander(AcknowledgedIngest owner) : IAsyncDisposable
    {
        private NpgsqlConnection? _landing;
        private NpgsqlCommand? _land;

        public async Task<(long[] Ids, bool[] Repeated)> LandAsync(string[] streams, byte[]?[] keys, byte[][] payloads, CancellationToken cancellationToken)
        {
            if (_land is null)
            {
                _landing = await owner._pipeline.DataSource.OpenConnectionAsync(cancellationToken);
                _land = new NpgsqlCommand(SqlResources.Warehouse.Load("Acknowledged/land_acknowledged.sql"), _landing);
                _land.Parameters.Add(new NpgsqlParameter<string> { TypedValue = owner._source });
                _land.Parameters.Add(new NpgsqlParameter<string[]>());
                _land.Parameters.Add(new NpgsqlParameter<byte[]?[]>());
                _land.Parameters.Add(new NpgsqlParameter<byte[][]>());
                _land.Parameters.Add(new NpgsqlParameter<DateTimeOffset>());
                await _land.PrepareAsync(cancellationToken);
            }

            ((NpgsqlParameter<string[]>)_land.Parameters[1]).TypedValue = streams;
            ((NpgsqlParameter<byte[]?[]>)_land.Parameters[2]).TypedValue = keys;
            ((NpgsqlParameter<byte[][]>)_land.Parameters[3]).TypedValue = payloads;
            ((NpgsqlParameter<DateTimeOffset>)_land.Parameters[4]).TypedValue = owner._pipeline.Time.GetUtcNow().ToUniversalTime();
            var ids = new long[streams.Length];
            var repeated = new bool[streams.Length];
            // One statement outside an explicit transaction: it commits (durably) before the server reports it complete,
            // and closing the reader waits for that report, so nothing is answered before the commit.
            await using (var reader = await _land.ExecuteReaderAsync(cancellationToken))
            {
                for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
                {
                    ids[i] = reader.GetInt64(0);
                    repeated[i] = reader.GetBoolean(1);
                }

                await reader.CloseAsync();
            }

            return (ids, repeated);
        }

        public async Task ResetAsync()
        {
            if (_land is not null) await _land.DisposeAsync();
            _land = null;
            if (_landing is null) return;
            try
            {
                await _landing.DisposeAsync();
            }
            catch (NpgsqlException)
            {
                // The connection is already broken; nothing to release.
            }

            _landing = null;
        }

        public async ValueTask DisposeAsync() => await ResetAsync();
    }

    private sealed record Request(IReadOnlyList<IncomingMessage> Messages, RecordResult[]? Decided, TaskCompletionSource<IReadOnlyList<IngestResult>> Completion);
}
