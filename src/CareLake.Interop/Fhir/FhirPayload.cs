using System.Text.Json;
using System.Text.Unicode;
using CareLake.Core.Contracts;
using CareLake.Core.Records;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Hl7.Fhir.Validation;

namespace CareLake.Interop.Fhir;

/// <summary>One resource of a record's payload: Firely's model of it, its bytes and its dedupe key.</summary>
internal sealed record ParsedResource(Resource Resource, ReadOnlyMemory<byte> Bytes, string EventId);

/// <summary>
/// Reads a record's payload (one or more FHIR JSON resources separated by whitespace, as <see cref="FhirFileReader"/>
/// writes it) into Firely resources, leniently: issues that leave every value well-formed (unknown or wrong-cased
/// elements, cardinality, narrative) are tolerated; values that cannot be read are a rejection.
/// </summary>
internal static class FhirPayload
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowMultipleValues = true, MaxDepth = 256 };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    private static readonly FhirJsonDeserializer Deserializer =
        new(new DeserializerSettings().UsingMode(DeserializationMode.NoOverflow));

    private static readonly HashSet<string> TolerableIssues =
    [
        CodedValidationException.UNKNOWN_ELEMENT_CODE,
        CodedValidationException.WRONG_CASED_ELEMENT_CODE,
        CodedValidationException.INCORRECT_CARDINALITY_MIN_CODE,
        CodedValidationException.INCORRECT_CARDINALITY_MAX_CODE,
        CodedValidationException.MANDATORY_ELEMENT_MUST_BE_PRESENT_CODE,
        CodedValidationException.NARRATIVE_XML_IS_MALFORMED_CODE,
        CodedValidationException.NARRATIVE_XML_IS_INVALID_CODE,
        CodedValidationException.INVALID_STRING_LENGTH_CODE,
        CodedValidationException.ELEMENT_CANNOT_BE_EMPTY_CODE,
        FhirJsonException.OBJECTS_CANNOT_BE_EMPTY_CODE,
        FhirJsonException.ARRAYS_CANNOT_BE_EMPTY_CODE,
    ];

    /// <summary>The byte ranges of the payload's top-level JSON values, or why the payload is no JSON.</summary>
    public static Rejection? TrySplit(ReadOnlyMemory<byte> payload, out List<ReadOnlyMemory<byte>> values)
    {
        values = [];
        if (!Utf8.IsValid(payload.Span)) return new Rejection(RejectionReason.InvalidUtf8, "the payload is not valid UTF-8");
        var reader = new Utf8JsonReader(payload.Span, ReaderOptions);
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                values.Add(payload[start..(int)reader.BytesConsumed]);
            }
        }
        catch (JsonException e)
        {
            return new Rejection(RejectionReason.MalformedJson, $"not valid JSON: {e.Message}");
        }

        return values.Count == 0 ? new Rejection(RejectionReason.MalformedJson, "the payload holds no JSON") : null;
    }

    /// <summary>One JSON value as a FHIR resource, or why it is none.</summary>
    public static ParseResult<ParsedResource> Parse(ReadOnlyMemory<byte> bytes, in MessageContext message)
    {
        string? type;
        string? id;
        using (var document = JsonDocument.Parse(bytes, DocumentOptions))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new Rejection(RejectionReason.NotAnObject, $"a FHIR resource is a JSON object, not {root.ValueKind}");
            }

            type = FhirJson.ResourceType(root);
            id = FhirJson.String(root, "id") ?? (message.Header(FhirHeaders.FullUrl) is { } fullUrl ? FhirReferences.IdOfFullUrl(fullUrl) : null);
        }

        if (type is null) return new Rejection(RejectionReason.MissingField, "not a FHIR resource: no resourceType", "resourceType");
        var eventId = EventIdOf(type, id, bytes.Span);
        if (!ModelInfo.IsKnownResource(type))
        {
            return new Rejection(RejectionReason.UnknownEventType, $"'{Truncate(type)}' is not a FHIR R4 resource type", "resourceType", eventId);
        }

        var reader = new Utf8JsonReader(bytes.Span, ReaderOptions);
        Resource? resource;
        IEnumerable<CodedException> issues;
        try
        {
            Deserializer.TryDeserializeResource(ref reader, out resource, out issues);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or CodedException)
        {
            return new Rejection(RejectionReason.InvalidValue, $"FHIR {type} could not be read: {e.Message}", null, eventId);
        }

        if (issues.FirstOrDefault(i => !TolerableIssues.Contains(i.ErrorCode)) is { } issue)
        {
            return new Rejection(RejectionReason.InvalidValue, $"FHIR {type}: {issue.Message}", PathOf(issue), eventId);
        }

        if (resource is null) return new Rejection(RejectionReason.InvalidValue, $"FHIR {type} could not be read", null, eventId);
        if (resource.Id is null && id is not null) resource.Id = id;
        return new ParsedResource(resource, bytes, eventId);
    }

    /// <summary><c>{Type}/{id}#{content hash}</c>, or <c>{Type}#{content hash}</c> for a resource without an id.</summary>
    private static string EventIdOf(string type, string? id, ReadOnlySpan<byte> bytes) =>
        string.IsNullOrEmpty(id) ? $"{type}#{RecordIds.ContentHash(bytes)}" : $"{type}/{id}#{RecordIds.ContentHash(bytes)}";

    private static string? PathOf(CodedException issue) => issue switch
    {
        CodedValidationException validation => validation.InstancePath,
        FhirJsonException json => json.InstancePath,
        _ => null,
    };

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
