using CareLake.Core.Contracts;

namespace CareLake.Core.Scoring;

/// <summary>LACE risk bands in common use: 0–4 low, 5–9 moderate, ≥ 10 high.</summary>
public enum LaceBand
{
    Low,
    Moderate,
    High,
}

/// <summary>A LACE index: the four component points, their total (0–19) and its band.</summary>
/// <param name="LengthOfStay">L: 0–7 points.</param>
/// <param name="Acuity">A: 3 for an emergent admission, else 0.</param>
/// <param name="Comorbidity">C: 0–3 for a Charlson index of 0–3, 5 for 4 or more.</param>
/// <param name="EmergencyVisits">E: 0–3 for 0–3 visits, 4 for 4 or more.</param>
public sealed record LaceScore(int LengthOfStay, int Acuity, int Comorbidity, int EmergencyVisits)
{
    public int Total => LengthOfStay + Acuity + Comorbidity + EmergencyVisits;

    public LaceBand Band => Lace.BandOf(Total);
}

/// <summary>
/// The LACE index for death or unplanned readmission within 30 days of discharge (van Walraven et al., CMAJ 2010).
/// <list type="bullet">
/// <item>L takes the length of stay in whole days as the date difference discharge − admission (a same-day stay is 0);
/// ≥ 14 days scores 7 (the original, not the 6 of "modified LACE").</item>
/// <item>C takes the Charlson Comorbidity Index with the 1987 weights (<see cref="Charlson"/>), not the comorbidity
/// weights of the "LACE tool"; an index of 4 or more scores 5.</item>
/// <item>E counts emergency-department visits in the 6 months before admission, excluding the visit that led to it.</item>
/// </list>
/// </summary>
public static class Lace
{
    /// <summary>Scores one discharge. A negative input is rejected as a value (<see cref="RejectionReason.InvalidValue"/>
    /// naming the field), never thrown.</summary>
    public static ParseResult<LaceScore> Score(int losDays, bool emergent, int charlsonIndex, int edVisitsPast6Months)
    {
        if (losDays < 0) return Negative("los_days", losDays);
        if (charlsonIndex < 0) return Negative("charlson", charlsonIndex);
        if (edVisitsPast6Months < 0) return Negative("ed_visits_6m", edVisitsPast6Months);

        return new LaceScore(
            LengthOfStayPoints(losDays),
            AcuityPoints(emergent),
            ComorbidityPoints(charlsonIndex),
            EmergencyVisitPoints(edVisitsPast6Months));
    }

    /// <summary>L: &lt; 1 day 0, 1 day 1, 2 days 2, 3 days 3, 4–6 days 4, 7–13 days 5, ≥ 14 days 7.</summary>
    public static int LengthOfStayPoints(int losDays) => losDays switch
    {
        < 1 => 0,
        <= 3 => losDays,
        <= 6 => 4,
        <= 13 => 5,
        _ => 7,
    };

    /// <summary>A: an emergent or urgent admission (through the emergency department) scores 3.</summary>
    public static int AcuityPoints(bool emergent) => emergent ? 3 : 0;

    /// <summary>C: a Charlson index of 0–3 scores itself; 4 or more scores 5.</summary>
    public static int ComorbidityPoints(int charlsonIndex) => charlsonIndex switch
    {
        < 1 => 0,
        <= 3 => charlsonIndex,
        _ => 5,
    };

    /// <summary>E: 0–3 visits score themselves; 4 or more score 4.</summary>
    public static int EmergencyVisitPoints(int visits) => Math.Clamp(visits, 0, 4);

    public static LaceBand BandOf(int total) => total switch
    {
        >= 10 => LaceBand.High,
        >= 5 => LaceBand.Moderate,
        _ => LaceBand.Low,
    };

    public static string Code(this LaceBand band) => band switch
    {
        LaceBand.Low => "low",
        LaceBand.Moderate => "moderate",
        LaceBand.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(band), band, null),
    };

    private static Rejection Negative(string field, int value) =>
        new(RejectionReason.InvalidValue, $"{field} must not be negative (got {value})", field);
}
