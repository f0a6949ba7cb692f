using CareLake.Core.Vitals;

namespace CareLake.Interop.Synthea;

/// <summary>Which Synthea observation rows are vital signs (their codes: <see cref="VitalSignCodes"/>).</summary>
public static class SyntheaVitalCodes
{
    /// <summary>Synthea's observation category of vital signs.</summary>
    public const string VitalSignsCategory = "vital-signs";

    /// <summary>Synthea's observation category of laboratory results.</summary>
    public const string LaboratoryCategory = "laboratory";

    /// <summary>
    /// Whether an observation row is a vital sign: its CATEGORY is <c>vital-signs</c>, or, in exports without a
    /// CATEGORY column, its code is one of NEWS2's parameters.
    /// </summary>
    /// <param name="category">The row's CATEGORY; null when the file has no such column.</param>
    public static bool IsVitalSign(string? category, string? code) => category is null
        ? code is not null && VitalSignCodes.News2Parameters.Contains(code.Trim())
        : string.Equals(category.Trim(), VitalSignsCategory, StringComparison.OrdinalIgnoreCase);
}
