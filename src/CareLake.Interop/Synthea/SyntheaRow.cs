using System.Globalization;
using CareLake.Core.Contracts;

namespace CareLake.Interop.Synthea;

/// <summary>
/// Typed access to the fields of one Synthea CSV row by column name. The first problem found is kept in
/// <see cref="Rejection"/> (with the column as its field); later reads return null, so a mapper reads every field
/// and checks once.
/// </summary>
internal sealed class SyntheaRow(SyntheaColumns columns, string[] fields, string eventId)
{
    private static readonly string[] TimestampFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    public Rejection? Rejection { get; private set; }
    public bool Failed => Rejection is not null;

    public bool HasColumn(string column) => columns.Has(column);

    public void Fail(RejectionReason reason, string message, string? column) =>
        Rejection ??= new Rejection(reason, message, column, eventId);

    /// <summary>The field's text; null when the column is absent or the field empty (a failure when required).</summary>
    public string? Text(string column, bool required = false)
    {
        var value = columns.IndexOf(column) is { } i && i < fields.Length ? fields[i] : null;
        if (!string.IsNullOrWhiteSpace(value)) return value;
        if (required)
        {
            Fail(RejectionReason.MissingField, columns.Has(column) ? $"{column} is required but empty" : $"{column} is required but the file has no such column", column);
        }

        return null;
    }

    /// <summary>A date (<c>yyyy-MM-dd</c>, read as 00:00Z) or an RFC 3339 timestamp.</summary>
    public DateTimeOffset? Instant(string column, bool required = false)
    {
        var text = Text(column, required);
        if (text is null) return null;
        if (TryParseInstant(text.Trim(), out var instant)) return instant;
        Fail(RejectionReason.InvalidValue, $"{column} must be a date (yyyy-MM-dd) or an RFC 3339 timestamp; got '{Truncate(text)}'", column);
        return null;
    }

    /// <summary>A calendar date: <c>yyyy-MM-dd</c>, or the date part of an RFC 3339 timestamp as written.</summary>
    public DateOnly? Date(string column, bool required = false) =>
        Instant(column, required) is { } instant ? DateOnly.FromDateTime(instant.DateTime) : null;

    public decimal? Number(string column, bool required = false)
    {
        var text = Text(column, required);
        if (text is null) return null;
        if (TryParseNumber(text, out var number)) return number;
        Fail(RejectionReason.WrongType, $"{column} must be a number; got '{Truncate(text)}'", column);
        return null;
    }

    public static bool TryParseNumber(string text, out decimal number) =>
        decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    public static string Truncate(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    private static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        if (text.Length == 10)
        {
            var ok = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date);
            instant = ok ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : default;
            return ok;
        }

        return DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
    }
}
