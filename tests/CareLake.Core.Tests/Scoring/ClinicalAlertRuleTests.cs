using CareLake.Core.Scoring;

namespace CareLake.Core.Tests.Scoring;

public class ClinicalAlertRuleTests
{
    [Fact]
    public void Aggregate_of_seven_or_more_is_a_critical_alert()
    {
        // Example H: 9, high.
        var alert = ClinicalAlertRule.Evaluate(News2.Score(new News2Input(8, 92, 1, false, 100, 41, Consciousness.Alert, 36.0m)));
        Assert.NotNull(alert);
        Assert.Equal(("news2_high", "critical"), (alert.Kind, alert.Severity));
        Assert.Contains("NEWS2 9", alert.Reason, StringComparison.Ordinal);
        Assert.Contains("respiratory rate", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_red_score_is_a_high_alert()
    {
        // Example C: RR 26 scores 3, total 3.
        var alert = ClinicalAlertRule.Evaluate(News2.Score(new News2Input(26, 96, 1, false, 130, 80, Consciousness.Alert, 37.2m)));
        Assert.NotNull(alert);
        Assert.Equal(("news2_red_score", "high"), (alert.Kind, alert.Severity));
    }

    [Fact]
    public void Medium_band_without_red_score_raises_nothing()
    {
        // Example B: 6, medium, no single 3.
        Assert.Null(ClinicalAlertRule.Evaluate(News2.Score(new News2Input(22, 95, 1, false, 105, 95, Consciousness.Alert, 38.3m))));
    }

    [Fact]
    public void A_red_score_in_an_incomplete_set_still_alerts()
    {
        var alert = ClinicalAlertRule.Evaluate(News2.Score(new News2Input(null, null, 1, null, 85, null, null, null)));
        Assert.NotNull(alert);
        Assert.Equal("news2_red_score", alert.Kind);
        Assert.Contains("incomplete", alert.Reason, StringComparison.Ordinal);
    }
}
