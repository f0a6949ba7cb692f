using System.Runtime.InteropServices;
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
    // Duplicate names are found by FindDuplicateName below: System.Text.Json's own check allocates a set per object.
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 32,
    };

    // Objects up to this size are checked for repeated names by comparing hashes on the stack; larger ones with a set.
    private const int PairwiseNameCheckLimit = 32;

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

        if (FindDuplicateName(document.RootElement) is { } duplicate)
        {
            // The event_id still identifies the record in quarantine, unless it is the name that repeats.
            var eventId = duplicate == "event_id" ? null : ValidEventId(document.RootElement);
            document.Dispose();
            document = null;
            return new Rejection(RejectionReason.MalformedJson,
                $"'{JsonFields.Truncate(duplicate)}' appears more than once in one object, so which value is meant is undefined (RFC 8259 §4)", duplicate, eventId);
        }

        return null;
    }

    private static string? ValidEventId(JsonElement root)
    {
        if (!root.TryGetProperty("event_id", out var id) || id.ValueKind != JsonValueKind.String) return null;
        try
        {
            var eventId = id.GetString()!;
            return eventId.Length is >= 1 and <= 128 && JsonFields.IsStorableText(eventId) ? eventId : null;
        }
        catch (InvalidOperationException)
        {
            return null; // an unpaired surrogate escape
        }
    }

    /// <summary>The first name that repeats within one object, at any depth; null when there is none.</summary>
    private static string? FindDuplicateName(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var count = element.GetPropertyCount();
                if (count > PairwiseNameCheckLimit) return FindDuplicateNameWithSet(element);
                Span<int> hashes = stackalloc int[count];
                var index = 0;
                foreach (var property in element.EnumerateObject())
                {
                    var name = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (name.Contains((byte)'\\')) return FindDuplicateNameWithSet(element); // escapes: compare decoded names
                    var hash = RawNameHash(name);
                    for (var j = 0; j < index; j++)
                    {
                        if (hashes[j] == hash && RawNameAt(element, j).SequenceEqual(name)) return property.Name;
                    }

                    hashes[index++] = hash;
                    if (FindDuplicateName(property.Value) is { } nested) return nested;
                }

                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FindDuplicateName(item) is { } nested) return nested;
                }

                return null;
            default:
                return null;
        }
    }

    private static string? FindDuplicateNameWithSet(JsonElement obj)
    {
        var seen = new HashSet<string>(obj.GetPropertyCount(), StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name)) return property.Name;
            if (FindDuplicateName(property.Value) is { } nested) return nested;
        }

        return null;
    }

    private static int RawNameHash(ReadOnlySpan<byte> name)
    {
        var hash = new HashCode();
        hash.AddBytes(name);
        return hash.ToHashCode();
    }

    private static ReadOnlySpan<byte> RawNameAt(JsonElement obj, int index)
    {
        var i = 0;
        foreach (var property in obj.EnumerateObject())
        {
            if (i++ == index) return JsonMarshal.GetRawUtf8PropertyName(property);
        }

        throw new ArgumentOutOfRangeException(nameof(index));
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
