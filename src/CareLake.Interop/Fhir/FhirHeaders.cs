namespace CareLake.Interop.Fhir;

/// <summary>
/// The headers <see cref="FhirFileReader"/> puts on a record so that <see cref="FhirMapper"/> can read it on its own,
/// away from the bundle it came from.
/// </summary>
public static class FhirHeaders
{
    /// <summary>
    /// Prefix of one header per <c>urn:</c> reference that the bundle resolves: key <c>fhir.ref:</c> + the urn (e.g.
    /// <c>fhir.ref:urn:uuid:5f…</c>), value the UTF-8 <c>Type/id</c> of the entry whose fullUrl it is.
    /// </summary>
    public const string ReferencePrefix = "fhir.ref:";

    /// <summary>The bundle entry's fullUrl, when the record is exactly one bundle entry that has one.</summary>
    public const string FullUrl = "fhir.fullUrl";

    /// <summary>The header key that resolves a <c>urn:</c> reference.</summary>
    public static string ReferenceKey(string urn) => ReferencePrefix + urn;
}
