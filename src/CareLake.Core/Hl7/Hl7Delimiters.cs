using System.Globalization;
using System.Text;

namespace CareLake.Core.Hl7;

/// <summary>
/// The delimiters of one message, read from MSH-1 (field separator) and MSH-2 (component, repetition, escape and
/// sub-component characters, then the v2.7+ truncation character when present); clinical.md §8.3.
/// </summary>
public readonly record struct Hl7Delimiters(
    char Field,
    char Component,
    char Repetition,
    char Escape,
    char Subcomponent,
    char? Truncation = null)
{
    /// <summary><c>|</c> and <c>^~\&amp;</c>, the delimiters nearly every sender uses.</summary>
    public static Hl7Delimiters Default { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as it is written: four characters, five with a truncation character.</summary>
    public string EncodingCharacters => Truncation is { } t
        ? string.Concat(Component.ToString(), Repetition.ToString(), Escape.ToString(), Subcomponent.ToString(), t.ToString())
        : string.Concat(Component.ToString(), Repetition.ToString(), Escape.ToString(), Subcomponent.ToString());

    /// <summary>Writes a text value so that none of its characters is read as a delimiter (\F\ \S\ \T\ \R\ \E\; line breaks as \.br\).</summary>
    public string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == Field) builder.Append(Escape).Append('F').Append(Escape);
            else if (ch == Component) builder.Append(Escape).Append('S').Append(Escape);
            else if (ch == Subcomponent) builder.Append(Escape).Append('T').Append(Escape);
            else if (ch == Repetition) builder.Append(Escape).Append('R').Append(Escape);
            else if (ch == Escape) builder.Append(Escape).Append('E').Append(Escape);
            else if (ch is '\r' or '\n')
            {
                builder.Append(Escape).Append(".br").Append(Escape);
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            }
            else builder.Append(ch);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Reads the escape sequences of a value whose delimiters are already split off: \F\ \S\ \T\ \R\ \E\, \Xhh…\
    /// (hexadecimal bytes, read as UTF-8 when they are valid UTF-8, else ISO 8859-1), \.br\ as a line break, and \H\ /
    /// \N\ (highlighting on/off) dropped. Any other sequence, and an escape character without its closing one, is kept
    /// as written.
    /// </summary>
    public string Decode(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var start = raw.IndexOf(Escape, StringComparison.Ordinal);
        if (start < 0) return raw;
        var builder = new StringBuilder(raw.Length);
        builder.Append(raw, 0, start);
        var i = start;
        while (i < raw.Length)
        {
            var ch = raw[i];
            if (ch != Escape)
            {
                builder.Append(ch);
                i++;
                continue;
            }

            var close = raw.IndexOf(Escape, i + 1);
            if (close < 0)
            {
                builder.Append(raw, i, raw.Length - i);
                break;
            }

            var body = raw.AsSpan(i + 1, close - i - 1);
            if (DecodeSequence(body) is { } decoded)
            {
                builder.Append(decoded);
            }
            else
            {
                builder.Append(raw, i, close - i + 1);
            }

            i = close + 1;
        }

        return builder.ToString();
    }

    private string? DecodeSequence(ReadOnlySpan<char> body)
    {
        if (body.Length == 1)
        {
            return body[0] switch
            {
                'F' => Field.ToString(),
                'S' => Component.ToString(),
                'T' => Subcomponent.ToString(),
                'R' => Repetition.ToString(),
                'E' => Escape.ToString(),
                'H' or 'N' => "",
                _ => null,
            };
        }

        if (body.SequenceEqual(".br")) return "\n";
        if (body.Length >= 3 && body[0] == 'X' && (body.Length - 1) % 2 == 0) return DecodeHex(body[1..]);
        return null;
    }

    private static string? DecodeHex(ReadOnlySpan<char> hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var b = 0; b < bytes.Length; b++)
        {
            if (!byte.TryParse(hex.Slice(b * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[b])) return null;
        }

        return Hl7Text.Decode(bytes);
    }
}

/// <summary>Bytes to text as HL7 senders write them: UTF-8 when the bytes are valid UTF-8, else ISO 8859-1 (HL7 <c>8859/1</c>).</summary>
internal static class Hl7Text
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return StrictUtf8.GetString(bytes);
        return Encoding.Latin1.GetString(bytes);
    }
}
