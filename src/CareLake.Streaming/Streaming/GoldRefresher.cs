using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Streaming.Streaming;

/// <summary>
/// Keeps gold up with silver: every <c>interval</c> it recomputes the patients that committed batches
/// queued until then. Out of the batch transaction so that parallel commit lanes never wait on each other
/// for gold, and so that a patient seen in many batches is recomputed once per refresh, not once per batch.
/// Under heavy load the pause after a refresh grows to twice the refresh's own duration (at most
/// <see cref="MaxPause"/>), so gold takes about a third of one connection and silver, where alerts land,
/// keeps the rest.
/// </summary>
public sealed class GoldRefresher(NpgsqlDataSource dataSource, TimeProvider time, TimeSpan interval, Action<string>? log = null)
{
    /// <summary>The longest pause between refreshes, however long the last one took.</summary>
    public static TimeSpan MaxPause { get; } = TimeSpan.FromSeconds(5);

    private const int ClaimSize = 50_000;
    private const int DrainAttempts = 5;
    private readonly Action<string> _log = log ?? (_ => { });

    /// <summary>
    /// Runs <paramref name="work"/> (a worker's ingest) with gold kept up in the background. However the work
    /// ends, the background refresh stops with it; when it ends normally, what is still queued is drained.
    /// </summary>
    /// <param name="drainToken">Cancels the final drain (a worker that commits on a graceful stop passes none).</param>
    public async Task RunAlongsideAsync(Func<Task> work, CancellationToken cancellationToken, CancellationToken drainToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var refreshing = RunAsync(stop.Token);
        try
        {
            await work();
        }
        finally
        {
            await stop.CancelAsync();
            await refreshing;
        }

        await DrainAsync(drainToken);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pause = interval;
        try
        {
            while (true)
            {
                await Task.Delay(pause, time, cancellationToken);
                var started = time.GetTimestamp();
                await RefreshQueuedAsync(cancellationToken);
                var took = time.GetElapsedTime(started) * 2;
                pause = took < interval ? interval : took > MaxPause ? MaxPause : took;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Refreshes until nothing is queued (used before a worker exits). A refresh that fails is retried a few
    /// times; if the database keeps refusing, the patients stay queued for the next run and this says so.
    /// </summary>
    /// <returns>True when the queue was drained.</returns>
    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        for (var failures = 0; ;)
        {
            var drained = await RefreshQueuedAsync(cancellationToken);
            if (drained == 0) return true;
            if (drained > 0)
            {
                failures = 0;
                continue;
            }

            if (++failures == DrainAttempts)
            {
                _log($"gold refresh failed {DrainAttempts} times in a row; the queued patients stay queued for the next run");
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(failures), time, cancellationToken);
        }
    }

    // Drains what was queued when it started, not what arrives meanwhile: that is the next refresh's.
    // Returns how many queue entries it drained, or -1 when a refresh failed.
    private async Task<long> RefreshQueuedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var upTo = await PatientRiskSnapshotModel.LastQueuedAsync(dataSource, cancellationToken);
            long drained = 0;
            while (upTo > 0)
            {
                var count = await PatientRiskSnapshotModel.RefreshPendingAsync(dataSource, time.GetUtcNow(), ClaimSize, upTo, cancellationToken);
                if (count == 0) break;
                drained += count;
            }

            return drained;
        }
#pragma warning disable CA1031 // The refresher must outlive any one failed refresh; the queue keeps the work.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // The queue is durable: what was not refreshed now is refreshed on a later tick.
            _log($"gold refresh failed ({e.GetType().Name}: {e.Message.Split('\n')[0]}); the patients stay queued and are retried");
            return -1;
        }
    }
}
