namespace CareLake.Core.Scoring;

/// <summary>ACVPU level of consciousness. Any level other than Alert scores 3 in NEWS2 (RCP 2017, Chart 1).</summary>
public enum Consciousness
{
    Alert,
    NewConfusion,
    Voice,
    Pain,
    Unresponsive,
}

/// <summary>The one-letter ACVPU codes of <see cref="Consciousness"/>.</summary>
public static class Acvpu
{
    /// <summary>A, C, V, P or U to the level; any other code is read as the most severe, U.</summary>
    public static Consciousness FromCode(char code) => code switch
    {
        'A' => Consciousness.Alert,
        'C' => Consciousness.NewConfusion,
        'V' => Consciousness.Voice,
        'P' => Consciousness.Pain,
        _ => Consciousness.Unresponsive,
    };
}

/// <summary>NEWS2 clinical-risk bands (RCP 2017, Chart 3).</summary>
public enum News2Band
{
    Low,
    LowMedium,
    Medium,
    High,
}

/// <summary>The seven NEWS2 parameters of one observation set; null means not measured.</summary>
/// <param name="Spo2Scale">1 (target 94–98%) or 2 (hypercapnic respiratory failure, target 88–92%).</param>
public sealed record News2Input(
    decimal? RespiratoryRate,
    decimal? Spo2,
    int Spo2Scale,
    bool? OnSupplementalOxygen,
    decimal? SystolicBp,
    decimal? HeartRate,
    Consciousness? Consciousness,
    decimal? TemperatureCelsius);

/// <summary>Per-parameter NEWS2 scores; null where the parameter could not be scored.</summary>
public sealed record News2SubScores(
    int? RespiratoryRate,
    int? Spo2,
    int? Oxygen,
    int? SystolicBp,
    int? HeartRate,
    int? Consciousness,
    int? Temperature)
{
    public IEnumerable<int?> All => [RespiratoryRate, Spo2, Oxygen, SystolicBp, HeartRate, Consciousness, Temperature];

    /// <summary>True when all seven parameters were scored.</summary>
    public bool IsComplete =>
        RespiratoryRate.HasValue && Spo2.HasValue && Oxygen.HasValue && SystolicBp.HasValue && HeartRate.HasValue &&
        Consciousness.HasValue && Temperature.HasValue;

    /// <summary>The aggregate score; null unless all seven parameters were scored.</summary>
    public int? Total => RespiratoryRate + Spo2 + Oxygen + SystolicBp + HeartRate + Consciousness + Temperature;

    /// <summary>True when any scored parameter is a "red score" of 3.</summary>
    public bool HasRedScore =>
        RespiratoryRate == 3 || Spo2 == 3 || Oxygen == 3 || SystolicBp == 3 || HeartRate == 3 || Consciousness == 3 || Temperature == 3;
}

/// <summary>A NEWS2 result. <see cref="Total"/> and <see cref="Band"/> are null unless all seven parameters were scored.</summary>
public sealed record News2Result(News2SubScores SubScores, int? Total, News2Band? Band, IReadOnlyList<string> MissingParameters)
{
    public bool IsComplete => Total is not null;
}

/// <summary>
/// National Early Warning Score 2 (Royal College of Physicians, 2017), Chart 1 scoring and Chart 3 bands.
/// Values are rounded half away from zero before banding: rates, SpO2 and SBP to whole numbers,
/// temperature to one decimal (the RCP bands are written that way).
/// </summary>
public static class News2
{
    public static News2Result Score(News2Input input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var sub = new News2SubScores(
            RespiratoryRate: input.RespiratoryRate is { } rr ? ScoreRespiratoryRate(rr) : null,
            Spo2: ScoreSpo2(input.Spo2, input.Spo2Scale, input.OnSupplementalOxygen),
            Oxygen: input.OnSupplementalOxygen is { } o2 ? ScoreOxygen(o2) : null,
            SystolicBp: input.SystolicBp is { } sbp ? ScoreSystolicBp(sbp) : null,
            HeartRate: input.HeartRate is { } hr ? ScoreHeartRate(hr) : null,
            Consciousness: input.Consciousness is { } c ? ScoreConsciousness(c) : null,
            Temperature: input.TemperatureCelsius is { } t ? ScoreTemperature(t) : null);

        var missing = Missing(input);
        return missing.Count == 0 && sub.Total is { } total
            ? new News2Result(sub, total, BandOf(total, sub.HasRedScore), missing)
            : new News2Result(sub, null, null, missing);
    }

    /// <summary>The contract names of the parameters that were not measured (none for a complete set: no allocation).</summary>
    private static IReadOnlyList<string> Missing(News2Input input)
    {
        if (input.RespiratoryRate is not null && input.Spo2 is not null && input.OnSupplementalOxygen is not null &&
            input.SystolicBp is not null && input.HeartRate is not null && input.Consciousness is not null && input.TemperatureCelsius is not null)
        {
            return [];
        }

        var missing = new List<string>(7);
        if (input.RespiratoryRate is null) missing.Add("respiratory_rate");
        if (input.Spo2 is null) missing.Add("spo2");
        if (input.OnSupplementalOxygen is null) missing.Add("on_supplemental_oxygen");
        if (input.SystolicBp is null) missing.Add("systolic_bp");
        if (input.HeartRate is null) missing.Add("heart_rate");
        if (input.Consciousness is null) missing.Add("consciousness");
        if (input.TemperatureCelsius is null) missing.Add("temperature");
        return missing;
    }

    /// <summary>Chart 3 precedence: total ≥ 7 high; ≥ 5 medium; a single red score low-medium; otherwise low.</summary>
    public static News2Band BandOf(int total, bool hasRedScore) => total switch
    {
        >= 7 => News2Band.High,
        >= 5 => News2Band.Medium,
        _ when hasRedScore => News2Band.LowMedium,
        _ => News2Band.Low,
    };

    public static int ScoreRespiratoryRate(decimal breathsPerMinute) => Whole(breathsPerMinute) switch
    {
        <= 8 => 3,
        <= 11 => 1,
        <= 20 => 0,
        <= 24 => 2,
        _ => 3,
    };

    /// <summary>SpO2 on scale 1 (any oxygen) or scale 2, where ≥ 93% scores 0 on air and 1–3 on oxygen.</summary>
    /// <returns>Null when scale 2 needs the oxygen flag (SpO2 ≥ 93%) and it is unknown, or the scale is not 1 or 2.</returns>
    public static int? ScoreSpo2(decimal? percent, int scale, bool? onOxygen)
    {
        if (percent is not { } value)
        {
            return null;
        }

        var spo2 = Whole(value);
        return scale switch
        {
            1 => spo2 switch
            {
                <= 91 => 3,
                <= 93 => 2,
                <= 95 => 1,
                _ => 0,
            },
            2 => spo2 switch
            {
                <= 83 => 3,
                <= 85 => 2,
                <= 87 => 1,
                <= 92 => 0,
                _ when onOxygen is null => null,
                _ when onOxygen == false => 0,
                <= 94 => 1,
                <= 96 => 2,
                _ => 3,
            },
            _ => null,
        };
    }

    public static int ScoreOxygen(bool onSupplementalOxygen) => onSupplementalOxygen ? 2 : 0;

    public static int ScoreSystolicBp(decimal mmHg) => Whole(mmHg) switch
    {
        <= 90 => 3,
        <= 100 => 2,
        <= 110 => 1,
        <= 219 => 0,
        _ => 3,
    };

    public static int ScoreHeartRate(decimal beatsPerMinute) => Whole(beatsPerMinute) switch
    {
        <= 40 => 3,
        <= 50 => 1,
        <= 90 => 0,
        <= 110 => 1,
        <= 130 => 2,
        _ => 3,
    };

    public static int ScoreConsciousness(Consciousness level) => level == Consciousness.Alert ? 0 : 3;

    public static int ScoreTemperature(decimal celsius) => Math.Round(celsius, 1, MidpointRounding.AwayFromZero) switch
    {
        <= 35.0m => 3,
        <= 36.0m => 1,
        <= 38.0m => 0,
        <= 39.0m => 1,
        _ => 2,
    };

    public static string Code(this News2Band band) => band switch
    {
        News2Band.Low => "low",
        News2Band.LowMedium => "low-medium",
        News2Band.Medium => "medium",
        News2Band.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(band), band, null),
    };

    private static decimal Whole(decimal value) => Math.Round(value, 0, MidpointRounding.AwayFromZero);
}
