using CareLake.Streaming.Acknowledged;
using CareLake.Streaming.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CareLake.Web;

/// <summary>
/// A running ingest API: the web app and the lanes of acknowledged ingest it commits through. Stopping finishes the
/// requests in flight (each still answered after its commit), then the lanes' last commits.
/// </summary>
public sealed class CareLakeServer : IAsyncDisposable
{
    /// <summary>The bronze source name of HTTP messages.</summary>
    public const string Source = "http";

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private bool _stopped;

    private CareLakeServer(WebApplication app, IReadOnlyList<AcknowledgedIngest> lanes, Uri address)
    {
        App = app;
        Lanes = lanes;
        Address = address;
    }

    public WebApplication App { get; }
    public IReadOnlyList<AcknowledgedIngest> Lanes { get; }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:8080/</c> (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <exception cref="IOException">The address cannot be bound (in use, or not an address of this machine).</exception>
    public static async Task<CareLakeServer> StartAsync(WebServerSettings settings, PipelineContext pipeline, string workerId, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pipeline);
        var lanes = Enumerable.Range(0, Math.Max(1, settings.CommitLanes))
            .Select(lane => new AcknowledgedIngest(pipeline, Source, settings.CommitLanes > 1 ? $"{workerId}/{lane}" : workerId))
            .ToList();
        try
        {
            var app = CareLakeWebApp.Build(settings, pipeline, lanes, log);
            await app.StartAsync(cancellationToken);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new CareLakeServer(app, lanes, new Uri(addresses.First().TrimEnd('/') + "/"));
        }
        catch
        {
            foreach (var lane in lanes) await lane.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Serves until <paramref name="stopping"/> fires, with gold kept up alongside; then drains: requests in flight are
    /// answered, their commits finish, and the gold queue is refreshed (what a slow drain leaves stays queued).
    /// </summary>
    public static async Task RunAsync(WebServerSettings settings, PipelineContext pipeline, string workerId, Action<Uri> listening, Action<string>? log,
        CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(listening);
        using var drain = new CancellationTokenSource(Timeout.InfiniteTimeSpan);
        await pipeline.CreateGoldRefresher().RunAlongsideAsync(async () =>
        {
            await using var server = await StartAsync(settings, pipeline, workerId, log, stopping);
            listening(server.Address);
            try
            {
                await Task.Delay(Timeout.Infinite, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }

            await server.StopAsync();
            drain.CancelAfter(DrainTimeout);
        }, CancellationToken.None, drain.Token);
    }

    /// <summary>Stops accepting requests, answers those in flight (within 30 s), then lets the ingest finish its commits.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using (var timeout = new CancellationTokenSource(DrainTimeout))
        {
            await App.StopAsync(timeout.Token);
        }

        await App.DisposeAsync();
        foreach (var lane in Lanes) await lane.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
