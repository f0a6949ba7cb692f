using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Orchestration.Streaming;

/// <summary>
/// Keeps gold up with silver: every <c>interval</c> it recomputes the patients that committed batches
/// queued. Out of the batch transaction so that parallel commit lanes never wait on each other for gold,
/// and so that a patient seen in many batches is recomputed once per refresh, not once per batch. Under
/// heavy load the pause after a refresh grows to twice the refresh's own duration, so gold takes at most
/// about a third of one database connection and silver (where alerts land) keeps the rest.
/// </summary>
public sealed class GoldRefresher(NpgsqlDataSource dataSource, TimeProvider time, TimeSpan interval, Action<string>? log = null)
{
    private const int ClaimSize = 5000;
    private readonly Action<string> _log = log ?? (_ => { });
    private long _refreshed;

    /// <summary>Patient rows recomputed so far.</summary>
    public long Refreshed => Interlocked.Read(ref _refreshed);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var pause = interval;
        try
        {
            while (true)
            {
                await Task.Delay(pause, time, cancellationToken);
                var started = time.GetTimestamp();
                while (await RefreshOnceAsync(cancellationToken) > 0)
                {
                }

                var took = time.GetElapsedTime(started);
                pause = took * 2 > interval ? took * 2 : interval;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Refreshes until nothing is queued (used before a worker exits).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await RefreshOnceAsync(cancellationToken) > 0)
        {
        }
    }

    private async Task<int> RefreshOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var count = await PatientRiskSnapshotModel.RefreshPendingAsync(dataSource, time.GetUtcNow(), ClaimSize, cancellationToken);
            Interlocked.Add(ref _refreshed, count);
            return count;
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The queue is durable: what was not refreshed now is refreshed on a later tick.
            _log($"gold refresh failed ({e.Message.Split('\n')[0]}); retrying on the next tick");
            return 0;
        }
    }
}
