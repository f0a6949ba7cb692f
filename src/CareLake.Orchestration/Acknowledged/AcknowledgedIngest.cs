using System.Threading.Channels;
using CareLake.Ingest.Bronze;
using CareLake.Orchestration.Streaming;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Orchestration.Acknowledged;

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

    /// <param name="source">The bronze source name: <c>mllp</c>, <c>http</c>.</param>
    /// <param name="maxGroupMessages">Most messages one transaction takes from the waiting callers. Default 5,000.</param>
    public AcknowledgedIngest(PipelineContext pipeline, string source, string workerId, int maxGroupMessages = 5_000)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _source = source;
        _maxGroupMessages = maxGroupMessages;
        _committer = pipeline.CreateCommitter(workerId);
        _loop = Task.Run(() => CommitLoopAsync(_stop.Token));
    }

    public StreamStatistics Statistics { get; } = new();

    /// <summary>Commits the messages (with whatever other callers are waiting) and returns each one's result, in order.</summary>
    /// <exception cref="Warehouse.Postgres.WarehouseException">The warehouse refused the batch for good: acknowledge nothing.</exception>
    public async Task<IReadOnlyList<IngestResult>> CommitAsync(IReadOnlyList<IncomingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) return [];
        var request = new Request(messages, new TaskCompletionSource<IReadOnlyList<IngestResult>>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _requests.Writer.WriteAsync(request, cancellationToken);
        return await request.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task CommitLoopAsync(CancellationToken cancellationToken)
    {
        var group = new List<Request>();
        while (await _requests.Reader.WaitToReadAsync(cancellationToken))
        {
            group.Clear();
            var count = 0;
            while (count < _maxGroupMessages && _requests.Reader.TryRead(out var request))
            {
                group.Add(request);
                count += request.Messages.Count;
            }

            try
            {
                var results = await CommitGroupAsync(group, count, cancellationToken);
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

        await _committer.DisposeAsync();
        _stop.Dispose();
    }

    private sealed record Request(IReadOnlyList<IncomingMessage> Messages, TaskCompletionSource<IReadOnlyList<IngestResult>> Completion);
}
