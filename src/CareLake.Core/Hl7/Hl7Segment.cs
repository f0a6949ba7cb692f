namespace CareLake.Core.Hl7;

/// <summary>
/// One segment of a message. Fields are numbered as HL7 documents them: field <c>n</c> is the n-th item after the
/// segment id; in MSH, field 1 is the field separator itself and field 2 the encoding characters (clinical.md §8.2).
/// Values are split on the message's own delimiters first and their escape sequences decoded after, so an escaped
/// delimiter never splits a value.
/// </summary>
public sealed class Hl7Segment
{
    private readonly string[] _fields;

    internal Hl7Segment(string id, int index, string[] fields, Hl7Delimiters delimiters)
    {
        Id = id;
        Index = index;
        _fields = fields;
        Delimiters = delimiters;
    }

    /// <summary>The segment id, e.g. <c>PID</c> or a Z-segment's <c>ZPI</c>.</summary>
    public string Id { get; }

    /// <summary>The 0-based position of the segment in its message (MSH is 0).</summary>
    public int Index { get; }

    public Hl7Delimiters Delimiters { get; }

    /// <summary>The number of the last field present (trailing empty fields included, as sent).</summary>
    public int FieldCount => _fields.Length - 1;

    /// <summary>Whether field <paramref name="field"/> is present in the segment, even if empty.</summary>
    public bool Has(int field) => field >= 1 && field < _fields.Length;

    /// <summary>The field as sent, delimiters and escape sequences included; null when the segment ends before it.</summary>
    public string? Raw(int field) => Has(field) ? _fields[field] : null;

    /// <summary>
    /// One value, decoded: field, repetition (0-based), component and sub-component (1-based). Null when the segment,
    /// field, repetition, component or sub-component is absent (the segment ends before it); <c>""</c> when it is present
    /// but empty. MSH-1 and MSH-2 are returned whole.
    /// </summary>
    public string? Get(int field, int repetition = 0, int component = 1, int subcomponent = 1)
    {
        if (!Has(field) || repetition < 0 || component < 1 || subcomponent < 1) return null;
        var raw = _fields[field];
        if (Id == "MSH" && field <= 2) return repetition == 0 && component == 1 && subcomponent == 1 ? raw : null;
        var value = Nth(raw, Delimiters.Repetition, repetition);
        value = value is null ? null : Nth(value, Delimiters.Component, component - 1);
        value = value is null ? null : Nth(value, Delimiters.Subcomponent, subcomponent - 1);
        return value is null ? null : Delimiters.Decode(value);
    }

    /// <summary>A whole component with its sub-components decoded and joined by <paramref name="separator"/>, skipping empty ones.</summary>
    public string? GetJoined(int field, int repetition, int component, string separator)
    {
        if (!Has(field) || Id == "MSH" && field <= 2) return Get(field, repetition, component);
        var value = Nth(_fields[field], Delimiters.Repetition, repetition);
        value = value is null ? null : Nth(value, Delimiters.Component, component - 1);
        if (value is null) return null;
        var parts = value.Split(Delimiters.Subcomponent).Select(Delimiters.Decode).Where(p => p.Trim().Length > 0);
        return string.Join(separator, parts);
    }

    /// <summary>How many repetitions the field has: 0 when absent, 1 for an empty or single value.</summary>
    public int RepetitionCount(int field)
    {
        if (!Has(field)) return 0;
        if (Id == "MSH" && field <= 2) return 1;
        return _fields[field].Split(Delimiters.Repetition).Length;
    }

    /// <summary>A DTM/TS value (see <see cref="Hl7DateTime.TryParse"/>); null when not valued or not a valid timestamp.</summary>
    public DateTimeOffset? GetDateTime(int field, int repetition = 0, int component = 1, TimeSpan? defaultOffset = null) =>
        Hl7DateTime.TryParse(Get(field, repetition, component), defaultOffset ?? TimeSpan.Zero, out var value) ? value : null;

    /// <summary>An NM value (see <see cref="Hl7Number.TryParse"/>); null when not valued or not a number.</summary>
    public decimal? GetNumber(int field, int repetition = 0, int component = 1) =>
        Hl7Number.TryParse(Get(field, repetition, component), out var value) ? value : null;

    /// <summary>The segment as sent (without its terminator).</summary>
    public override string ToString() => Id == "MSH"
        ? string.Concat("MSH", _fields[1], string.Join(Delimiters.Field, _fields.Skip(2)))
        : string.Join(Delimiters.Field, _fields);

    /// <summary>The <paramref name="n"/>-th (0-based) part of <paramref name="text"/> split on <paramref name="separator"/>; null when there are fewer parts.</summary>
    private static string? Nth(string text, char separator, int n)
    {
        var start = 0;
        for (var i = 0; i < n; i++)
        {
            var next = text.IndexOf(separator, start);
            if (next < 0) return null;
            start = next + 1;
        }

        var end = text.IndexOf(separator, start);
        return end < 0 ? text[start..] : text[start..end];
    }
}
