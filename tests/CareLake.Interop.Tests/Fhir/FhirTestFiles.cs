using System.Text;
using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Interop.Fhir;

namespace CareLake.Interop.Tests.Fhir;

/// <summary>Reading crafted and real FHIR files, and mapping their records as silver would.</summary>
internal static class FhirTestFiles
{
    /// <summary>A fixed receive time well after every sample's timestamps (silver is a pure function of bronze).</summary>
    public static readonly DateTimeOffset ReceivedAt = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<FileRecord> Read(string content) => Read(Encoding.UTF8.GetBytes(content));

    public static List<FileRecord> Read(byte[] content)
    {
        using var stream = new MemoryStream(content);
        return [.. FhirFileReader.Read(stream)];
    }

    public static List<FileRecord> ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return [.. FhirFileReader.Read(stream)];
    }

    public static ParseResult<MappedMessage> Map(FileRecord record, FhirMapper? mapper = null) =>
        (mapper ?? new FhirMapper()).Map(new MessageContext(record.Stream, record.Payload, record.HeaderKeys, record.HeaderValues, ReceivedAt));

    public static ParseResult<MappedMessage> MapPayload(string payload, FhirMapper? mapper = null) =>
        Map(new FileRecord(FhirFileReader.StreamName, 0, Encoding.UTF8.GetBytes(payload)), mapper);

    /// <summary>The single record a mapping must produce.</summary>
    public static T Single<T>(ParseResult<MappedMessage> result) where T : ClinicalRecord
    {
        Assert.Null(result.Rejection);
        return Assert.IsType<T>(Assert.Single(result.Value!.Records));
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public static string? Header(FileRecord record, string key)
    {
        var index = record.HeaderKeys is null ? -1 : Array.IndexOf(record.HeaderKeys, key);
        return index < 0 ? null : record.HeaderValues![index] is { } value ? Encoding.UTF8.GetString(value) : null;
    }

    /// <summary>A vital-sign Observation as one NDJSON line.</summary>
    public static string Vital(string id, string loinc, decimal value, string unit, string effective = "2024-03-01T10:00:00Z",
        string subject = "Patient/p1", string? encounter = "Encounter/e1") =>
        "{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\"," +
        "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"vital-signs\"}]}]," +
        "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + loinc + "\"}]}," +
        "\"subject\":{\"reference\":\"" + subject + "\"}," +
        (encounter is null ? "" : "\"encounter\":{\"reference\":\"" + encounter + "\"},") +
        "\"effectiveDateTime\":\"" + effective + "\"," +
        "\"valueQuantity\":{\"value\":" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"unit\":\"" + unit + "\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"" + unit + "\"}}";
}
