using CareLake.Alerting;
using CareLake.Core.Configuration;
using Npgsql;

namespace CareLake.Cli.Commands;

/// <summary>
/// The alert dispatcher running beside a worker (<c>stream</c>, <c>serve</c>) when it has somewhere to deliver to. It
/// stops with the worker; <see cref="DrainAsync"/> delivers what is still pending first, for a worker that ends on its own.
/// </summary>
internal sealed class AlertsBeside : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly CareLakeOptions _options;
    private readonly CliContext _context;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private AlertsBeside(NpgsqlDataSource dataSource, CareLakeOptions options, CliContext context)
    {
        _dataSource = dataSource;
        _options = options;
        _context = context;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(context.Stopping);
        _run = Enabled ? RunAsync(untilIdle: false, _stop.Token) : Task.CompletedTask;
    }

    private bool Enabled => AlertDispatcherHost.HasDestinations(_options);

    public static AlertsBeside Start(NpgsqlDataSource dataSource, CareLakeOptions options, CliContext context) => new(dataSource, options, context);

    /// <summary>Stops the continuous dispatcher, then delivers what is pending (unless the process is being stopped).</summary>
    public async Task DrainAsync()
    {
        await StopAsync();
        if (Enabled && !_context.Stopping.IsCancellationRequested) await RunAsync(untilIdle: true, _context.Stopping);
    }

    private async Task RunAsync(bool untilIdle, CancellationToken cancellationToken)
    {
        try
        {
            using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task reporter = Task.CompletedTask;
            var statistics = await AlertDispatcherHost.RunAsync(_dataSource, _options, _context.Time, CliContext.Log, untilIdle, cancellationToken,
                d =>
                {
                    CliContext.Log($"alert dispatcher {d.Holder} started");
                    if (!untilIdle) reporter = ReportAsync(d.Statistics, reporting.Token);
                });
            await reporting.CancelAsync();
            await reporter;
            CliContext.Log(statistics.ToString());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or Confluent.Kafka.KafkaException or AlertLeaseLostException)
        {
            CliContext.Log($"alert dispatcher stopped: {e.Message}");
        }
    }

    /// <summary>A line every <see cref="ReportEvery"/> while the dispatcher is delivering: what it did and where the time went.</summary>
    private async Task ReportAsync(DispatchStatistics statistics, CancellationToken cancellationToken)
    {
        var reported = 0L;
        try
        {
            while (true)
            {
                await Task.Delay(ReportEvery, _context.Time, cancellationToken);
                if (statistics.Handled == reported) continue;
                reported = statistics.Handled;
                CliContext.Log(statistics.ToString());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
