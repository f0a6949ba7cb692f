using System.Globalization;
using System.Text;

namespace CareLake.Generator.Outputs.Hl7;

/// <summary>HL7 v2 delimiters, escapes and timestamps (clinical.md §8.3).</summary>
public static class Hl7Encoding
{
    public const char FieldSeparator = '|';
    public const char ComponentSeparator = '^';
    public const char RepetitionSeparator = '~';
    public const char EscapeCharacter = '\\';
    public const char SubcomponentSeparator = '&';
    public const string EncodingCharacters = "^~\\&";
    public const char SegmentTerminator = '\r';

    /// <summary>Escapes the delimiters in a text value: \F\ \S\ \T\ \R\ \E\, and line breaks as \.br\.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (text.AsSpan().IndexOfAny("|^~\\&\r\n") < 0) return text;
        var builder = new StringBuilder(text.Length + 8);
        foreach (var ch in text)
        {
            builder.Append(ch switch
            {
                FieldSeparator => "\\F\\",
                ComponentSeparator => "\\S\\",
                SubcomponentSeparator => "\\T\\",
                RepetitionSeparator => "\\R\\",
                EscapeCharacter => "\\E\\",
                '\r' or '\n' => "\\.br\\",
                _ => ch.ToString(),
            });
        }

        return builder.ToString().Replace("\\.br\\\\.br\\", "\\.br\\", StringComparison.Ordinal);
    }

    /// <summary>The inverse of <see cref="Escape"/>.</summary>
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains(EscapeCharacter, StringComparison.Ordinal)) return text;
        return text.Replace("\\F\\", "|", StringComparison.Ordinal)
            .Replace("\\S\\", "^", StringComparison.Ordinal)
            .Replace("\\T\\", "&", StringComparison.Ordinal)
            .Replace("\\R\\", "~", StringComparison.Ordinal)
            .Replace("\\.br\\", "\n", StringComparison.Ordinal)
            .Replace("\\E\\", "\\", StringComparison.Ordinal);
    }

    /// <summary>DTM with seconds and offset: <c>YYYYMMDDHHMMSS±ZZZZ</c>.</summary>
    public static string Timestamp(DateTimeOffset t)
    {
        var offset = t.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{t:yyyyMMddHHmmss}{sign}{abs.Hours:D2}{abs.Minutes:D2}");
    }

    public static string Date(DateOnly d) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
