using System.Threading.Channels;
using CareLake.Ingest.Bronze;
using CareLake.Ingest.Positions;

namespace CareLake.Streaming.Streaming;

/// <summary>A closed micro-batch as the source read it: messages and the position range per partition.</summary>
public sealed record RawBatch(string Source, IReadOnlyList<RawMessage> Messages, IReadOnlyCollection<PositionAdvance> Advances);

/// <summary>
/// One commit lane: prepares (parses, scores) and commits the micro-batches handed to it, in order, on its own
/// database connection, while the source goes on reading. Preparing is a stage of its own, so the next batch is
/// parsed while the previous one commits. Batches carry the reader's generation; after a position conflict the
/// reader starts a new generation and batches of older generations are dropped unread.
/// </summary>
public sealed class CommitPipeline : IAsyncDisposable
{
    private readonly BatchCommitter _committer;
    private readonly StreamStatistics _statistics;
    private readonly Channel<(long Generation, RawBatch Batch)> _channel;
    private readonly Channel<(long Generation, RawBatch Batch, PreparedBatch Prepared)> _prepared;
    private readonly Task _preparer;
    private readonly Task _writer;
    private readonly CancellationTokenSource _stop = new();
    private long _generation;
    private int _pending;
    private volatile Exception? _failure;
    private volatile bool _conflicted;

    /// <param name="committed">Called on the writer thread after each commit with the batch it made durable.</param>
    public CommitPipeline(BatchCommitter committer, StreamStatistics statistics, int capacity = 2,
        Action<RawBatch>? committed = null, CancellationToken cancellationToken = default)
    {
        _committer = committer;
        _statistics = statistics;
        // Not single-reader: a failing stage drains both channels from its own thread.
        _channel = Channel.CreateBounded<(long, RawBatch)>(new BoundedChannelOptions(capacity) { SingleWriter = true });
        _prepared = Channel.CreateBounded<(long, RawBatch, PreparedBatch)>(new BoundedChannelOptions(1) { SingleWriter = true });
        var token = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token).Token;
        _preparer = Task.Run(() => PrepareLoopAsync(token), CancellationToken.None);
        _writer = Task.Run(() => WriteLoopAsync(committed, token), CancellationToken.None);
    }

    /// <summary>The batches handed over and not yet committed or dropped.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>True once a batch was refused because another worker owns a partition; cleared by <see cref="StartNewGenerationAsync"/>.</summary>
    public bool Conflicted => _conflicted;

    public async ValueTask SubmitAsync(RawBatch batch, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        Interlocked.Increment(ref _pending);
        try
        {
            await _channel.Writer.WriteAsync((Volatile.Read(ref _generation), batch), cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }
    }

    /// <summary>Waits until every submitted batch is committed or dropped.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (Pending > 0)
        {
            ThrowIfFailed();
            await Task.Delay(2, cancellationToken);
        }

        ThrowIfFailed();
    }

    /// <summary>Drops every batch not yet committed and waits for the one in flight; the caller then re-reads positions.</summary>
    public async Task StartNewGenerationAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _generation);
        await DrainAsync(cancellationToken);
        _conflicted = false;
    }

    /// <exception cref="InvalidOperationException">The writer stopped on a failure that retrying cannot fix.</exception>
    public void ThrowIfFailed()
    {
        if (_failure is { } failure) throw new InvalidOperationException($"The batch writer stopped: {failure.Message}", failure);
    }

    private async Task PrepareLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (generation, batch) in _channel.Reader.ReadAllAsync(cancellationToken))
            {
                if (generation != Volatile.Read(ref _generation))
                {
                    Interlocked.Decrement(ref _pending);
                    continue;
                }

                var prepared = _committer.Prepare(batch.Source, batch.Messages, batch.Advances);
                await _prepared.Writer.WriteAsync((generation, batch, prepared), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Reported to the reader thread through ThrowIfFailed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(e);
        }
        finally
        {
            _prepared.Writer.TryComplete();
        }
    }

    private async Task WriteLoopAsync(Action<RawBatch>? committed, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (generation, batch, prepared) in _prepared.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    if (generation != Volatile.Read(ref _generation)) continue;
                    var outcome = await _committer.CommitAsync(prepared, _statistics, cancellationToken);
                    _statistics.AddBatch(batch.Messages.Count, prepared.Bytes, outcome);
                    committed?.Invoke(batch);
                }
                catch (PositionConflictException)
                {
                    _statistics.AddConflict();
                    _conflicted = true;
                    // Later batches of this generation build on the refused one: drop them too.
                    Interlocked.Increment(ref _generation);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Reported to the reader thread through ThrowIfFailed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(e);
        }
    }

    /// <summary>Stops the lane on a failure retrying cannot fix; what was handed over and not committed is dropped.</summary>
    private void Fail(Exception e)
    {
        _failure ??= e;
        _prepared.Writer.TryComplete(); // a preparer waiting to hand over a batch gives up instead of waiting forever
        while (_channel.Reader.TryRead(out _)) Interlocked.Decrement(ref _pending);
        while (_prepared.Reader.TryRead(out _)) Interlocked.Decrement(ref _pending);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_preparer, _writer).WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            await _stop.CancelAsync();
        }

        await _committer.DisposeAsync();
        _stop.Dispose();
    }
}
