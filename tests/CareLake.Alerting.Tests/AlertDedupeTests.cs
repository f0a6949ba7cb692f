using System.Text.Json.Nodes;

namespace CareLake.Alerting.Tests;

/// <summary>The dedupe decision on its own: windows, ordering within a pass, replays and counts.</summary>
public class AlertDedupeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static Alert Clinical(long id, string patient, DateTimeOffset raised, string severity = "high") =>
        new(AlertSource.Clinical, id, "news2_high", severity, patient, null, "NEWS2 7", raised, $"clinical:{patient}:news2_high:{severity}", new JsonObject());

    [Fact]
    public void The_first_alert_of_a_key_is_delivered_and_its_repeats_within_the_window_are_suppressed_in_order()
    {
        var alerts = new[] { Clinical(1, "p1", T0), Clinical(2, "p1", T0.AddMinutes(5)), Clinical(3, "p2", T0.AddMinutes(6)), Clinical(4, "p1", T0.AddMinutes(14)) };
        var decision = AlertDedupe.Decide(alerts, new Dictionary<string, DedupeEntry>(), Window);
        Assert.Equal([("clinical-2", "clinical-1"), ("clinical-4", "clinical-1")], decision.Suppressed.Select(s => (s.Alert.Key, s.RepeatOf)));
        var p1 = decision.Changed.Single(c => c.DedupeKey == "clinical:p1:news2_high:high");
        Assert.Equal(("clinical-1", T0, 2L), (p1.AlertKey, p1.RaisedAt, p1.Suppressed));
        Assert.Equal("clinical-3", decision.Changed.Single(c => c.DedupeKey == "clinical:p2:news2_high:high").AlertKey);
    }

    [Fact]
    public void An_alert_past_the_window_is_delivered_and_becomes_the_keys_latest()
    {
        var latest = new Dictionary<string, DedupeEntry> { ["clinical:p1:news2_high:high"] = new("clinical:p1:news2_high:high", "clinical-1", T0) };
        var alerts = new[] { Clinical(7, "p1", T0 + Window), Clinical(8, "p1", T0 + Window + TimeSpan.FromMinutes(1)) };
        var decision = AlertDedupe.Decide(alerts, latest, Window);
        Assert.Equal(["clinical-8"], decision.Suppressed.Select(s => s.Alert.Key));
        Assert.Equal(new DedupeEntry("clinical:p1:news2_high:high", "clinical-7", T0 + Window, 1), decision.Changed.Single());
    }

    [Fact]
    public void A_different_severity_is_another_key_a_replayed_latest_is_delivered_again_and_an_older_alert_is_not_a_repeat()
    {
        var latest = new Dictionary<string, DedupeEntry> { ["clinical:p1:news2_high:high"] = new("clinical:p1:news2_high:high", "clinical-5", T0) };
        var alerts = new[] { Clinical(5, "p1", T0), Clinical(6, "p1", T0.AddMinutes(1), "medium"), Clinical(3, "p1", T0.AddMinutes(-1)) };
        var decision = AlertDedupe.Decide(alerts, latest, Window);
        Assert.Empty(decision.Suppressed);
        Assert.Equal(T0, decision.Changed.Single(c => c.DedupeKey == "clinical:p1:news2_high:high").RaisedAt);
        Assert.Equal("clinical-3", decision.Changed.Single(c => c.DedupeKey == "clinical:p1:news2_high:high").AlertKey);
    }

    [Fact]
    public void A_zero_window_suppresses_nothing()
    {
        var alerts = new[] { Clinical(1, "p1", T0), Clinical(2, "p1", T0) };
        Assert.Empty(AlertDedupe.Decide(alerts, new Dictionary<string, DedupeEntry>(), TimeSpan.Zero).Suppressed);
    }
}
