namespace CareLake.Core.Scoring;

/// <summary>A Charlson Comorbidity Index.</summary>
/// <param name="Conditions">The groups counted, after the hierarchy, in table order.</param>
/// <param name="Index">The index with the 1987 Charlson weights (the one LACE uses).</param>
/// <param name="IndexQuan2011">The index with the Quan 2011 updated weights.</param>
public sealed record CharlsonResult(IReadOnlyList<CharlsonCondition> Conditions, int Index, int IndexQuan2011);

/// <summary>
/// The Charlson Comorbidity Index from ICD-10 diagnosis codes with the Quan 2005 coding algorithm
/// (<see cref="CharlsonConditions"/>). A code is read without its dots, surrounding spaces or case and belongs to every
/// group one of whose prefixes it starts with; codes that match no group are ignored. Each group counts once, and the
/// milder form of liver disease, diabetes and cancer is dropped when the more severe form is present.
/// ICD-10-CM codes are matched against the same prefixes: E08 and E09 (diabetes due to an underlying condition or a
/// drug), which the algorithm does not list, do not count.
/// </summary>
public static class Charlson
{
    public static CharlsonResult Score(IEnumerable<string?> icd10Codes)
    {
        ArgumentNullException.ThrowIfNull(icd10Codes);
        var present = new bool[CharlsonConditions.Groups.Count];
        foreach (var code in icd10Codes)
        {
            foreach (var condition in ConditionsOf(code))
            {
                present[(int)condition] = true;
            }
        }

        foreach (var (milder, severe) in CharlsonConditions.Hierarchy)
        {
            if (present[(int)severe]) present[(int)milder] = false;
        }

        var counted = CharlsonConditions.Groups.Where(g => present[(int)g.Condition]).ToList();
        return new CharlsonResult(
            [.. counted.Select(g => g.Condition)],
            counted.Sum(g => g.Weight1987),
            counted.Sum(g => g.WeightQuan2011));
    }

    /// <summary>The groups one code belongs to (none for an unknown, empty or null code).</summary>
    public static IReadOnlyList<CharlsonCondition> ConditionsOf(string? icd10Code)
    {
        var code = Normalize(icd10Code);
        if (code.Length == 0)
        {
            return [];
        }

        return
        [
            .. CharlsonConditions.Groups
                .Where(g => g.Prefixes.Any(prefix => code.StartsWith(prefix, StringComparison.Ordinal)))
                .Select(g => g.Condition),
        ];
    }

    /// <summary>"e11.22 " to "E1122".</summary>
    public static string Normalize(string? icd10Code) =>
        icd10Code is null ? "" : icd10Code.Trim().Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();

    public static string Code(this CharlsonCondition condition) => CharlsonConditions.Of(condition).Code;
}
