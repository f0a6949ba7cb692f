using System.Text.RegularExpressions;
using CareLake.Core.Hl7;

namespace CareLake.Interop.Hl7;

/// <summary>OBX-7 reference ranges as laboratories write them.</summary>
public static partial class Hl7ReferenceRange
{
    /// <summary>OBX-7 as <c>low-high</c>, <c>low - high</c> or <c>low to high</c>; <c>&lt;x</c>/<c>&lt;=x</c> an upper and <c>&gt;x</c>/<c>&gt;=x</c> a lower bound only.</summary>
    public static (decimal? Low, decimal? High) Parse(string? range)
    {
        if (range is null) return (null, null);
        var between = RangePattern().Match(range);
        if (between.Success) return (Number(between.Groups["low"].Value), Number(between.Groups["high"].Value));
        var bound = BoundPattern().Match(range);
        if (!bound.Success) return (null, null);
        var value = Number(bound.Groups["value"].Value);
        return bound.Groups["op"].Value.StartsWith('<') ? (null, value) : (value, null);
    }

    private static decimal? Number(string text) => Hl7Number.TryParse(text, out var value) ? value : null;

    [GeneratedRegex(@"^\s*(?<low>-?\d+(\.\d+)?|-?\.\d+)\s*(-|to)\s*(?<high>-?\d+(\.\d+)?|-?\.\d+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"^\s*(?<op><=?|>=?)\s*(?<value>-?\d+(\.\d+)?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex BoundPattern();
}
