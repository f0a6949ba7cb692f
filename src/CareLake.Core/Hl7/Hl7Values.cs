using System.Globalization;

namespace CareLake.Core.Hl7;

/// <summary>HL7 DTM (and the first component of TS): <c>YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]</c>.</summary>
public static class Hl7DateTime
{
    /// <summary>
    /// Reads a timestamp; missing parts take their lowest value (a date is its midnight), and a value without an offset
    /// takes <paramref name="defaultOffset"/> (the sender's zone, when it is known). False for anything else: wrong
    /// length, non-digits, impossible dates or times, offsets beyond ±14:00.
    /// </summary>
    public static bool TryParse(string? text, TimeSpan defaultOffset, out DateTimeOffset value)
    {
        value = default;
        var s = text.AsSpan().Trim();
        if (s.IsEmpty) return false;

        var offset = defaultOffset;
        var zoneAt = s.IndexOfAny('+', '-');
        if (zoneAt >= 0)
        {
            if (!TryParseOffset(s[zoneAt..], out offset)) return false;
            s = s[..zoneAt];
        }

        var fraction = 0L;
        var dot = s.IndexOf('.');
        if (dot >= 0)
        {
            var digits = s[(dot + 1)..];
            if (digits.Length is < 1 or > 4 || dot != 14 || !AllDigits(digits)) return false;
            fraction = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) * (long)Math.Pow(10, 7 - digits.Length);
            s = s[..dot];
        }

        if (s.Length is not (4 or 6 or 8 or 10 or 12 or 14) || !AllDigits(s)) return false;
        var year = Part(s, 0, 4, 1);
        var month = Part(s, 4, 2, 1);
        var day = Part(s, 6, 2, 1);
        var hour = Part(s, 8, 2, 0);
        var minute = Part(s, 10, 2, 0);
        var second = Part(s, 12, 2, 0);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;

        value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fraction);
        return true;
    }

    /// <summary>The calendar date of a DT/DTM value as written (its own zone, not converted); false unless year, month and day are all there.</summary>
    public static bool TryParseDate(string? text, out DateOnly value)
    {
        value = default;
        var s = text.AsSpan().Trim();
        if (s.Length < 8 || !TryParse(text, TimeSpan.Zero, out var parsed)) return false;
        value = DateOnly.FromDateTime(parsed.DateTime);
        return true;
    }

    private static bool TryParseOffset(ReadOnlySpan<char> zone, out TimeSpan offset)
    {
        offset = default;
        if (zone.Length != 5 || !AllDigits(zone[1..])) return false;
        var hours = Part(zone, 1, 2, 0);
        var minutes = Part(zone, 3, 2, 0);
        if (minutes > 59 || hours * 60 + minutes > 14 * 60) return false;
        offset = new TimeSpan(hours, minutes, 0);
        if (zone[0] == '-') offset = -offset;
        return true;
    }

    private static int Part(ReadOnlySpan<char> s, int start, int length, int missing) =>
        s.Length >= start + length ? int.Parse(s.Slice(start, length), NumberStyles.None, CultureInfo.InvariantCulture) : missing;

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9') return false;
        }

        return true;
    }
}

/// <summary>HL7 NM: an optional sign, digits and an optional decimal point (no exponent, no thousands separator).</summary>
public static class Hl7Number
{
    public static bool TryParse(string? text, out decimal value)
    {
        value = default;
        var s = text.AsSpan().Trim();
        if (s.IsEmpty) return false;
        var digits = s[0] is '+' or '-' ? s[1..] : s;
        var sawDigit = false;
        var sawPoint = false;
        foreach (var c in digits)
        {
            if (c is >= '0' and <= '9') sawDigit = true;
            else if (c == '.' && !sawPoint) sawPoint = true;
            else return false;
        }

        return sawDigit && decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>HL7 version ids (MSH-12), e.g. <c>2.3</c>, <c>2.5.1</c>, <c>2.8</c>.</summary>
public static class Hl7Versions
{
    /// <summary>Whether <paramref name="version"/> is at least major.minor.patch; false when it is not a version id.</summary>
    public static bool AtLeast(string? version, int major, int minor, int patch = 0)
    {
        var parts = (version ?? "").Trim().Split('.');
        Span<int> numbers = [0, 0, 0];
        for (var i = 0; i < Math.Min(parts.Length, 3); i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return false;
        }

        return (numbers[0], numbers[1], numbers[2]).CompareTo((major, minor, patch)) >= 0;
    }
}
