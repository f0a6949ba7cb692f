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
    private static readonly IReadOnlySet<string> NoKeys = new HashSet<string>();
    private Task _recording = Task.CompletedTask;
    private volatile IReadOnlySet<string> _recordingKeys = NoKeys;
    private volatile IReadOnlyList<DedupeEntry> _recordingDedupe = [];

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
        // The monitors and the cursors run beside the passes, so a slow broker query never holds an alert back; a script's
        // run (untilIdle) does them once, after delivering.
        var housekeeping = untilIdle ? Task.CompletedTask : HousekeepAsync(renewing.Token);
        var housekept = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var handled = 0;
                if (_holdsLease)
                {
                    try
                    {
                        handled = await PassAsync(cancellationToken);
                        if (handled == 0) await AwaitRecordingAsync();
                        if (handled == 0 && untilIdle && !housekept)
                        {
                            // What the monitors raise is delivered by the next pass before the run ends.
                            housekept = true;
                            await HousekeepOnceAsync(cancellationToken);
                            continue;
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
            try
            {
                await AwaitRecordingAsync();
            }
            catch (Exception e) when (e is NpgsqlException or AlertLeaseLostException or OperationCanceledException)
            {
                _log($"alert dispatcher's last pass was not recorded (it will be delivered again): {e.Message}");
            }

            await renewing.CancelAsync();
            try
            {
                await renewer;
            }
            catch (OperationCanceledException)
            {
            }

            try
            {
                await housekeeping;
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
    /// One pass: handles every pending row (up to a limit per source) together: read with their decided channels in one
    /// round trip, dedupe decided in memory against the keys' recorded state, every Kafka message in flight at once and
    /// webhooks concurrently, then one transaction recording every outcome and the dedupe state. Returns how many.
    /// </summary>
    public async Task<int> DispatchPendingAsync(CancellationToken cancellationToken)
    {
        var handled = await PassAsync(cancellationToken);
        await AwaitRecordingAsync();
        return handled;
    }

    /// <summary>
    /// A pass whose recording is left running: the next pass reads, decides and sends while it commits (the rows in it
    /// are left out of that read, and its dedupe decisions are laid over what the next pass reads). At most one recording
    /// is in flight; a crash repeats the passes not yet recorded, never earlier ones.
    /// </summary>
    private async Task<int> PassAsync(CancellationToken cancellationToken)
    {
        var phase = Stopwatch.StartNew();
        var recording = _recordingKeys; // taken before the read: whatever it holds commits, if at all, after the read began
        var read = (await _store.PendingAsync(PassLimit, cancellationToken)).Where(p => !recording.Contains(p.Alert.Key)).ToList();
        if (read.Count == 0) return 0;
        Statistics.CountPass();
        var pending = read.OrderBy(p => p.Alert.IsClinical ? 0 : 1).ThenBy(p => p.Alert.Id).ToList();
        var done = pending.ToDictionary(p => p.Alert.Key, p => p.Done, StringComparer.Ordinal);
        Statistics.AddReading(Lap(phase));

        var fresh = pending.Select(p => p.Alert).Where(a => !done[a.Key].Contains("*")).ToList();
        var undecided = fresh.Where(a => a.Source != AlertSource.Pipeline && !done[a.Key].Any(c => c == "kafka" || c.StartsWith("webhook:", StringComparison.Ordinal))).ToList();
        var decision = undecided.Count == 0
            ? new DedupeDecision([], [])
            : AlertDedupe.Decide(undecided, await DedupeStateAsync(undecided, cancellationToken), TimeSpan.FromSeconds(_options.DedupeWindowSeconds));
        var outcomes = new List<(string, ChannelOutcome)>();
        foreach (var (alert, repeatOf) in decision.Suppressed)
        {
            outcomes.Add((alert.Key, new ChannelOutcome("*", "deduplicated", 0, "repeat of " + repeatOf)));
            Statistics.CountDeduplicated();
            Statistics.CountHandled();
        }

        Statistics.AddDeduplicating(Lap(phase));
        var suppressed = decision.Suppressed.Select(s => s.Alert.Key).ToHashSet(StringComparer.Ordinal);
        var deliver = fresh.Where(a => !suppressed.Contains(a.Key)).ToList();

        // Webhooks and Kafka at the same time; every Kafka message in flight at once (the idempotent producer keeps each
        // partition's order), webhooks up to a concurrency limit.
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

        var posting = TimedAsync(Task.WhenAll(sends), Statistics.AddPosting);
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
                outcomes.AddRange(await TimedAsync(Task.WhenAll(publishing), Statistics.AddPublishing));
            }
            catch (Confluent.Kafka.KafkaException e)
            {
                // Record what the broker took, the webhooks' outcomes and the pass's decisions; the rest of Kafka is retried in the next pass.
                var taken = publishing.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result).ToList();
                taken.AddRange(await posting);
                taken.AddRange(outcomes);
                await AwaitRecordingAsync();
                if (taken.Count > 0) await _store.RecordAsync(taken, cancellationToken, decision.Changed);
                _log($"alerts not published to Kafka yet: {e.Error.Reason}");
                return taken.Count;
            }
        }

        outcomes.AddRange(await posting);
        foreach (var alert in deliver)
        {
            outcomes.Add((alert.Key, new ChannelOutcome("*", "dispatched", 0, null)));
            Statistics.CountHandled();
        }

        // Every outcome of the pass in one transaction, once the previous pass's has committed: a crash before it repeats
        // this pass's messages (at least once), never an earlier recorded pass's.
        await AwaitRecordingAsync();
        _recordingKeys = pending.Select(p => p.Alert.Key).ToHashSet(StringComparer.Ordinal);
        _recordingDedupe = decision.Changed;
        // Not cancelled with the dispatcher: what was sent is recorded even when it is stopping, so a restart does not send it again.
        _recording = RecordAsync(outcomes, decision.Changed, CancellationToken.None);
        return pending.Count;
    }

    private async Task RecordAsync(List<(string, ChannelOutcome)> outcomes, IReadOnlyList<DedupeEntry> dedupe, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await _store.RecordAsync(outcomes, cancellationToken, dedupe);
            Statistics.AddRecording(clock.Elapsed);
        }
        finally
        {
            _recordingKeys = NoKeys;
            _recordingDedupe = [];
        }
    }

    /// <summary>Waits for the recording in flight, if any; its failure (e.g. a lost lease) surfaces here, once.</summary>
    private async Task AwaitRecordingAsync()
    {
        var recording = _recording;
        _recording = Task.CompletedTask;
        await recording;
    }

    /// <summary>The dedupe keys' recorded state, with the decisions of the pass still being recorded laid over it.</summary>
    private async Task<Dictionary<string, DedupeEntry>> DedupeStateAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var inFlight = _recordingDedupe;
        var state = await _store.DedupeStateAsync(alerts.Select(a => a.DedupeKey), cancellationToken);
        foreach (var entry in inFlight) state[entry.DedupeKey] = entry with { Suppressed = 0 };
        return state;
    }

    /// <summary>Awaits the work and adds the time it took from now to <paramref name="add"/>.</summary>
    private static async Task<T> TimedAsync<T>(Task<T> work, Action<TimeSpan> add)
    {
        var clock = Stopwatch.StartNew();
        var result = await work;
        add(clock.Elapsed);
        return result;
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

    /// <summary>
    /// How often the cursors move. They only bound the ids a pass reads (the ids handled above them are remembered), and
    /// rows settle for 30 s before a cursor may pass them, so moving them more often buys nothing; each move was seen to
    /// cost the passes beside it tens of milliseconds.
    /// </summary>
    private static readonly TimeSpan CursorMoveInterval = TimeSpan.FromSeconds(30);

    /// <summary>Every monitor interval the operational monitors, every 30 s the cursors, while this dispatcher holds the lease.</summary>
    private async Task HousekeepAsync(CancellationToken cancellationToken)
    {
        var nextMonitors = _time.GetUtcNow();
        var nextCursorMove = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            if (_holdsLease)
            {
                try
                {
                    if (_monitors is not null && now >= nextMonitors)
                    {
                        nextMonitors = now + TimeSpan.FromSeconds(_options.MonitorIntervalSeconds);
                        await RunMonitorsAsync(now, cancellationToken);
                    }

                    if (now >= nextCursorMove)
                    {
                        nextCursorMove = now + CursorMoveInterval;
                        await _store.AdvanceCursorsAsync(cancellationToken);
                    }
                }
                catch (AlertLeaseLostException e)
                {
                    _log(e.Message);
                }
                catch (NpgsqlException e)
                {
                    _log($"alert cursors not moved: {e.Message}");
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, _options.PollIntervalMs)), _time, cancellationToken);
        }
    }

    private async Task HousekeepOnceAsync(CancellationToken cancellationToken)
    {
        if (_monitors is not null) await RunMonitorsAsync(_time.GetUtcNow(), cancellationToken);
        await _store.AdvanceCursorsAsync(cancellationToken);
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
