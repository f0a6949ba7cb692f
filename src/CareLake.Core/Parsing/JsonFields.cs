using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CareLake.Core.Contracts;

namespace CareLake.Core.Parsing;

/// <summary>
/// Typed access to the fields of one JSON event object. The first problem found is kept in
/// <see cref="Rejection"/>; later reads return null, so a parser reads every field and checks once.
/// </summary>
public sealed partial class JsonFields(JsonElement obj)
{
    public Rejection? Rejection { get; private set; }
    public string? EventId { get; set; }
    public bool Failed => Rejection is not null;

    public bool Has(string name) => obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public void Fail(RejectionReason reason, string message, string? field = null) =>
        Rejection ??= new Rejection(reason, message, field, EventId);

    public string? String(string name, bool required, int minLength = 0, int maxLength = int.MaxValue)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String)
        {
            Fail(RejectionReason.WrongType, $"'{name}' must be a string, not {Describe(v.ValueKind)}", name);
            return null;
        }

        string s;
        try
        {
            s = v.GetString()!;
        }
        catch (InvalidOperationException)
        {
            s = "\0"; // an unpaired surrogate escape: reported below
        }

        if (!IsStorableText(s))
        {
            Fail(RejectionReason.InvalidValue, $"'{name}' contains a NUL character or an unpaired surrogate escape, which text columns cannot hold", name);
            return null;
        }

        if (s.Length < minLength || s.Length > maxLength)
        {
            Fail(RejectionReason.InvalidValue, $"'{name}' must be {minLength}–{maxLength} characters long, not {s.Length}", name);
            return null;
        }

        return s;
    }

    public long? Integer(string name, bool required)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
        {
            Fail(RejectionReason.WrongType, $"'{name}' must be an integer, not {Describe(v.ValueKind)}", name);
            return null;
        }

        return n;
    }

    public decimal? Number(string name, bool required = false)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number)
        {
            Fail(RejectionReason.WrongType, $"'{name}' must be a number, not {Describe(v.ValueKind)}", name);
            return null;
        }

        if (!v.TryGetDecimal(out var d))
        {
            Fail(RejectionReason.ImplausibleValue, $"'{name}' is out of any numeric range", name);
            return null;
        }

        return d;
    }

    public bool? Boolean(string name, bool required = false)
    {
        if (!TryGet(name, required, out var v)) return null;
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Fail(RejectionReason.WrongType, $"'{name}' must be true or false, not {Describe(v.ValueKind)}", name);
            return null;
        }

        return v.GetBoolean();
    }

    /// <summary>An RFC 3339 timestamp: date, time and an explicit offset (<c>Z</c> or <c>±hh:mm</c>).</summary>
    public DateTimeOffset? Timestamp(string name, bool required)
    {
        var s = String(name, required);
        if (s is null) return null;
        if (!Rfc3339().IsMatch(s) ||
            !DateTimeOffset.TryParse(TrimFraction(s), CultureInfo.InvariantCulture, DateTimeStyles.None, out var ts))
        {
            Fail(RejectionReason.InvalidValue, $"'{name}' must be an RFC 3339 timestamp with an offset, e.g. 2026-11-02T08:15:00Z; got '{Truncate(s)}'", name);
            return null;
        }

        return ts;
    }

    public string? OneOf(string name, bool required, IReadOnlyCollection<string> allowed)
    {
        var s = String(name, required);
        if (s is null) return null;
        if (!allowed.Contains(s))
        {
            Fail(RejectionReason.InvalidValue, $"'{name}' must be one of {string.Join(", ", allowed)}; got '{Truncate(s)}'", name);
            return null;
        }

        return s;
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        if (Failed)
        {
            value = default;
            return false;
        }

        if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            Fail(RejectionReason.MissingField, $"required field '{name}' is missing", name);
        }

        return false;
    }

    /// <summary>False for text PostgreSQL cannot store: NUL characters and unpaired UTF-16 surrogates (from \u escapes).</summary>
    public static bool IsStorableText(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public static string Truncate(string s, int max = 64) => s.Length <= max ? s : string.Concat(s.AsSpan(0, max), "…");

    // .NET keeps 7 fractional digits; RFC 3339 allows any number.
    private static string TrimFraction(string s)
    {
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return s;
        var end = dot + 1;
        while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
        return end - dot - 1 <= 7 ? s : string.Concat(s.AsSpan(0, dot + 8), s.AsSpan(end));
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
