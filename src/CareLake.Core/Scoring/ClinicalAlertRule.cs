namespace CareLake.Core.Scoring;

/// <summary>A clinical alert to raise for one observation set.</summary>
/// <param name="Kind"><c>news2_high</c> (aggregate ≥ 7) or <c>news2_red_score</c> (a single parameter scored 3).</param>
/// <param name="Severity"><c>critical</c> for the emergency-response threshold, <c>high</c> for a red score.</param>
public sealed record ClinicalAlert(string Kind, string Severity, string Reason);

/// <summary>
/// When a vital-sign set raises an alert: the NEWS2 emergency-response threshold (aggregate ≥ 7) or any
/// single red score (RCP 2017, Chart 4). A red score raises an alert even when the set is incomplete:
/// the parameter that was measured is already alarming.
/// </summary>
public static class ClinicalAlertRule
{
    public const int EmergencyThreshold = 7;

    private static readonly string[] ParameterNames =
        ["respiratory rate", "SpO2", "supplemental oxygen", "systolic BP", "pulse", "consciousness", "temperature"];

    public static ClinicalAlert? Evaluate(News2Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Total is not >= EmergencyThreshold && !result.SubScores.HasRedScore)
        {
            return null; // most sets: decided without building the reason
        }

        var red = result.SubScores.All
            .Select((score, i) => (score, name: ParameterNames[i]))
            .Where(p => p.score == 3)
            .Select(p => p.name)
            .ToList();
        var redText = red.Count == 0 ? "" : $"; red score: {string.Join(", ", red)}";

        if (result.Total is >= EmergencyThreshold)
        {
            return new ClinicalAlert("news2_high", "critical", $"NEWS2 {result.Total} ≥ {EmergencyThreshold} (emergency response){redText}");
        }

        if (red.Count > 0)
        {
            var total = result.Total is { } t ? $"NEWS2 {t}" : "NEWS2 incomplete";
            return new ClinicalAlert("news2_red_score", "high", $"{total}{redText}");
        }

        return null;
    }
}
