namespace CareLake.Core.Records.History;

/// <summary>
/// One encounter derived from all of its ADT records and snapshots: its current state and the places the patient
/// stayed. Pure: the same records in any order give the same result, so a late or out-of-order event simply
/// re-derives the whole row.
/// </summary>
/// <param name="Locations">The stays in time order, numbered from 1; at most the last one is open.</param>
public sealed record EncounterHistory(EncounterState State, IReadOnlyList<LocationStay> Locations)
{
    /// <summary>
    /// Applies the records of ONE encounter (all with the same <see cref="ClinicalRecord.Source"/> and
    /// <see cref="ClinicalRecord.EncounterId"/>, unique by <see cref="ClinicalRecord.EventId"/>) in the order of
    /// <see cref="ApplicationOrder"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No records, a record without an encounter id, or records of different encounters.</exception>
    public static EncounterHistory Derive(IEnumerable<EncounterRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ordered = records.Order(ApplicationOrder).ToList();
        if (ordered.Count == 0) throw new ArgumentException("an encounter is derived from at least one record", nameof(records));
        var (source, encounterId) = (ordered[0].Source, ordered[0].EncounterId);
        if (encounterId is null || ordered.Exists(r => r.Source != source || r.EncounterId != encounterId))
        {
            throw new ArgumentException("the records must all belong to one encounter (the same source and encounter id)", nameof(records));
        }

        var replay = new EncounterReplay();
        foreach (var record in ordered)
        {
            replay.Apply(record);
        }

        return replay.Result(source, encounterId, ordered);
    }

    /// <summary>
    /// The order records are applied in: by <see cref="ClinicalRecord.OccurredAt"/>; at the same instant register,
    /// admit, snapshot, update, transfer, discharge, cancel_discharge, cancel_admit; then by event id (ordinal).
    /// </summary>
    public static IComparer<EncounterRecord> ApplicationOrder { get; } = Comparer<EncounterRecord>.Create((a, b) =>
    {
        var byTime = a.OccurredAt.CompareTo(b.OccurredAt);
        if (byTime != 0) return byTime;
        var byAction = Rank(a.Action).CompareTo(Rank(b.Action));
        return byAction != 0 ? byAction : string.CompareOrdinal(a.EventId, b.EventId);
    });

    private static int Rank(AdtAction action) => action switch
    {
        AdtAction.Register => 0,
        AdtAction.Admit => 1,
        AdtAction.Snapshot => 2,
        AdtAction.Update => 3,
        AdtAction.Transfer => 4,
        AdtAction.Discharge => 5,
        AdtAction.CancelDischarge => 6,
        AdtAction.CancelAdmit => 7,
        _ => 8,
    };
}
