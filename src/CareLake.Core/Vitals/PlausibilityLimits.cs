namespace CareLake.Core.Vitals;

/// <summary>An inclusive range of physiologically possible values.</summary>
public readonly record struct PlausibleRange(decimal Min, decimal Max)
{
    public bool Contains(decimal value) => value >= Min && value <= Max;
    public override string ToString() => $"{Min}–{Max}";
}

/// <summary>
/// Hard validation limits that separate data errors from abnormal values (reference/clinical.md §10,
/// the "suggested hard limits" column). Extreme but possible values pass: NEWS2 needs them.
/// </summary>
public sealed record PlausibilityLimits
{
    public static PlausibilityLimits Adult { get; } = new();

    public PlausibleRange HeartRate { get; init; } = new(20, 300);
    public PlausibleRange RespiratoryRate { get; init; } = new(1, 70);
    public PlausibleRange Spo2 { get; init; } = new(50, 100);
    public PlausibleRange TemperatureCelsius { get; init; } = new(25, 45);
    public PlausibleRange SystolicBp { get; init; } = new(40, 300);
    public PlausibleRange DiastolicBp { get; init; } = new(10, 200);

    /// <summary>An unlabelled temperature in this range is read as °F (clinical.md §10, policy 1).</summary>
    public PlausibleRange FahrenheitGuess { get; init; } = new(70, 120);
}
