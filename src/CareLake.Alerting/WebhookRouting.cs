using CareLake.Core.Configuration;

namespace CareLake.Alerting;

/// <summary>Which webhook routes an alert goes to: kind (or its group, <c>clinical</c>/<c>operational</c>) and minimum severity.</summary>
public static class WebhookRouting
{
    public static IEnumerable<WebhookRoute> RoutesFor(Alert alert, IEnumerable<WebhookRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(routes);
        if (alert.Source == AlertSource.Pipeline) return [];
        var group = Alert.SourceName(alert.Source);
        var rank = Severities.IndexOf(alert.Severity);
        return routes.Where(r =>
            (r.Kinds.Count == 0 || r.Kinds.Contains(alert.Kind, StringComparer.Ordinal) || r.Kinds.Contains(group, StringComparer.Ordinal)) &&
            rank >= Severities.IndexOf(r.MinSeverity));
    }

    public static string Channel(WebhookRoute route) => "webhook:" + route.Name;
}

/// <summary>
/// At most N webhook messages per route and alert kind in a sliding window of raised times. Counts live in the
/// dispatcher's memory: a restarted dispatcher starts with empty windows.
/// </summary>
public sealed class AlertRateLimiter(int perWindow, TimeSpan window)
{
    private readonly Dictionary<(string Route, string Kind), Queue<DateTimeOffset>> _sent = [];

    /// <summary>True (and counted) when the alert may go to the route now; false when the route's window for its kind is full.</summary>
    public bool TryAcquire(string route, string kind, DateTimeOffset raisedAt)
    {
        if (!_sent.TryGetValue((route, kind), out var times)) _sent[(route, kind)] = times = new Queue<DateTimeOffset>();
        while (times.Count > 0 && times.Peek() <= raisedAt - window) times.Dequeue();
        if (times.Count >= perWindow) return false;
        times.Enqueue(raisedAt);
        return true;
    }
}
