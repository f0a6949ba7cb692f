namespace CareLake.Core.Contracts;

/// <summary>Why a record cannot enter silver. Each value has a stable snake_case code stored in quarantine rows.</summary>
public enum RejectionReason
{
    PayloadTooLarge,
    InvalidUtf8,
    MalformedJson,
    NotAnObject,
    MissingField,
    WrongType,
    InvalidValue,
    UnsupportedSchemaVersion,
    UnknownEventType,
    WrongTopic,
    NoMeasurements,
    ImplausibleValue,
    InconsistentValues,
    TimestampInFuture,

    /// <summary>An HL7 v2 message that cannot be read (no MSH, bad delimiters, MSH-9/MSH-10 missing, binary content).</summary>
    MalformedHl7,
}

public static class RejectionReasonCodes
{
    public static string Code(this RejectionReason reason) => reason switch
    {
        RejectionReason.PayloadTooLarge => "payload_too_large",
        RejectionReason.InvalidUtf8 => "invalid_utf8",
        RejectionReason.MalformedJson => "malformed_json",
        RejectionReason.NotAnObject => "not_an_object",
        RejectionReason.MissingField => "missing_field",
        RejectionReason.WrongType => "wrong_type",
        RejectionReason.InvalidValue => "invalid_value",
        RejectionReason.UnsupportedSchemaVersion => "unsupported_schema_version",
        RejectionReason.UnknownEventType => "unknown_event_type",
        RejectionReason.WrongTopic => "wrong_topic",
        RejectionReason.NoMeasurements => "no_measurements",
        RejectionReason.ImplausibleValue => "implausible_value",
        RejectionReason.InconsistentValues => "inconsistent_values",
        RejectionReason.TimestampInFuture => "timestamp_in_future",
        RejectionReason.MalformedHl7 => "malformed_hl7",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

/// <summary>A per-record failure: a value, not an exception. It becomes a quarantine row.</summary>
/// <param name="Reason">The machine-readable reason.</param>
/// <param name="Message">What is wrong, for a person.</param>
/// <param name="Field">The offending field, when one is to blame.</param>
/// <param name="EventId">The record's <c>event_id</c>, when it could be read.</param>
public sealed record Rejection(RejectionReason Reason, string Message, string? Field = null, string? EventId = null)
{
    public string Code => Reason.Code();
}

/// <summary>The outcome of parsing one record: a value or the reason it was rejected.</summary>
public readonly struct ParseResult<T> where T : class
{
    private ParseResult(T? value, Rejection? rejection)
    {
        Value = value;
        Rejection = rejection;
    }

    public T? Value { get; }
    public Rejection? Rejection { get; }
    public bool IsSuccess => Value is not null;

    public static ParseResult<T> Success(T value) => new(value, null);
    public static ParseResult<T> Failure(Rejection rejection) => new(null, rejection);

    public static implicit operator ParseResult<T>(T value) => Success(value);
    public static implicit operator ParseResult<T>(Rejection rejection) => Failure(rejection);
}
