namespace CareLake.Core.Hl7;

/// <summary>
/// One HL7 v2 message (v2.2 to v2.8), read with the delimiters its MSH declares. Segments end in CR, LF or CRLF;
/// blank lines and trailing delimiters are tolerated; every segment is kept, Z-segments included. Reading never throws
/// on bad input: <see cref="Parse(string, int)"/> returns the message or a precise <see cref="Hl7ParseError"/>.
/// </summary>
public sealed class Hl7Message
{
    /// <summary>The default size limit: 1 MiB, as for other inbound payloads.</summary>
    public const int DefaultMaxBytes = 1 << 20;

    private const string ExpectedSegmentId = "a segment id of three upper-case letters or digits starting with a letter, then the field separator";

    private Hl7Message(IReadOnlyList<Hl7Segment> segments, Hl7Header header)
    {
        AllSegments = segments;
        Header = header;
    }

    /// <summary>Every segment in order; MSH is the first.</summary>
    public IReadOnlyList<Hl7Segment> AllSegments { get; }

    public Hl7Header Header { get; }

    public Hl7Delimiters Delimiters => Header.Delimiters;

    /// <summary>The segments with this id, in order.</summary>
    public IEnumerable<Hl7Segment> Segments(string id) => AllSegments.Where(s => s.Id == id);

    /// <summary>The first segment with this id; null when there is none.</summary>
    public Hl7Segment? Segment(string id)
    {
        foreach (var segment in AllSegments)
        {
            if (segment.Id == id) return segment;
        }

        return null;
    }

    /// <summary>A value of the first segment with this id (see <see cref="Hl7Segment.Get"/>); null when there is no such segment or value.</summary>
    public string? Get(string segmentId, int field, int repetition = 0, int component = 1, int subcomponent = 1) =>
        Segment(segmentId)?.Get(field, repetition, component, subcomponent);

    /// <summary>The message as text, each segment ending in a carriage return.</summary>
    public override string ToString() => string.Concat(AllSegments.Select(s => s.ToString() + "\r"));

    /// <summary>
    /// Reads a message from bytes: UTF-8 (with or without a byte-order mark), or ISO 8859-1 when the bytes are not valid
    /// UTF-8. Control characters other than CR, LF and tab (e.g. NUL, or MLLP framing not yet removed) are rejected.
    /// </summary>
    /// <param name="bytes">One message, without MLLP framing.</param>
    /// <param name="maxBytes">Larger input is rejected (<see cref="Hl7ParseErrorKind.TooLarge"/>) without being read.</param>
    public static Hl7ParseResult Parse(ReadOnlySpan<byte> bytes, int maxBytes = DefaultMaxBytes)
    {
        if (bytes.Length > maxBytes) return TooLarge(bytes.Length, maxBytes, "bytes");
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (IsControl((char)bytes[i])) return Binary(bytes[i], i, "byte");
        }

        return ParseText(Hl7Text.Decode(bytes));
    }

    /// <summary>Reads a message from text; see <see cref="Parse(ReadOnlySpan{byte}, int)"/>.</summary>
    /// <param name="maxLength">Longer text (in characters) is rejected without being read.</param>
    public static Hl7ParseResult Parse(string text, int maxLength = DefaultMaxBytes)
    {
        if (text is null) return Empty();
        if (text.Length > maxLength) return TooLarge(text.Length, maxLength, "characters");
        if (text.StartsWith('\uFEFF')) text = text[1..];
        for (var i = 0; i < text.Length; i++)
        {
            if (IsControl(text[i])) return Binary(text[i], i, "character");
        }

        return ParseText(text);
    }

    private static Hl7ParseResult ParseText(string text)
    {
        var lines = text.Split(['\r', '\n']).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        if (lines.Count == 0) return Empty();

        var first = lines[0];
        if (!first.StartsWith("MSH", StringComparison.Ordinal))
        {
            var id = first.Length >= 3 ? first[..3] : first;
            var batch = id is "FHS" or "BHS" ? " (a batch file holds several messages: split it at each MSH first)" : "";
            return new Hl7ParseError(Hl7ParseErrorKind.MissingHeader, $"a message must start with an MSH segment, not '{Truncate(id)}'{batch}", 0, Truncate(id), null, "MSH");
        }

        if (ReadDelimiters(first, out var delimiterError) is not { } delimiters) return delimiterError!;

        var segments = new List<Hl7Segment>(lines.Count) { Msh(first, delimiters) };
        var header = Hl7Header.From(segments[0]);
        for (var i = 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!IsSegmentStart(line, delimiters.Field))
            {
                var id = Truncate(line.Length >= 3 ? line[..3] : line);
                return new Hl7ParseError(Hl7ParseErrorKind.InvalidSegment, $"line {i + 1} does not start a segment: '{Truncate(line, 40)}'", i, id, null, ExpectedSegmentId)
                {
                    PartialHeader = header,
                };
            }

            segments.Add(new Hl7Segment(line[..3], i, line.Split(delimiters.Field), delimiters));
        }

        if (header.MessageCode is null)
        {
            return new Hl7ParseError(Hl7ParseErrorKind.MissingMessageType, "MSH-9 (message type) is not valued", 0, "MSH", 9, "message code^trigger event[^message structure], e.g. ADT^A01^ADT_A01")
            {
                PartialHeader = header,
            };
        }

        if (header.ControlId is null)
        {
            return new Hl7ParseError(Hl7ParseErrorKind.MissingControlId, "MSH-10 (message control id) is not valued", 0, "MSH", 10, "a message control id unique for the sender")
            {
                PartialHeader = header,
            };
        }

        return new Hl7Message(segments, header);
    }

    /// <summary>MSH-1 is the character after "MSH"; MSH-2 runs from there to the next field separator.</summary>
    private static Hl7Delimiters? ReadDelimiters(string msh, out Hl7ParseError? error)
    {
        error = null;
        if (msh.Length < 4 || !IsDelimiterCandidate(msh[3]))
        {
            var found = msh.Length < 4 ? "nothing" : $"'{msh[3]}'";
            error = new Hl7ParseError(Hl7ParseErrorKind.InvalidFieldSeparator, $"MSH-1 (field separator) must follow 'MSH'; found {found}", 0, "MSH", 1, "a field separator such as |");
            return null;
        }

        var field = msh[3];
        var end = msh.IndexOf(field, 4);
        var encoding = end < 0 ? msh[4..] : msh[4..end];
        if (encoding.Length == 0)
        {
            error = new Hl7ParseError(Hl7ParseErrorKind.MissingEncodingCharacters, "MSH-2 (encoding characters) is empty", 0, "MSH", 2, @"the component, repetition, escape and sub-component characters, e.g. ^~\&");
            return null;
        }

        var distinct = encoding.Distinct().Count() == encoding.Length && !encoding.Contains(field, StringComparison.Ordinal);
        if (encoding.Length is not (4 or 5) || !distinct || !encoding.All(IsDelimiterCandidate))
        {
            error = new Hl7ParseError(Hl7ParseErrorKind.InvalidEncodingCharacters, $"MSH-2 (encoding characters) '{Truncate(encoding)}' is not 4 or 5 distinct delimiter characters", 0, "MSH", 2,
                @"4 distinct non-alphanumeric characters (component, repetition, escape, sub-component, e.g. ^~\&), and from v2.7 optionally a truncation character (#)");
            return null;
        }

        return new Hl7Delimiters(field, encoding[0], encoding[1], encoding[2], encoding[3], encoding.Length == 5 ? encoding[4] : null);
    }

    private static Hl7Segment Msh(string line, Hl7Delimiters delimiters)
    {
        var parts = line.Split(delimiters.Field);
        var fields = new string[parts.Length + 1];
        fields[0] = "MSH";
        fields[1] = delimiters.Field.ToString();
        Array.Copy(parts, 1, fields, 2, parts.Length - 1);
        return new Hl7Segment("MSH", 0, fields, delimiters);
    }

    private static bool IsSegmentStart(string line, char fieldSeparator) =>
        line.Length >= 3 && char.IsAsciiLetterUpper(line[0]) && IsUpperOrDigit(line[1]) && IsUpperOrDigit(line[2]) &&
        (line.Length == 3 || line[3] == fieldSeparator);

    private static bool IsUpperOrDigit(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);

    private static bool IsDelimiterCandidate(char c) => !char.IsAsciiLetterOrDigit(c) && !char.IsWhiteSpace(c) && !char.IsControl(c);

    private static bool IsControl(char c) => c < 0x20 && c is not ('\r' or '\n' or '\t');

    private static Hl7ParseError Empty() =>
        new(Hl7ParseErrorKind.Empty, "the message is empty", null, null, null, "an MSH segment");

    private static Hl7ParseError TooLarge(int size, int limit, string unit) =>
        new(Hl7ParseErrorKind.TooLarge, $"the message has {size} {unit}, more than the limit of {limit}", null, null, null, $"at most {limit} {unit}");

    private static Hl7ParseError Binary(int value, int offset, string unit)
    {
        var mllp = value is 0x0B or 0x1C ? " (MLLP framing must be removed before parsing)" : "";
        return new(Hl7ParseErrorKind.BinaryContent, $"control {unit} 0x{value:X2} at offset {offset}: this is not HL7 text{mllp}", null, null, null,
            "printable text with segments ending in CR, LF or CRLF");
    }

    private static string Truncate(string text, int length = 20) => text.Length <= length ? text : text[..length] + "…";
}
