namespace CareLake.Core.Records.History;

/// <summary>
/// One version of a patient's registration data, valid from <see cref="ValidFrom"/> until <see cref="ValidTo"/>: the
/// demographics are those of <see cref="Record"/>, the first record of the version.
/// </summary>
public sealed record PatientVersion(int VersionNumber, DateTimeOffset? ValidTo, PatientRecord Record)
{
    public string Source => Record.Source;
    public string PatientId => Record.PatientId!;

    /// <summary>When the first record of this version occurred.</summary>
    public DateTimeOffset ValidFrom => Record.OccurredAt;

    /// <summary>The id of the first record of this version.</summary>
    public string EventId => Record.EventId;
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

        var firsts = ordered.Where((r, i) => i == 0 || Demographics(r) != Demographics(ordered[i - 1])).ToList();
        return firsts.Select((r, i) => new PatientVersion(i + 1, i + 1 < firsts.Count ? firsts[i + 1].OccurredAt : null, r)).ToList();
    }

    // What is not a demographic: the record's identity and time, the sending system, the encounter an admit named.
    private static PatientRecord Demographics(PatientRecord r) =>
        r with { EventId = "", OccurredAt = default, SourceSystem = null, EncounterId = null };
}
