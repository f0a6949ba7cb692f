using CareLake.Core.Records;

namespace CareLake.Interop.Fhir;

/// <summary>The logical id a FHIR reference points to, whatever form it takes.</summary>
internal static class FhirReferences
{
    /// <summary>
    /// <c>Patient/123</c>, <c>Patient/123/_history/2</c> and <c>https://host/fhir/Patient/123</c> → <c>123</c>;
    /// <c>urn:uuid:X</c> → the id its bundle resolved it to (header <see cref="FhirHeaders.ReferencePrefix"/>), else X;
    /// a conditional <c>Practitioner?identifier=system|value</c> → <c>value</c>; <c>#local</c> → <c>local</c>.
    /// </summary>
    public static string? Id(string? reference, in MessageContext message)
    {
        var trimmed = reference?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        if (trimmed.StartsWith("urn:", StringComparison.Ordinal))
        {
            return message.Header(FhirHeaders.ReferenceKey(trimmed)) is { } target ? LastSegmentId(target) : IdOfFullUrl(trimmed);
        }

        var query = trimmed.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0) return ConditionalId(trimmed[(query + 1)..]);
        if (trimmed.StartsWith('#')) return NullIfEmpty(trimmed[1..]);
        return LastSegmentId(trimmed);
    }

    /// <summary>The id part of a fullUrl: the uuid or oid of a urn, else the last path segment.</summary>
    public static string? IdOfFullUrl(string fullUrl)
    {
        if (fullUrl.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase)) return NullIfEmpty(fullUrl["urn:uuid:".Length..]);
        if (fullUrl.StartsWith("urn:oid:", StringComparison.OrdinalIgnoreCase)) return NullIfEmpty(fullUrl["urn:oid:".Length..]);
        return LastSegmentId(fullUrl);
    }

    /// <summary>The id of a <c>[base/]Type/id[/_history/v]</c> reference.</summary>
    private static string? LastSegmentId(string reference)
    {
        var segments = reference.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return null;
        var history = Array.IndexOf(segments, "_history");
        return history > 0 ? segments[history - 1] : segments[^1];
    }

    /// <summary>The value of the first search parameter of a conditional reference, without its system.</summary>
    private static string? ConditionalId(string query)
    {
        var firstParameter = query.Split('&')[0];
        var equals = firstParameter.IndexOf('=', StringComparison.Ordinal);
        var value = Uri.UnescapeDataString(equals >= 0 ? firstParameter[(equals + 1)..] : firstParameter);
        var bar = value.LastIndexOf('|');
        return NullIfEmpty(bar >= 0 ? value[(bar + 1)..] : value);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
