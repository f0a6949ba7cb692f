namespace CareLake.Alerting;

/// <summary>
/// The last delivered alert of a dedupe key (<c>ops.alert_dedupe</c>); <see cref="Suppressed"/> is, in a decision, how
/// many more repeats it suppressed.
/// </summary>
public sealed record DedupeEntry(string DedupeKey, string AlertKey, DateTimeOffset RaisedAt, long Suppressed = 0);

/// <summary>What a pass's dedupe decided: the repeats (with the alert each repeats) and the keys' new state to record.</summary>
public sealed record DedupeDecision(IReadOnlyList<(Alert Alert, string RepeatOf)> Suppressed, IReadOnlyList<DedupeEntry> Changed);

/// <summary>
/// Deduplication: an alert repeats the last delivered alert of its dedupe key (same patient, kind and severity, or the
/// same operational situation) when raised less than the window after it, and is then suppressed on every channel.
/// </summary>
public static class AlertDedupe
{
    /// <summary>
    /// Decides the alerts in their order against each key's last delivered alert (<paramref name="latest"/>, as
    /// recorded), each delivered alert becoming its key's latest for the ones after it. An alert already its key's latest
    /// (a pass repeated after a crash) is delivered again, not suppressed.
    /// </summary>
    public static DedupeDecision Decide(IReadOnlyList<Alert> alerts, IReadOnlyDictionary<string, DedupeEntry> latest, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(latest);
        var state = new Dictionary<string, DedupeEntry>(latest, StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var suppressed = new List<(Alert, string)>();
        foreach (var alert in alerts)
        {
            if (state.TryGetValue(alert.DedupeKey, out var previous))
            {
                if (previous.AlertKey == alert.Key) continue;
                if (alert.RaisedAt >= previous.RaisedAt && alert.RaisedAt - previous.RaisedAt < window)
                {
                    state[alert.DedupeKey] = previous with { Suppressed = previous.Suppressed + 1 };
                    suppressed.Add((alert, previous.AlertKey));
                }
                else
                {
                    state[alert.DedupeKey] = previous with { AlertKey = alert.Key, RaisedAt = alert.RaisedAt > previous.RaisedAt ? alert.RaisedAt : previous.RaisedAt };
                }
            }
            else
            {
                state[alert.DedupeKey] = new DedupeEntry(alert.DedupeKey, alert.Key, alert.RaisedAt);
            }

            changed.Add(alert.DedupeKey);
        }

        return new DedupeDecision(suppressed, changed.Select(k => state[k]).ToList());
    }
}
