using CareLake.Interop;
using CareLake.Interop.Fhir;

namespace CareLake.Web.Bodies;

/// <summary>FHIR R4 JSON in a request body (a Bundle, one resource, or NDJSON of resources), cut as a FHIR file is.</summary>
public static class FhirBodies
{
    /// <summary>The body's records in order; content that is not FHIR JSON still becomes a record, for silver to quarantine.</summary>
    public static IReadOnlyList<FileRecord> Records(ReadOnlyMemory<byte> body)
    {
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        return FhirFileReader.Read(stream).ToList();
    }
}
