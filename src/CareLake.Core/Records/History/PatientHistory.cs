namespace CareLake.Core.Records.History;

/// <summary>One version of a patient's registration data, valid from <see cref="ValidFrom"/> until <see cref="ValidTo"/>.</summary>
public sealed record PatientVersion
{
    public required string Source { get; init; }
    public required string PatientId { get; init; }

    /// <summary>1 for the earliest version, then 2, 3, …</summary>
    public required int VersionNumber { get; init; }

    /// <summary>When the first record of this version occurred.</summary>
    public required DateTimeOffset ValidFrom { get; init; }

    /// <summary>When the next version begins; null for the current version.</summary>
    public DateTimeOffset? ValidTo { get; init; }

    /// <summary>The id of the first record of this version.</summary>
    public required string EventId { get; init; }

    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public DateOnly? BirthDate { get; init; }
    public DateOnly? DeathDate { get; init; }
    public string? Sex { get; init; }
    public string? Race { get; init; }
    public string? Ethnicity { get; init; }
    public string? MaritalStatus { get; init; }
    public string? Language { get; init; }
    public string? Phone { get; init; }
    public string? Ssn { get; init; }
    public string? AddressLine1 { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public string? PostalCode { get; init; }
    public string? Country { get; init; }
}

/// <summary>
/// A patient's demographic history (SCD type 2) derived from all of its <see cref="PatientRecord"/>s. Pure: the same
/// records in any order give the same versions, so a late update re-derives the history around it.
/// </summary>
public static class PatientHistory
{
    /// <summary>
    /// Sorts the records of ONE patient (the same <see cref="ClinicalRecord.Source"/> and
    /// <see cref="ClinicalRecord.PatientId"/>) by (<see cref="ClinicalRecord.OccurredAt"/>, event id ordinal) and
    /// collapses consecutive records with identical demographics (every field but the event id, occurred-at, sending
    /// system and encounter) into one version. No records, no versions.
    /// </summary>
    /// <exception cref="ArgumentException">A record without a patient id, or records of different patients.</exception>
    public static IReadOnlyList<PatientVersion> Derive(IEnumerable<PatientRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ordered = records.OrderBy(r => r.OccurredAt).ThenBy(r => r.EventId, StringComparer.Ordinal).ToList();
        if (ordered.Count == 0) return [];
        var (source, patientId) = (ordered[0].Source, ordered[0].PatientId);
        if (patientId is null || ordered.Exists(r => r.Source != source || r.PatientId != patientId))
        {
            throw new ArgumentException("the records must all belong to one patient (the same source and patient id)", nameof(records));
        }

        var firsts = ordered.Where((r, i) => i == 0 || !Equals(Demographics(r), Demographics(ordered[i - 1]))).ToList();
        return firsts
            .Select((r, i) => VersionOf(r, patientId, i + 1, validTo: i + 1 < firsts.Count ? firsts[i + 1].OccurredAt : null))
            .ToList();
    }

    private static PatientVersion VersionOf(PatientRecord r, string patientId, int versionNumber, DateTimeOffset? validTo) => new()
    {
        Source = r.Source,
        PatientId = patientId,
        VersionNumber = versionNumber,
        ValidFrom = r.OccurredAt,
        ValidTo = validTo,
        EventId = r.EventId,
        GivenName = r.GivenName,
        FamilyName = r.FamilyName,
        BirthDate = r.BirthDate,
        DeathDate = r.DeathDate,
        Sex = r.Sex,
        Race = r.Race,
        Ethnicity = r.Ethnicity,
        MaritalStatus = r.MaritalStatus,
        Language = r.Language,
        Phone = r.Phone,
        Ssn = r.Ssn,
        AddressLine1 = r.AddressLine1,
        City = r.City,
        State = r.State,
        PostalCode = r.PostalCode,
        Country = r.Country,
    };

    // Source and patient id are the same for all records of one patient; the encounter an admit named is no demographic.
    private static object Demographics(PatientRecord r) => (
        r.GivenName, r.FamilyName, r.BirthDate, r.DeathDate, r.Sex, r.Race, r.Ethnicity, r.MaritalStatus, r.Language,
        r.Phone, r.Ssn, r.AddressLine1, r.City, r.State, r.PostalCode, r.Country);
}
