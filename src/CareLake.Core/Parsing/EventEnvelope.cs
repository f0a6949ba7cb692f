using System.Text.Json;
using CareLake.Core.Contracts;

namespace CareLake.Core.Parsing;

/// <summary>The fields every event carries (reference/event-contracts.md, "Common fields").</summary>
public sealed record EventEnvelope(
    string EventId,
    string EventType,
    DateTimeOffset OccurredAt,
    string? PatientId,
    string? EncounterId,
    string? SourceSystem);

/// <summary>Limits applied to every payload before it is parsed.</summary>
/// <param name="MaxPayloadBytes">Largest payload silver parses; larger ones are quarantined (bronze keeps them). Default 1 MiB.</param>
/// <param name="FutureTolerance">How far past its receive time an event's timestamps may lie (clock skew). Default 1 day.</param>
public sealed record PayloadLimits(int MaxPayloadBytes = 1 << 20, TimeSpan? FutureTolerance = null)
{
    public static PayloadLimits Default { get; } = new();
    public TimeSpan FutureToleranceOrDefault => FutureTolerance ?? TimeSpan.FromDays(1);
}

/// <summary>Opens a raw payload as a JSON event object and reads its envelope.</summary>
public static class EventEnvelopeReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    };

    /// <summary>
    /// Checks size, UTF-8 and JSON syntax, and that the payload is an object. On success the caller owns
    /// <paramref name="document"/> and must dispose it.
    /// </summary>
    public static Rejection? TryOpen(ReadOnlyMemory<byte> payload, PayloadLimits limits, out JsonDocument? document)
    {
        ArgumentNullException.ThrowIfNull(limits);
        document = null;
        if (payload.Length > limits.MaxPayloadBytes)
        {
            return new Rejection(RejectionReason.PayloadTooLarge,
                $"payload is {payload.Length:N0} bytes; the limit is {limits.MaxPayloadBytes:N0}");
        }

        if (!System.Text.Unicode.Utf8.IsValid(payload.Span))
        {
            return new Rejection(RejectionReason.InvalidUtf8, "payload is not valid UTF-8 text");
        }

        try
        {
            document = JsonDocument.Parse(payload, DocumentOptions);
        }
        catch (JsonException e)
        {
            return new Rejection(RejectionReason.MalformedJson, $"payload is not valid JSON: {FirstSentence(e.Message)}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = JsonFields.Describe(document.RootElement.ValueKind);
            document.Dispose();
            document = null;
            return new Rejection(RejectionReason.NotAnObject, $"payload must be a JSON object, not {kind}");
        }

        return null;
    }

    /// <summary>Reads the common fields; <paramref name="patientRequired"/> is false only for <c>ehr_access</c>.</summary>
    public static EventEnvelope? ReadEnvelope(JsonFields f, bool patientRequired = true)
    {
        ArgumentNullException.ThrowIfNull(f);
        var eventId = f.String("event_id", required: true, minLength: 1, maxLength: 128);
        f.EventId = eventId;
        var eventType = f.String("event_type", required: true, minLength: 1);
        var version = f.Integer("schema_version", required: true);
        if (version is { } v && v != EventTypes.SchemaVersion)
        {
            f.Fail(RejectionReason.UnsupportedSchemaVersion, $"schema_version {v} is not supported; this CareLake reads version {EventTypes.SchemaVersion}", "schema_version");
        }

        var occurredAt = f.Timestamp("occurred_at", required: true);
        var patientId = f.String("patient_id", required: patientRequired, minLength: 1, maxLength: 64);
        var encounterId = f.String("encounter_id", required: false, minLength: 1, maxLength: 128);
        var sourceSystem = f.String("source_system", required: false, maxLength: 256);
        return f.Failed ? null : new EventEnvelope(eventId!, eventType!, occurredAt!.Value, patientId, encounterId, sourceSystem);
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i < 0 ? message : message[..(i + 1)];
    }
}
