using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CareLake.Dashboard;

/// <summary>
/// Tells the ward's live clients when vital signs or clinical alerts commit. One database connection per server
/// LISTENs (<c>carelake_vitals</c>, from the trigger on <c>silver.vital_signs</c>, and <c>carelake_alerts</c>, from those
/// on the alert tables) while at least one client streams, and fans each notification out to every client; with no
/// client it holds no connection. A lost connection is reopened after a second, and the clients are told to re-read
/// everything (<c>resync</c>), since notifications sent meanwhile are lost.
/// </summary>
public sealed class WardChanges(NpgsqlDataSource dataSource)
{
    public const string VitalsChannel = "carelake_vitals";
    public const string AlertsChannel = "carelake_alerts";

    /// <summary>How long a client's stream may stay silent before a keep-alive comment.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Commits this close together become one event.</summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(100);

    /// <summary>At most one event per this interval per client, so a busy stream of commits does not make every page re-read every commit.</summary>
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(750);

    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly List<Channel<string>> _clients = [];
    private CancellationTokenSource? _listening;
    private TaskCompletionSource _listeningStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Clients streaming now (for tests and diagnostics).</summary>
    public int Clients
    {
        get
        {
            lock (_gate) return _clients.Count;
        }
    }

    /// <summary>
    /// A client's subscription; completes once the server LISTENs, so every commit after it reaches the client.
    /// </summary>
    /// <exception cref="NpgsqlException">The database could not be reached for listening.</exception>
    public async Task<Subscription> SubscribeAsync(CancellationToken cancellationToken)
    {
        var client = Channel.CreateBounded<string>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        Task started;
        lock (_gate)
        {
            _clients.Add(client);
            if (_listening is null)
            {
                _listening = new CancellationTokenSource();
                _listeningStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var (token, signal) = (_listening.Token, _listeningStarted);
                _ = Task.Run(() => ListenAsync(signal, token), CancellationToken.None);
            }

            started = _listeningStarted.Task;
        }

        var subscription = new Subscription(this, client);
        try
        {
            await started.WaitAsync(cancellationToken);
            return subscription;
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    private void Unsubscribe(Channel<string> client)
    {
        lock (_gate)
        {
            if (!_clients.Remove(client) || _clients.Count > 0 || _listening is null) return;
            _listening.Cancel();
            _listening.Dispose();
            _listening = null;
        }
    }

    private void Broadcast(string kind)
    {
        lock (_gate)
        {
            foreach (var client in _clients) client.Writer.TryWrite(kind);
        }
    }

    private async Task ListenAsync(TaskCompletionSource started, CancellationToken cancellationToken)
    {
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Channel == VitalsChannel) Broadcast("vitals");
                    else if (e.Channel == AlertsChannel && e.Payload == "silver.clinical_alerts") Broadcast("alerts");
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {VitalsChannel}; LISTEN {AlertsChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                if (!first) Broadcast("resync");
                first = false;
                started.TrySetResult();
                while (true) await connection.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                if (first)
                {
                    // Nobody listens yet: the clients waiting are told, and the next client tries again.
                    lock (_gate)
                    {
                        started.TrySetException(error);
                        _clients.Clear();
                        _listening?.Dispose();
                        _listening = null;
                    }

                    return;
                }

                try
                {
                    await Task.Delay(Reconnect, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Serves one client (GET /v1/ward/stream) until it goes away or the server stops: ': connected' once listening,
    /// then an event per kind of change (gathered, rate-limited), and keep-alive comments.
    /// </summary>
    public static async Task StreamAsync(HttpContext http, WardChanges changes)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(changes);
        var stopping = http.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var token = ending.Token;
        Subscription subscription;
        try
        {
            subscription = await changes.SubscribeAsync(token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (NpgsqlException)
        {
            await Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Warehouse unavailable",
                detail: "The server cannot listen for the warehouse's notifications now; try again shortly.").ExecuteAsync(http);
            return;
        }

        using (subscription)
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            var time = http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
            var sent = 0L;
            var lastSent = DateTimeOffset.MinValue;
            try
            {
                await http.Response.WriteAsync("retry: 2000\n: connected\n\n", token);
                await http.Response.Body.FlushAsync(token);
                while (!token.IsCancellationRequested)
                {
                    if (!await subscription.WaitAsync(KeepAlive, token))
                    {
                        await http.Response.WriteAsync(": keep-alive\n\n", token);
                        await http.Response.Body.FlushAsync(token);
                        continue;
                    }

                    var wait = lastSent + MinInterval - DateTimeOffset.UtcNow;
                    if (wait < Gather) wait = Gather;
                    await Task.Delay(wait, token);
                    var at = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                    foreach (var kind in subscription.Drain())
                    {
                        await http.Response.WriteAsync($"id: {++sent}\nevent: {kind}\ndata: {{\"at\":\"{at}\"}}\n\n", token);
                    }

                    await http.Response.Body.FlushAsync(token);
                    lastSent = DateTimeOffset.UtcNow;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (IOException) when (http.RequestAborted.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>One client's feed of change kinds; disposing it ends the subscription.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly WardChanges _owner;
        private readonly Channel<string> _channel;
        private int _disposed;

        internal Subscription(WardChanges owner, Channel<string> channel)
        {
            _owner = owner;
            _channel = channel;
        }

        /// <summary>True when a change is waiting, false after <paramref name="timeout"/> without one.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                return await _channel.Reader.WaitToReadAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        /// <summary>The distinct kinds waiting, in the order they first came.</summary>
        public IReadOnlyList<string> Drain()
        {
            var kinds = new List<string>();
            while (_channel.Reader.TryRead(out var kind))
                if (!kinds.Contains(kind)) kinds.Add(kind);
            return kinds;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) _owner.Unsubscribe(_channel);
        }
    }
}
