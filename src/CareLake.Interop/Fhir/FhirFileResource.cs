using System.Text.Json;

namespace CareLake.Interop.Fhir;

/// <summary>
/// One resource of a FHIR file as the reader found it: its bytes, the measurement it belongs to when it is a vital sign,
/// and the <c>urn:</c> references its bundle resolves.
/// </summary>
internal sealed record FhirFileResource(
    byte[] Bytes,
    VitalMeasurementKey? Measurement,
    string? FullUrl,
    IReadOnlyList<KeyValuePair<string, string>> ResolvedReferences)
{
    /// <summary>Content that is not JSON: a record of its own, with nothing to resolve.</summary>
    public static FhirFileResource Unreadable(byte[] bytes) => new(bytes, null, null, []);

    public static FhirFileResource Of(JsonElement resource, string? fullUrl, FullUrlIndex bundle)
    {
        var urns = new List<string>();
        FhirJson.CollectUrnReferences(resource, urns);
        var resolved = new List<KeyValuePair<string, string>>();
        foreach (var urn in urns)
        {
            if (bundle.Resolve(urn) is { } target) resolved.Add(new(urn, target));
        }

        return new(FhirFileReader.RawBytes(resource), VitalMeasurementKey.Of(resource), fullUrl, resolved);
    }
}

/// <summary>What makes vital-sign Observations one measurement: the same subject, encounter and effective time.</summary>
internal readonly record struct VitalMeasurementKey(string Subject, string? Encounter, string EffectiveTime)
{
    /// <summary>The key of a vital-sign Observation with a subject and an effective time; null for anything else.</summary>
    public static VitalMeasurementKey? Of(JsonElement resource)
    {
        if (FhirJson.ResourceType(resource) != "Observation" || !FhirJson.HasVitalSignsCategory(resource)) return null;
        var subject = FhirJson.Reference(resource, "subject");
        var effective = FhirJson.EffectiveTime(resource);
        return subject is null || effective is null ? null : new VitalMeasurementKey(subject, FhirJson.Reference(resource, "encounter"), effective);
    }
}

/// <summary>A bundle's entries by fullUrl: what a <c>urn:uuid:…</c> reference inside the bundle points to.</summary>
internal sealed class FullUrlIndex
{
    private readonly Dictionary<string, string> _targets;

    private FullUrlIndex(Dictionary<string, string> targets) => _targets = targets;

    public static FullUrlIndex Empty { get; } = new([]);

    /// <summary>fullUrl → <c>Type/id</c>; the id is the resource's, or, when it has none, the fullUrl's last part (the uuid).</summary>
    public static FullUrlIndex Of(JsonElement entries)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries.EnumerateArray())
        {
            var fullUrl = FhirJson.String(entry, "fullUrl");
            if (fullUrl is null || !entry.TryGetProperty("resource", out var resource)) continue;
            var type = FhirJson.ResourceType(resource);
            var id = FhirJson.String(resource, "id") ?? FhirReferences.IdOfFullUrl(fullUrl);
            if (type is not null && !string.IsNullOrEmpty(id)) targets.TryAdd(fullUrl, $"{type}/{id}");
        }

        return new(targets);
    }

    public string? Resolve(string urn) => _targets.GetValueOrDefault(urn);
}

/// <summary>Collects adjacent resources of one vital-sign measurement into one record and numbers the records.</summary>
internal sealed class RecordGrouper
{
    private readonly List<FhirFileResource> _pending = [];
    private long _position;

    /// <summary>Adds the next resource; returns the record it completes, if any.</summary>
    public FileRecord? Add(FhirFileResource resource)
    {
        if (_pending.Count > 0 && resource.Measurement is { } key && _pending[0].Measurement == key)
        {
            _pending.Add(resource);
            return null;
        }

        var completed = Flush();
        _pending.Add(resource);
        return completed;
    }

    /// <summary>The record of the resources held back, if any.</summary>
    public FileRecord? Flush()
    {
        if (_pending.Count == 0) return null;
        var record = ToRecord(_pending, _position++);
        _pending.Clear();
        return record;
    }

    private static FileRecord ToRecord(List<FhirFileResource> resources, long position)
    {
        var payload = resources.Count == 1 ? resources[0].Bytes : JoinLines(resources);
        var keys = new List<string>();
        var values = new List<byte[]?>();
        if (resources is [{ FullUrl: { } fullUrl }])
        {
            keys.Add(FhirHeaders.FullUrl);
            values.Add(System.Text.Encoding.UTF8.GetBytes(fullUrl));
        }

        foreach (var resource in resources)
        {
            foreach (var (urn, target) in resource.ResolvedReferences)
            {
                var key = FhirHeaders.ReferenceKey(urn);
                if (keys.Contains(key)) continue;
                keys.Add(key);
                values.Add(System.Text.Encoding.UTF8.GetBytes(target));
            }
        }

        return keys.Count == 0
            ? new FileRecord(FhirFileReader.StreamName, position, payload)
            : new FileRecord(FhirFileReader.StreamName, position, payload, [.. keys], [.. values]);
    }

    private static byte[] JoinLines(List<FhirFileResource> resources)
    {
        using var joined = new MemoryStream();
        for (var i = 0; i < resources.Count; i++)
        {
            if (i > 0) joined.WriteByte((byte)'\n');
            joined.Write(resources[i].Bytes);
        }

        return joined.ToArray();
    }
}
