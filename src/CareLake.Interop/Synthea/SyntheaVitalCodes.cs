namespace CareLake.Interop.Synthea;

/// <summary>The LOINC codes of the vital signs NEWS2 scores (clinical.md §9.2), and which observation rows are vital signs.</summary>
public static class SyntheaVitalCodes
{
    public const string HeartRate = "8867-4";
    public const string RespiratoryRate = "9279-1";
    public const string OxygenSaturation = "2708-6";
    public const string PulseOximetry = "59408-5";
    public const string BodyTemperature = "8310-5";
    public const string SystolicBp = "8480-6";
    public const string DiastolicBp = "8462-4";

    /// <summary>Synthea's observation category of vital signs.</summary>
    public const string VitalSignsCategory = "vital-signs";

    /// <summary>Synthea's observation category of laboratory results.</summary>
    public const string LaboratoryCategory = "laboratory";

    public static IReadOnlySet<string> News2Parameters { get; } =
        new HashSet<string>(StringComparer.Ordinal) { HeartRate, RespiratoryRate, OxygenSaturation, PulseOximetry, BodyTemperature, SystolicBp, DiastolicBp };

    /// <summary>
    /// Whether an observation row is a vital sign: its CATEGORY is <c>vital-signs</c>, or, in exports without a
    /// CATEGORY column, its code is one of NEWS2's parameters.
    /// </summary>
    /// <param name="category">The row's CATEGORY; null when the file has no such column.</param>
    public static bool IsVitalSign(string? category, string? code) => category is null
        ? code is not null && News2Parameters.Contains(code.Trim())
        : string.Equals(category.Trim(), VitalSignsCategory, StringComparison.OrdinalIgnoreCase);
}
