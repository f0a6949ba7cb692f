namespace CareLake.Generator.Encounters;

/// <summary>
/// Weekly, seasonal and daily rhythm of arrivals, as multipliers averaging about 1. Emergency admissions dip at
/// weekends and peak on Mondays; winter brings more respiratory illness; ED arrivals are fewest before dawn and
/// most from late morning to evening (patterns reported throughout the ED-crowding literature and HCUP data).
/// </summary>
internal static class AdmissionCalendar
{
    // Indexed by DayOfWeek (Sunday = 0).
    private static readonly double[] InpatientWeekday = [0.88, 1.13, 1.08, 1.05, 1.03, 1.0, 0.83];
    private static readonly double[] EmergencyWeekday = [0.97, 1.1, 1.02, 1.0, 0.98, 0.98, 0.95];

    // Local hour of day.
    private static readonly double[] EmergencyHour =
        [0.45, 0.35, 0.3, 0.27, 0.27, 0.32, 0.45, 0.7, 0.95, 1.2, 1.35, 1.4, 1.4, 1.38, 1.35, 1.32, 1.3, 1.3, 1.28, 1.2, 1.1, 0.95, 0.8, 0.6];

    // Admission orders land later than ED arrivals: the decision to admit comes hours after arrival.
    private static readonly double[] InpatientHour =
        [0.55, 0.45, 0.4, 0.35, 0.35, 0.4, 0.5, 0.7, 0.9, 1.05, 1.2, 1.3, 1.35, 1.4, 1.45, 1.45, 1.4, 1.35, 1.3, 1.2, 1.1, 0.95, 0.8, 0.65];

    public const double MaxModulation = 1.13 * 1.45 * 1.1;

    /// <summary>Seasonal cosine: +1 in mid-January, −1 in mid-July.</summary>
    public static double SeasonCosine(DateTimeOffset local) => Math.Cos(2 * Math.PI * (local.DayOfYear - 15) / 365.25);

    public static double Inpatient(DateTimeOffset local) =>
        InpatientWeekday[(int)local.DayOfWeek] * InpatientHour[local.Hour] * (1 + 0.08 * SeasonCosine(local));

    public static double Emergency(DateTimeOffset local) =>
        EmergencyWeekday[(int)local.DayOfWeek] * EmergencyHour[local.Hour] * (1 + 0.06 * SeasonCosine(local));

    /// <summary>An hour of the day drawn from the inpatient admission profile.</summary>
    public static int DrawInpatientHour(Randomness.DeterministicRandom random)
    {
        var total = InpatientHour.Sum();
        var target = random.NextDouble() * total;
        for (var h = 0; h < 24; h++)
        {
            target -= InpatientHour[h];
            if (target <= 0) return h;
        }

        return 23;
    }
}
