using CareLake.Core.Contracts;
using CareLake.Core.Hl7;

namespace CareLake.Interop.Hl7;

/// <summary>
/// Reads the values a mapping needs from one message and remembers the first problem: a value that is present but
/// unreadable (a timestamp that is no DTM) becomes a rejection naming its field (e.g. <c>PV1-44</c>), instead of being
/// dropped silently. <c>""</c> (the HL7 null) and blanks count as not sent.
/// </summary>
internal sealed class Hl7Fields(TimeSpan defaultOffset, string eventId)
{
    public Rejection? Rejection { get; private set; }
    public bool Failed => Rejection is not null;

    /// <summary>A trimmed value; null when absent, empty or the HL7 null <c>""</c>.</summary>
    public static string? Text(Hl7Segment? segment, int field, int repetition = 0, int component = 1, int subcomponent = 1) =>
        Valued(segment?.Get(field, repetition, component, subcomponent));

    public static string? Valued(string? value)
    {
        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed == "\"\"" ? null : trimmed;
    }

    /// <summary>A DTM value; null when not sent; a rejection (and null) when sent but unreadable.</summary>
    public DateTimeOffset? Time(Hl7Segment? segment, int field, int repetition = 0, int component = 1)
    {
        var text = Text(segment, field, repetition, component);
        if (text is null) return null;
        if (Hl7DateTime.TryParse(text, defaultOffset, out var value)) return value;
        Fail(RejectionReason.InvalidValue, $"{segment!.Id}-{field} '{Truncate(text)}' is not an HL7 timestamp (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])", $"{segment.Id}-{field}");
        return null;
    }

    /// <summary>A calendar date (DT, or the date of a DTM); null when not sent or only a year/month; a rejection when unreadable.</summary>
    public DateOnly? Date(Hl7Segment? segment, int field)
    {
        var text = Text(segment, field);
        if (text is null) return null;
        if (Hl7DateTime.TryParseDate(text, out var date)) return date;
        if (Hl7DateTime.TryParse(text, defaultOffset, out _)) return null;
        Fail(RejectionReason.InvalidValue, $"{segment!.Id}-{field} '{Truncate(text)}' is not an HL7 date", $"{segment.Id}-{field}");
        return null;
    }

    public void Fail(RejectionReason reason, string message, string field) => Rejection ??= new Rejection(reason, message, field, eventId);

    public static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
