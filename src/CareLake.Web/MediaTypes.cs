using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CareLake.Web;

/// <summary>The content types each ingest endpoint accepts (parameters such as <c>charset</c> are ignored).</summary>
public static class MediaTypes
{
    public const string Json = "application/json";
    public const string Ndjson = "application/x-ndjson";
    public const string FhirJson = "application/fhir+json";
    public const string FhirNdjson = "application/fhir+ndjson";
    public const string Hl7Er7 = "x-application/hl7-v2+er7";
    public const string Hl7 = "application/hl7-v2";
    public const string Text = "text/plain";
    public const string Problem = "application/problem+json";

    public static readonly string[] Events = [Json, Ndjson];
    public static readonly string[] Fhir = [FhirJson, Json, FhirNdjson, Ndjson];
    public static readonly string[] Hl7Messages = [Hl7Er7, Hl7, Text];

    /// <summary>The request's media type in lower case, or null when it has none or it cannot be parsed.</summary>
    public static string? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) && parsed.MediaType.HasValue
            ? parsed.MediaType.Value!.ToLowerInvariant()
            : null;
    }
}
