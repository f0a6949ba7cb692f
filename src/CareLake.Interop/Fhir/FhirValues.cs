using Hl7.Fhir.Model;

namespace CareLake.Interop.Fhir;

/// <summary>Reads of Firely values the mappings share: times, codes and texts.</summary>
internal static class FhirValues
{
    public const string LoincSystem = "http://loinc.org";

    /// <summary>
    /// A point in time from a dateTime, instant, date or the start of a period; partial dates read as their first
    /// instant and times without an offset as UTC.
    /// </summary>
    public static DateTimeOffset? Time(DataType? value) => value switch
    {
        FhirDateTime dateTime when dateTime.TryToDateTimeOffset(TimeSpan.Zero, out var time) => time,
        Instant instant => instant.Value,
        Date date when date.TryToDateTimeOffset(out var time) => time,
        Period period => Time(period.StartElement),
        _ => null,
    };

    /// <summary>The end of a period; null for anything else.</summary>
    public static DateTimeOffset? EndTime(DataType? value) => value is Period period ? Time(period.EndElement) : null;

    /// <summary>The calendar date as written (the date part in the value's own offset).</summary>
    public static DateOnly? CalendarDate(DataType? value) => Time(value) is { } time ? DateOnly.FromDateTime(time.DateTime) : null;

    /// <summary>The first coding's code, or the text when there is no code.</summary>
    public static string? Code(CodeableConcept? concept) =>
        concept?.Coding.FirstOrDefault(c => !string.IsNullOrEmpty(c.Code))?.Code ?? NullIfBlank(concept?.Text);

    /// <summary>The text, or the first coding's display.</summary>
    public static string? Text(CodeableConcept? concept) =>
        NullIfBlank(concept?.Text) ?? concept?.Coding.FirstOrDefault(c => !string.IsNullOrEmpty(c.Display))?.Display;

    /// <summary>The LOINC codes among the concept's codings.</summary>
    public static IEnumerable<string> LoincCodes(CodeableConcept? concept) =>
        concept is null ? [] : concept.Coding.Where(c => c.System == LoincSystem).Select(c => c.Code).OfType<string>().Where(c => c.Length > 0);

    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>Observation categories (http://terminology.hl7.org/CodeSystem/observation-category).</summary>
internal static class FhirObservations
{
    public const string CategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string Laboratory = "laboratory";

    public static IEnumerable<Coding> CategoryCodings(Observation observation) => observation.Category.SelectMany(c => c.Coding);

    public static bool IsVitalSign(Observation observation) =>
        CategoryCodings(observation).Any(c => c.Code == FhirJson.VitalSignsCategory);

    public static bool IsLaboratory(Observation observation) => CategoryCodings(observation).Any(c => c.Code == Laboratory);

    /// <summary>The observation-category code other than laboratory and vital signs (survey, exam, …), if any.</summary>
    public static string? OtherStandardCategory(Observation observation) =>
        CategoryCodings(observation).FirstOrDefault(c => c.System == CategorySystem && !string.IsNullOrEmpty(c.Code))?.Code;
}
