using System.Globalization;
using System.Text;

namespace CareLake.Core.Hl7;

/// <summary>MSA-1 in original acknowledgment mode (HL7 table 0008; clinical.md §8.4).</summary>
public enum Hl7AckCode
{
    /// <summary>AA: the message was accepted (and persisted).</summary>
    ApplicationAccept,

    /// <summary>AE: a content error; a corrected resend makes sense.</summary>
    ApplicationError,

    /// <summary>AR: a structural or unsupported message; a resend will not help.</summary>
    ApplicationReject,
}

/// <summary>HL7 table 0357, the error codes of ERR-3 (v2.5+) and ERR-1.4 (earlier versions).</summary>
public enum Hl7ErrorCode
{
    SegmentSequenceError = 100,
    RequiredFieldMissing = 101,
    DataTypeError = 102,
    TableValueNotFound = 103,
    UnsupportedMessageType = 200,
    UnsupportedEventCode = 201,
    UnsupportedProcessingId = 202,
    UnsupportedVersionId = 203,
    UnknownKeyIdentifier = 204,
    DuplicateKeyIdentifier = 205,
    ApplicationRecordLocked = 206,
    ApplicationInternalError = 207,
}

/// <summary>ERR-4 severity (HL7 table 0516).</summary>
public enum Hl7ErrorSeverity
{
    Error,
    Warning,
    Information,
    Fatal,
}

/// <summary>One error an acknowledgment reports in its ERR segment.</summary>
/// <param name="Code">The HL7 error code (ERR-3).</param>
/// <param name="SegmentId">The segment at fault (ERR-2.1), when one is.</param>
/// <param name="SegmentSequence">Which occurrence of that segment, 1-based (ERR-2.2).</param>
/// <param name="Field">The field number (ERR-2.3).</param>
/// <param name="Diagnostic">Details for the sender's support staff (ERR-7).</param>
/// <param name="Severity">ERR-4; <see cref="Hl7ErrorSeverity.Error"/> unless said otherwise.</param>
public sealed record Hl7AckError(
    Hl7ErrorCode Code,
    string? SegmentId = null,
    int? SegmentSequence = null,
    int? Field = null,
    string? Diagnostic = null,
    Hl7ErrorSeverity Severity = Hl7ErrorSeverity.Error)
{
    /// <summary>The ERR details of a message that could not be read.</summary>
    public static Hl7AckError From(Hl7ParseError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new Hl7AckError(error.ErrorCode, error.SegmentId, error.SegmentId is null ? null : 1, error.Field, error.Message);
    }
}

/// <summary>
/// Builds acknowledgments in original mode (clinical.md §8.4): an MSH with sender and receiver swapped, the original
/// version, processing id and delimiters, MSH-9 <c>ACK^trigger^ACK</c>, a new control id; an MSA with the code and the
/// original MSH-10; and an ERR segment when an error is given. Segments end in a carriage return.
/// </summary>
public static class Hl7Ack
{
    /// <summary>The version an acknowledgment declares when the message's own could not be read.</summary>
    public const string FallbackVersion = "2.5.1";

    public static string Code(this Hl7AckCode code) => code switch
    {
        Hl7AckCode.ApplicationAccept => "AA",
        Hl7AckCode.ApplicationError => "AE",
        Hl7AckCode.ApplicationReject => "AR",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>The acknowledgment of a parsed message.</summary>
    /// <param name="controlId">The acknowledgment's own MSH-10.</param>
    /// <param name="timestamp">MSH-7 of the acknowledgment.</param>
    /// <param name="text">MSA-3, a short text for the sender (e.g. why the message was not accepted).</param>
    /// <param name="error">The ERR segment's content; none when null.</param>
    public static string Build(Hl7Message message, Hl7AckCode code, string controlId, DateTimeOffset timestamp, string? text = null, Hl7AckError? error = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Build(message.Header, code, controlId, timestamp, text, error);
    }

    /// <summary>The acknowledgment of a message whose header was read (see <see cref="Build(Hl7Message, Hl7AckCode, string, DateTimeOffset, string?, Hl7AckError?)"/>).</summary>
    public static string Build(Hl7Header header, Hl7AckCode code, string controlId, DateTimeOffset timestamp, string? text = null, Hl7AckError? error = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentException.ThrowIfNullOrWhiteSpace(controlId);
        var d = header.Delimiters;
        var raw = header.Raw;
        var version = header.Version ?? FallbackVersion;
        var builder = new StringBuilder(256);
        Msh(builder, d,
            sendingApplication: raw?.ReceivingApplication ?? d.Encode(header.ReceivingApplication),
            sendingFacility: raw?.ReceivingFacility ?? d.Encode(header.ReceivingFacility),
            receivingApplication: raw?.SendingApplication ?? d.Encode(header.SendingApplication),
            receivingFacility: raw?.SendingFacility ?? d.Encode(header.SendingFacility),
            timestamp, MessageType(d, header.TriggerEvent, version), d.Encode(controlId), d.Encode(header.ProcessingId ?? "P"), d.Encode(version));
        Msa(builder, d, code, header.ControlId, text);
        if (error is not null) Err(builder, d, version, error);
        return builder.ToString();
    }

    /// <summary>
    /// The rejection (AR) of input that is not a readable message. When the header could be read as far as its
    /// delimiters, parties, version and control id are taken from it; otherwise the acknowledgment uses the default
    /// delimiters, names only this receiver and leaves MSA-2 empty.
    /// </summary>
    /// <param name="sendingApplication">This receiver's application name, used when the original receiver is unknown.</param>
    /// <param name="sendingFacility">This receiver's facility, used when the original receiver is unknown.</param>
    public static string Reject(Hl7ParseError error, string controlId, DateTimeOffset timestamp, string? sendingApplication = null, string? sendingFacility = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentException.ThrowIfNullOrWhiteSpace(controlId);
        if (error.PartialHeader is { } header)
        {
            return Build(header, Hl7AckCode.ApplicationReject, controlId, timestamp, error.Message, Hl7AckError.From(error));
        }

        var d = Hl7Delimiters.Default;
        var builder = new StringBuilder(256);
        Msh(builder, d, d.Encode(sendingApplication), d.Encode(sendingFacility), "", "", timestamp, MessageType(d, null, FallbackVersion), d.Encode(controlId), "P", FallbackVersion);
        Msa(builder, d, Hl7AckCode.ApplicationReject, null, error.Message);
        Err(builder, d, FallbackVersion, Hl7AckError.From(error));
        return builder.ToString();
    }

    /// <summary>MSH-9: <c>ACK^trigger^ACK</c>; the structure component exists from v2.3.1, and the trigger only when the message had one.</summary>
    private static string MessageType(Hl7Delimiters d, string? trigger, string version)
    {
        var withStructure = Hl7Versions.AtLeast(version, 2, 3, 1);
        if (trigger is null) return withStructure ? $"ACK{d.Component}{d.Component}ACK" : "ACK";
        return withStructure ? $"ACK{d.Component}{d.Encode(trigger)}{d.Component}ACK" : $"ACK{d.Component}{d.Encode(trigger)}";
    }

    private static void Msh(StringBuilder builder, Hl7Delimiters d, string sendingApplication, string sendingFacility, string receivingApplication,
        string receivingFacility, DateTimeOffset timestamp, string messageType, string controlId, string processingId, string version)
    {
        builder.Append("MSH").Append(d.Field).Append(d.EncodingCharacters);
        Fields(builder, d, sendingApplication, sendingFacility, receivingApplication, receivingFacility, Timestamp(timestamp), "", messageType, controlId, processingId, version);
        builder.Append('\r');
    }

    private static void Msa(StringBuilder builder, Hl7Delimiters d, Hl7AckCode code, string? originalControlId, string? text)
    {
        builder.Append("MSA");
        Fields(builder, d, code.Code(), d.Encode(originalControlId), d.Encode(text));
        builder.Append('\r');
    }

    /// <summary>
    /// v2.5+: ERR-2 location (segment^sequence^field), ERR-3 code^text^HL70357, ERR-4 severity, ERR-7 diagnostic.
    /// Earlier versions: ERR-1 segment^sequence^field^code&amp;text&amp;HL70357.
    /// </summary>
    private static void Err(StringBuilder builder, Hl7Delimiters d, string version, Hl7AckError error)
    {
        var location = string.Join(d.Component, d.Encode(error.SegmentId), Number(error.SegmentSequence), Number(error.Field));
        var codeNumber = ((int)error.Code).ToString(CultureInfo.InvariantCulture);
        builder.Append("ERR");
        if (Hl7Versions.AtLeast(version, 2, 5))
        {
            var code = string.Join(d.Component, codeNumber, d.Encode(Describe(error.Code)), "HL70357");
            Fields(builder, d, "", error.SegmentId is null ? "" : location, code, Severity(error.Severity), "", "", d.Encode(error.Diagnostic));
        }
        else
        {
            var code = string.Join(d.Subcomponent, codeNumber, d.Encode(Describe(error.Code)), "HL70357");
            Fields(builder, d, string.Join(d.Component, location, code));
        }

        builder.Append('\r');
    }

    private static void Fields(StringBuilder builder, Hl7Delimiters d, params string[] fields)
    {
        var last = fields.Length;
        while (last > 0 && fields[last - 1].Length == 0) last--;
        for (var i = 0; i < last; i++) builder.Append(d.Field).Append(fields[i]);
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Severity(Hl7ErrorSeverity severity) => severity switch
    {
        Hl7ErrorSeverity.Warning => "W",
        Hl7ErrorSeverity.Information => "I",
        Hl7ErrorSeverity.Fatal => "F",
        _ => "E",
    };

    private static string Describe(Hl7ErrorCode code) => code switch
    {
        Hl7ErrorCode.SegmentSequenceError => "Segment sequence error",
        Hl7ErrorCode.RequiredFieldMissing => "Required field missing",
        Hl7ErrorCode.DataTypeError => "Data type error",
        Hl7ErrorCode.TableValueNotFound => "Table value not found",
        Hl7ErrorCode.UnsupportedMessageType => "Unsupported message type",
        Hl7ErrorCode.UnsupportedEventCode => "Unsupported event code",
        Hl7ErrorCode.UnsupportedProcessingId => "Unsupported processing id",
        Hl7ErrorCode.UnsupportedVersionId => "Unsupported version id",
        Hl7ErrorCode.UnknownKeyIdentifier => "Unknown key identifier",
        Hl7ErrorCode.DuplicateKeyIdentifier => "Duplicate key identifier",
        Hl7ErrorCode.ApplicationRecordLocked => "Application record locked",
        _ => "Application internal error",
    };

    /// <summary>DTM with seconds and offset, <c>YYYYMMDDHHMMSS±ZZZZ</c>.</summary>
    private static string Timestamp(DateTimeOffset t)
    {
        var sign = t.Offset < TimeSpan.Zero ? '-' : '+';
        var offset = t.Offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{t:yyyyMMddHHmmss}{sign}{offset.Hours:D2}{offset.Minutes:D2}");
    }
}
