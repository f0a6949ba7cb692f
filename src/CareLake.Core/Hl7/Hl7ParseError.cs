namespace CareLake.Core.Hl7;

/// <summary>Why bytes are not a readable HL7 v2 message.</summary>
public enum Hl7ParseErrorKind
{
    /// <summary>No bytes, or only white space and line ends.</summary>
    Empty,

    /// <summary>Larger than the size limit given to the parser.</summary>
    TooLarge,

    /// <summary>Control characters (NUL, MLLP framing bytes, …) where only text may stand.</summary>
    BinaryContent,

    /// <summary>The first segment is not MSH.</summary>
    MissingHeader,

    /// <summary>MSH-1 (the character after <c>MSH</c>) is missing or cannot be a field separator.</summary>
    InvalidFieldSeparator,

    /// <summary>MSH-2 is empty.</summary>
    MissingEncodingCharacters,

    /// <summary>MSH-2 is not 4 (or, v2.7+, 5) distinct delimiter characters.</summary>
    InvalidEncodingCharacters,

    /// <summary>MSH-9 (message code) is not valued.</summary>
    MissingMessageType,

    /// <summary>MSH-10 (message control id) is not valued.</summary>
    MissingControlId,

    /// <summary>A line that does not start with a segment id (three upper-case letters or digits, the first a letter).</summary>
    InvalidSegment,
}

/// <summary>
/// A precise reason why a message could not be read: what was wrong, where (segment position and id, field number as
/// HL7 counts it) and what was expected there.
/// </summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Message">What is wrong, for a person.</param>
/// <param name="SegmentIndex">The 0-based position of the offending segment in the message, when one is to blame.</param>
/// <param name="SegmentId">The offending segment's id (or the first characters of the line), when known.</param>
/// <param name="Field">The field number as HL7 documents it (MSH-1 is the field separator), when one is to blame.</param>
/// <param name="Expected">What should have been there.</param>
public sealed record Hl7ParseError(
    Hl7ParseErrorKind Kind,
    string Message,
    int? SegmentIndex = null,
    string? SegmentId = null,
    int? Field = null,
    string? Expected = null)
{
    /// <summary>The header fields that could be read before the failure (for an ACK to the sender), else null.</summary>
    public Hl7Header? PartialHeader { get; init; }

    /// <summary>The location as HL7 writes it, e.g. <c>MSH-10</c>; null when no segment is to blame.</summary>
    public string? Location => SegmentId is null ? null : Field is { } f ? $"{SegmentId}-{f}" : SegmentId;

    /// <summary>The HL7 error code (table 0357) an ACK reports for this failure.</summary>
    public Hl7ErrorCode ErrorCode => Kind switch
    {
        Hl7ParseErrorKind.MissingMessageType or Hl7ParseErrorKind.MissingControlId or Hl7ParseErrorKind.MissingEncodingCharacters => Hl7ErrorCode.RequiredFieldMissing,
        Hl7ParseErrorKind.InvalidFieldSeparator or Hl7ParseErrorKind.InvalidEncodingCharacters or Hl7ParseErrorKind.BinaryContent => Hl7ErrorCode.DataTypeError,
        Hl7ParseErrorKind.TooLarge => Hl7ErrorCode.ApplicationInternalError,
        _ => Hl7ErrorCode.SegmentSequenceError,
    };

    public override string ToString() => Location is { } at ? $"{at}: {Message}" : Message;
}

/// <summary>The outcome of <see cref="Hl7Message.Parse(string, int)"/>: the message, or the reason there is none.</summary>
public readonly struct Hl7ParseResult
{
    private Hl7ParseResult(Hl7Message? message, Hl7ParseError? error)
    {
        Message = message;
        Error = error;
    }

    public Hl7Message? Message { get; }
    public Hl7ParseError? Error { get; }
    public bool IsSuccess => Message is not null;

    public static Hl7ParseResult Success(Hl7Message message) => new(message ?? throw new ArgumentNullException(nameof(message)), null);
    public static Hl7ParseResult Failure(Hl7ParseError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator Hl7ParseResult(Hl7Message message) => Success(message);
    public static implicit operator Hl7ParseResult(Hl7ParseError error) => Failure(error);
}
