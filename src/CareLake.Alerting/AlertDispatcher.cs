using System.Diagnostics;
using CareLake.Core.Configuration;
using Npgsql;

namespace CareLake.Alerting;

/// <summary>Counts of what a dispatcher did and where its passes spent their time, for progress lines and benchmarks.</summary>
public sealed class DispatchStatistics
{
    private long _handled, _published, _webhooks, _deduplicated, _rateLimited, _deadLettered, _passes;
    private long _readTicks, _dedupeTicks, _kafkaTicks, _webhookTicks, _recordTicks;

    public long Handled => Interlocked.Read(ref _handled);
    public long Published => Interlocked.Read(ref _published);
    public long WebhooksDelivered => Interlocked.Read(ref _webhooks);
    public long Deduplicated => Interlocked.Read(ref _deduplicated);
    public long RateLimited => Interlocked.Read(ref _rateLimited);
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Passes that found something to deliver.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Time spent reading pending rows and their decided channels, over every pass.</summary>
    public TimeSpan Reading => TimeSpan.FromTicks(Interlocked.Read(ref _readTicks));

    /// <summary>Time spent deciding duplicates.</summary>
    public TimeSpan Deduplicating => TimeSpan.FromTicks(Interlocked.Read(ref _dedupeTicks));

    /// <summary>Time spent waiting for the broker's acknowledgements.</summary>
    public TimeSpan Publishing => TimeSpan.FromTicks(Interlocked.Read(ref _kafkaTicks));

    /// <summary>Time spent waiting for webhook answers.</summary>
    public TimeSpan Posting => TimeSpan.FromTicks(Interlocked.Read(ref _webhookTicks));

    /// <summary>Time spent recording outcomes.</summary>
    public TimeSpan Recording => TimeSpan.FromTicks(Interlocked.Read(ref _recordTicks));

    internal void CountHandled() => Interlocked.Increment(ref _handled);
    internal void CountPublished() => Interlocked.Increment(ref _published);
    internal void CountWebhook() => Interlocked.Increment(ref _webhooks);
    internal void CountDeduplicated() => Interlocked.Increment(ref _deduplicated);
    internal void CountRateLimited() => Interlocked.Increment(ref _rateLimited);
    internal void CountDeadLettered() => Interlocked.Increment(ref _deadLettered);
    internal void CountPass() => Interlocked.Increment(ref _passes);
    internal void AddReading(TimeSpan t) => Interlocked.Add(ref _readTicks, t.Ticks);
    internal void AddDeduplicating(TimeSpan t) => Interlocked.Add(ref _dedupeTicks, t.Ticks);
    internal void AddPublishing(TimeSpan t) => Interlocked.Add(ref _kafkaTicks, t.Ticks);
    internal void AddPosting(TimeSpan t) => Interlocked.Add(ref _webhookTicks, t.Ticks);
    internal void AddRecording(TimeSpan t) => Interlocked.Add(ref _recordTicks, t.Ticks);

    public override string ToString() =>
        $"alerts handled {Handled:N0} · kafka {Published:N0} · webhooks {WebhooksDelivered:N0} · deduplicated {Deduplicated:N0} · " +
        $"rate-limited {RateLimited:N0} · dead letters {DeadLettered:N0} · {Passes:N0} passes: read {Reading.TotalSeconds:0.0} s, " +
        $"dedupe {Deduplicating.TotalSeconds:0.0} s, kafka {Publishing.TotalSeconds:0.0} s, webhooks {Posting.TotalSeconds:0.0} s, record {Recording.TotalSeconds:0.0} s";
}

/// <summary>
/// Delivers new clinical alerts, operational alerts and pipeline events: wakes on the commit that raised them
/// (LISTEN carelake_alerts, with polling as the fallback), dedupes, rate-limits webhooks per route and kind, publishes
/// to Kafka and POSTs to the matching webhooks, recording each channel's outcome. Only the holder of the lease in
/// <c>ops.alert_dispatcher_lease</c> delivers, so several processes can run one safely. At least once: a pass's outcomes are
/// recorded right after its sends succeed, so a crash in between repeats that pass's messages (same Kafka keys), never earlier ones.
/// </summary>
public sealed class AlertDispatcher : IAsyncDisposable
{
    public const string Channel = "carelake_alerts";
    private const int PassLimit = 500;
    private const int WebhookConcurrency = 16;

    private readonly AlertOptions _options;
    private readonly AlertStore _store;
    private readonly IAlertPublisher? _publisher;
    private readonly WebhookSender _webhooks;
    private readonly OperationalMonitors? _monitors;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly AlertRateLimiter _rateLimiter;
    private volatile bool _holdsLease;

    public AlertDispatcher(NpgsqlDataSource dataSource, AlertOptions options, IAlertPublisher? publisher, TimeProvider? time = null,
        Action<string>? log = null, string? holder = null, OperationalMonitors? monitors = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
        _log = log ?? (_ => { });
        _store = new AlertStore(dataSource, holder ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        _publisher = options.Kafka ? publisher : null;
        _monitors = monitors;
        _webhooks = new WebhookSender(options.WebhookRetries, TimeSpan.FromMilliseconds(options.WebhookBackoffMs),
            TimeSpan.FromMilliseconds(options.WebhookTimeoutMs), _time);
        _rateLimiter = new AlertRateLimiter(options.RateLimitPerWindow, TimeSpan.FromSeconds(options.RateLimitWindowSeconds));
    }

    public DispatchStatistics Statistics { get; } = new();

    /// <summary>This dispatcher's name in the lease.</summary>
    public string Holder => _store.Holder;

    /// <summary>Whether this dispatcher held the lease at its last renewal.</summary>
    public bool HoldsLease => _holdsLease;

    /// <summary>Delivers until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => RunAsync(untilIdle: false, cancellationToken);

    /// <summary>Delivers until a pass finds nothing left (or until cancelled); for scripts and tests.</summary>
    public Task RunUntilIdleAsync(CancellationToken cancellationToken) => RunAsync(untilIdle: true, cancellationToken);

    private async Task RunAsync(bool untilIdle, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromSeconds(_options.LeaseSeconds);
        var poll = TimeSpan.FromMilliseconds(_options.PollIntervalMs);
        await using var listener = await _store.DataSource.OpenConnectionAsync(cancellationToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewer = RenewLeaseAsync(lease, renewing.Token);
        var nextMonitors = _time.GetUtcNow();
        var nextCursorMove = _time.GetUtcNow();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var handled = 0;
                if (_holdsLease)
                {
                    try
                    {
                        handled = await DispatchPendingAsync(cancellationToken);
                        var now = _time.GetUtcNow();
                        if (_monitors is not null && now >= nextMonitors)
                        {
                            nextMonitors = now + TimeSpan.FromSeconds(_options.MonitorIntervalSeconds);
                            await RunMonitorsAsync(now, cancellationToken);
                        }

                        if (now >= nextCursorMove)
                        {
                            nextCursorMove = now + TimeSpan.FromSeconds(5);
                            await _store.AdvanceCursorsAsync(cancellationToken);
                        }
                    }
                    catch (AlertLeaseLostException e)
                    {
                        _holdsLease = false;
                        _log(e.Message);
                    }
                }
                else if (untilIdle)
                {
                    _holdsLease = await _store.TryAcquireLeaseAsync(lease, cancellationToken);
                    if (!_holdsLease) return;
                    continue;
                }

                if (handled > 0) continue;
                if (untilIdle && _holdsLease) return;
                await listener.WaitAsync(poll, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await renewing.CancelAsync();
            try
            {
                await renewer;
            }
            catch (OperationCanceledException)
            {
            }

            if (_holdsLease)
            {
                _holdsLease = false;
                try
                {
                    await _store.ReleaseLeaseAsync(CancellationToken.None);
                }
                catch (NpgsqlException e)
                {
                    _log($"alert dispatcher could not release its lease (it expires by itself): {e.Message}");
                }
            }
        }
    }

    private async Task RenewLeaseAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        var every = lease / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var held = await _store.TryAcquireLeaseAsync(lease, cancellationToken);
                if (held != _holdsLease) _log(held ? $"alert dispatcher {Holder} delivers" : $"alert dispatcher {Holder} stands by: another holds the lease");
                _holdsLease = held;
            }
            catch (NpgsqlException e)
            {
                _holdsLease = false;
                _log($"alert dispatcher could not renew its lease: {e.Message}");
            }

            await Task.Delay(every, _time, cancellationToken);
        }
    }

    /// <summary>Takes the lease if free (for callers driving passes themselves, e.g. tests); false when another holds it.</summary>
    public async Task<bool> TryTakeLeaseAsync(CancellationToken cancellationToken)
    {
        _holdsLease = await _store.TryAcquireLeaseAsync(TimeSpan.FromSeconds(_options.LeaseSeconds), cancellationToken);
        return _holdsLease;
    }

    /// <summary>
    /// One pass: handles every pending row (up to a limit per source) together: one dedupe transaction, every Kafka
    /// message in flight at once, webhooks concurrently, then one transaction recording every outcome. Returns how many.
    /// </summary>
    public async Task<int> DispatchPendingAsync(CancellationToken cancellationToken)
    {
        var phase = Stopwatch.StartNew();
        var pending = (await _store.PendingAsync(PassLimit, cancellationToken)).OrderBy(a => a.IsClinical ? 0 : 1).ThenBy(a => a.Id).ToList();
        if (pending.Count == 0) return 0;
        Statistics.CountPass();
        var done = await _store.ChannelsDoneAsync(pending.Select(a => a.Key).ToList(), cancellationToken);
        Statistics.AddReading(Lap(phase));
        var fresh = pending.Where(a => !done[a.Key].Contains("*")).ToList();
        var undecided = fresh.Where(a => a.Source != AlertSource.Pipeline && !done[a.Key].Any(c => c == "kafka" || c.StartsWith("webhook:", StringComparison.Ordinal))).ToList();
        var suppressed = undecided.Count == 0
            ? []
            : await _store.SuppressDuplicatesAsync(undecided, TimeSpan.FromSeconds(_options.DedupeWindowSeconds), cancellationToken);
        foreach (var _ in suppressed)
        {
            Statistics.CountDeduplicated();
            Statistics.CountHandled();
        }

        Statistics.AddDeduplicating(Lap(phase));

        var deliver = fresh.Where(a => !suppressed.Contains(a.Key)).ToList();
        var outcomes = new List<(string, ChannelOutcome)>();

        // Kafka first and all at once: the idempotent producer keeps each partition's order.
        if (_publisher is not null)
        {
            var publishing = deliver.Where(a => !done[a.Key].Contains("kafka")).Select(async alert =>
            {
                var topic = alert.Source == AlertSource.Pipeline ? _options.PipelineEventsTopic : _options.AlertsTopic;
                await _publisher.PublishAsync(topic, alert.Key, alert.ToKafkaJson(), cancellationToken);
                Statistics.CountPublished();
                return (alert.Key, new ChannelOutcome("kafka", "delivered", 1, topic));
            }).ToList();
            try
            {
                outcomes.AddRange(await Task.WhenAll(publishing));
                Statistics.AddPublishing(Lap(phase));
            }
            catch (Confluent.Kafka.KafkaException e)
            {
                // Record what the broker took; the rest is retried in the next pass.
                var taken = publishing.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList();
                if (taken.Count > 0) await _store.RecordAsync(taken, cancellationToken);
                _log($"alerts not published to Kafka yet: {e.Error.Reason}");
                return taken.Count;
            }
        }

        var sends = new List<Task<(string, ChannelOutcome)>>();
        using var gate = new SemaphoreSlim(WebhookConcurrency);
        foreach (var alert in deliver)
        {
            foreach (var route in WebhookRouting.RoutesFor(alert, _options.Webhooks))
            {
                var channel = WebhookRouting.Channel(route);
                if (done[alert.Key].Contains(channel)) continue;
                if (!_rateLimiter.TryAcquire(route.Name, alert.Kind, alert.RaisedAt))
                {
                    outcomes.Add((alert.Key, new ChannelOutcome(channel, "rate_limited", 0, $"more than {_options.RateLimitPerWindow} {alert.Kind} alerts in {_options.RateLimitWindowSeconds} s")));
                    Statistics.CountRateLimited();
                    continue;
                }

                sends.Add(SendGatedAsync(alert, route, channel, gate, cancellationToken));
            }
        }

        outcomes.AddRange(await Task.WhenAll(sends));
        Statistics.AddPosting(Lap(phase));
        foreach (var alert in deliver)
        {
            outcomes.Add((alert.Key, new ChannelOutcome("*", "dispatched", 0, null)));
            Statistics.CountHandled();
        }

        // Every outcome of the pass in one transaction: a crash before it repeats this pass's messages (at least once),
        // never an earlier pass's.
        await _store.RecordAsync(outcomes, cancellationToken);
        Statistics.AddRecording(Lap(phase));
        return pending.Count;
    }

    /// <summary>The time since the stopwatch last restarted, restarting it.</summary>
    private static TimeSpan Lap(Stopwatch watch)
    {
        var elapsed = watch.Elapsed;
        watch.Restart();
        return elapsed;
    }

    private async Task<(string, ChannelOutcome)> SendGatedAsync(Alert alert, WebhookRoute route, string channel, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return (alert.Key, await DeliverWebhookAsync(alert, route, channel, cancellationToken));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ChannelOutcome> DeliverWebhookAsync(Alert alert, WebhookRoute route, string channel, CancellationToken cancellationToken)
    {
        var body = alert.ToWebhookJson();
        var result = await _webhooks.SendAsync(new Uri(route.Url), body, cancellationToken);
        if (result.Delivered)
        {
            Statistics.CountWebhook();
            return new ChannelOutcome(channel, "delivered", result.Attempts, null);
        }

        _log($"alert {alert.Key} to webhook {route.Name}: {result.Error} after {result.Attempts} attempts; dead letter recorded");
        Statistics.CountDeadLettered();
        return new ChannelOutcome(channel, "dead_lettered", result.Attempts, result.Error, (route.Url, body));
    }

    private async Task RunMonitorsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await _monitors!.CheckAllAsync(now, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or Confluent.Kafka.KafkaException or TimeoutException)
        {
            _log($"operational monitors could not run: {e.Message}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _webhooks.Dispose();
        return ValueTask.CompletedTask;
    }
}
