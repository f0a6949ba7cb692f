using System.Text.Json.Serialization;

namespace CareLake.Core.Configuration;

/// <summary>
/// Where and how alerts are delivered: config key <c>alerts</c>. Every setting documents its default; validated at
/// start-up with the rest of <see cref="CareLakeOptions"/>.
/// </summary>
public sealed record AlertOptions
{
    /// <summary>Whether a dispatcher runs at all (in <c>stream</c> and <c>serve</c>). Default true. Environment: <c>CARELAKE_ALERTS_ENABLED</c>.</summary>
    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; } = true;

    /// <summary>Webhook routes: each alert goes to every route whose kinds and minimum severity it matches. Default: none.</summary>
    [JsonPropertyName("webhooks")]
    public IReadOnlyList<WebhookRoute> Webhooks { get; init; } = [];

    /// <summary>Publish alerts to <see cref="AlertsTopic"/> and pipeline events to <see cref="PipelineEventsTopic"/> when Kafka is configured. Default true.</summary>
    [JsonPropertyName("kafka")]
    public bool Kafka { get; init; } = true;

    /// <summary>Topic of clinical and operational alerts. Default <c>carelake.alerts</c>.</summary>
    [JsonPropertyName("alerts_topic")]
    public string AlertsTopic { get; init; } = "carelake.alerts";

    /// <summary>Topic of pipeline events (runs and stages). Default <c>carelake.pipeline_events</c>.</summary>
    [JsonPropertyName("pipeline_events_topic")]
    public string PipelineEventsTopic { get; init; } = "carelake.pipeline_events";

    /// <summary>Retries of a failed webhook delivery before it becomes a dead letter. Default 5.</summary>
    [JsonPropertyName("webhook_retries")]
    public int WebhookRetries { get; init; } = 5;

    /// <summary>Delay before the first retry, in milliseconds; doubled for each further one (with jitter). Default 500.</summary>
    [JsonPropertyName("webhook_backoff_ms")]
    public int WebhookBackoffMs { get; init; } = 500;

    /// <summary>How long one webhook request may take, in milliseconds. Default 5,000.</summary>
    [JsonPropertyName("webhook_timeout_ms")]
    public int WebhookTimeoutMs { get; init; } = 5_000;

    /// <summary>An alert with the same dedupe key as one delivered within this many seconds (by raised time) is suppressed. Default 600.</summary>
    [JsonPropertyName("dedupe_window_seconds")]
    public int DedupeWindowSeconds { get; init; } = 600;

    /// <summary>Most webhook messages per route and alert kind within <see cref="RateLimitWindowSeconds"/>; more are recorded, not sent. Default 30.</summary>
    [JsonPropertyName("rate_limit_per_window")]
    public int RateLimitPerWindow { get; init; } = 30;

    /// <summary>The rate limit's sliding window, in seconds. Default 60.</summary>
    [JsonPropertyName("rate_limit_window_seconds")]
    public int RateLimitWindowSeconds { get; init; } = 60;

    /// <summary>How often the dispatcher looks for new rows when no notification arrives, in milliseconds. Default 1,000.</summary>
    [JsonPropertyName("poll_interval_ms")]
    public int PollIntervalMs { get; init; } = 1_000;

    /// <summary>How long a dispatcher's lease lasts without renewal, in seconds. Default 10.</summary>
    [JsonPropertyName("lease_seconds")]
    public int LeaseSeconds { get; init; } = 10;

    /// <summary>How often the operational monitors run, in seconds. Default 30.</summary>
    [JsonPropertyName("monitor_interval_seconds")]
    public int MonitorIntervalSeconds { get; init; } = 30;

    /// <summary>Consumer lag (messages behind the broker's end offsets, per topic) above which an alert is raised. Default 10,000.</summary>
    [JsonPropertyName("lag_threshold")]
    public long LagThreshold { get; init; } = 10_000;

    /// <summary>A source stream that received nothing for this many seconds raises <c>source_silent</c>. Default 900.</summary>
    [JsonPropertyName("silence_threshold_seconds")]
    public int SilenceThresholdSeconds { get; init; } = 900;

    /// <summary>Share of messages quarantined over <see cref="QuarantineWindowSeconds"/> above which an alert is raised. Default 0.05.</summary>
    [JsonPropertyName("quarantine_rate_threshold")]
    public double QuarantineRateThreshold { get; init; } = 0.05;

    /// <summary>The window of the quarantine rate, in seconds. Default 300.</summary>
    [JsonPropertyName("quarantine_window_seconds")]
    public int QuarantineWindowSeconds { get; init; } = 300;

    /// <summary>Fewest messages in the window before the quarantine rate counts. Default 100.</summary>
    [JsonPropertyName("quarantine_min_messages")]
    public int QuarantineMinMessages { get; init; } = 100;

    /// <exception cref="ConfigurationException">A setting is out of range.</exception>
    public void Validate()
    {
        Require(WebhookRetries is >= 0 and <= 20, "alerts.webhook_retries must be 0–20");
        Require(WebhookBackoffMs is >= 1 and <= 600_000, "alerts.webhook_backoff_ms must be 1–600,000");
        Require(WebhookTimeoutMs is >= 100 and <= 120_000, "alerts.webhook_timeout_ms must be 100–120,000");
        Require(DedupeWindowSeconds is >= 0 and <= 86_400, "alerts.dedupe_window_seconds must be 0–86,400");
        Require(RateLimitPerWindow >= 1, "alerts.rate_limit_per_window must be at least 1");
        Require(RateLimitWindowSeconds is >= 1 and <= 86_400, "alerts.rate_limit_window_seconds must be 1–86,400");
        Require(PollIntervalMs is >= 10 and <= 60_000, "alerts.poll_interval_ms must be 10–60,000");
        Require(LeaseSeconds is >= 2 and <= 600, "alerts.lease_seconds must be 2–600");
        Require(MonitorIntervalSeconds is >= 1 and <= 86_400, "alerts.monitor_interval_seconds must be 1–86,400");
        Require(LagThreshold >= 1, "alerts.lag_threshold must be at least 1");
        Require(SilenceThresholdSeconds >= 1, "alerts.silence_threshold_seconds must be at least 1");
        Require(QuarantineRateThreshold is > 0 and <= 1, "alerts.quarantine_rate_threshold must be above 0 and at most 1");
        Require(QuarantineWindowSeconds >= 1, "alerts.quarantine_window_seconds must be at least 1");
        Require(QuarantineMinMessages >= 1, "alerts.quarantine_min_messages must be at least 1");
        Require(!string.IsNullOrWhiteSpace(AlertsTopic) && !string.IsNullOrWhiteSpace(PipelineEventsTopic), "alerts.alerts_topic and alerts.pipeline_events_topic must not be empty");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in Webhooks)
        {
            Require(!string.IsNullOrWhiteSpace(route.Name) && names.Add(route.Name), "alerts.webhooks: each route needs a unique name");
            Require(Uri.TryCreate(route.Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps),
                $"alerts.webhooks '{route.Name}': url must be an absolute http(s) URL");
            Require(Severities.IndexOf(route.MinSeverity) >= 0, $"alerts.webhooks '{route.Name}': min_severity must be one of {string.Join(", ", Severities.All)}");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ConfigurationException($"Invalid setting: {message}.");
    }
}

/// <summary>A webhook (Slack-compatible: JSON with <c>text</c>) and the alerts it receives.</summary>
public sealed record WebhookRoute
{
    /// <summary>The route's name, used in delivery records (<c>webhook:NAME</c>). Required.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Where to POST. Required.</summary>
    [JsonPropertyName("url")]
    public string Url { get; init; } = "";

    /// <summary>Alert kinds it receives (e.g. <c>news2_high</c>, <c>task_failed</c>), or the groups <c>clinical</c> and <c>operational</c>. Default: every kind.</summary>
    [JsonPropertyName("kinds")]
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Lowest severity it receives: <c>info</c>, <c>warning</c>, <c>high</c> or <c>critical</c>. Default <c>info</c>.</summary>
    [JsonPropertyName("min_severity")]
    public string MinSeverity { get; init; } = "info";
}

/// <summary>Alert severities, lowest first.</summary>
public static class Severities
{
    public static IReadOnlyList<string> All { get; } = ["info", "warning", "high", "critical"];

    /// <summary>The rank of a severity (0 = info), or -1 when unknown.</summary>
    public static int IndexOf(string severity) => All.ToList().IndexOf(severity);
}
