using System.Text.Json;

namespace CareLake.Interop.Fhir;

/// <summary>Small reads of FHIR JSON that the file reader needs before (and without) a full parse.</summary>
internal static class FhirJson
{
    public const string VitalSignsCategory = "vital-signs";

    /// <summary>The <c>resourceType</c> of an object, or null when it is not an object or has none.</summary>
    public static string? ResourceType(JsonElement element) => String(element, "resourceType");

    /// <summary>A string property of an object; null when the element is not an object or the property is no string.</summary>
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>The <c>reference</c> string of a Reference property (e.g. <c>subject</c>).</summary>
    public static string? Reference(JsonElement resource, string name) =>
        resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty(name, out var reference) ? String(reference, "reference") : null;

    /// <summary>Whether an Observation carries the <c>vital-signs</c> category.</summary>
    public static bool HasVitalSignsCategory(JsonElement observation)
    {
        if (!observation.TryGetProperty("category", out var categories) || categories.ValueKind != JsonValueKind.Array) return false;
        foreach (var category in categories.EnumerateArray())
        {
            if (category.ValueKind != JsonValueKind.Object || !category.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array) continue;
            foreach (var coding in codings.EnumerateArray())
            {
                if (String(coding, "code") == VitalSignsCategory) return true;
            }
        }

        return false;
    }

    /// <summary>The effective time as written: <c>effectiveDateTime</c>, <c>effectiveInstant</c> or <c>effectivePeriod.start</c>.</summary>
    public static string? EffectiveTime(JsonElement observation) =>
        String(observation, "effectiveDateTime") ??
        String(observation, "effectiveInstant") ??
        (observation.TryGetProperty("effectivePeriod", out var period) ? String(period, "start") : null);

    /// <summary>Every <c>reference</c> string in the element (at any depth) that starts with <c>urn:</c>, in document order.</summary>
    public static void CollectUrnReferences(JsonElement element, List<string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("reference") && property.Value.ValueKind == JsonValueKind.String)
                    {
                        var reference = property.Value.GetString();
                        if (reference is not null && reference.StartsWith("urn:", StringComparison.Ordinal)) into.Add(reference);
                    }
                    else
                    {
                        CollectUrnReferences(property.Value, into);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) CollectUrnReferences(item, into);
                break;
        }
    }
}
