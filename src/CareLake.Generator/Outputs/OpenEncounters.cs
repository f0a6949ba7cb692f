using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Model;

namespace CareLake.Generator.Outputs;

/// <summary>A visit being followed by a writer that emits one record per encounter when it ends.</summary>
internal sealed class TrackedEncounter(EncounterSnapshot admitted, AdtEvent admit)
{
    public EncounterSnapshot Current { get; set; } = admitted;
    public AdtEvent Admit { get; } = admit;
    public List<(BedLocation Location, DateTimeOffset From, DateTimeOffset? To)> Locations { get; } = [(admitted.Location, admitted.AdmittedAt, null)];
    public IcdCode? Reason { get; set; }
    public List<DiagnosisEvent> Diagnoses { get; } = [];
    public List<ProcedureEvent> Procedures { get; } = [];
}

/// <summary>
/// Follows visits through the ADT events (admit/register, transfer, discharge, cancel) for writers that need the
/// whole visit: it reports a visit once when it ends, is cancelled, or is still open at the end of the run.
/// Memory is bounded by the census.
/// </summary>
internal sealed class OpenEncounters
{
    private readonly Dictionary<string, TrackedEncounter> _open = new(StringComparer.Ordinal);

    /// <returns>The visit that ended with this event and how: finished, cancelled; or null.</returns>
    public (TrackedEncounter Encounter, string Status)? Apply(HospitalEvent e)
    {
        switch (e)
        {
            case AdtEvent { Kind: AdtKind.Admit or AdtKind.Register, Encounter: { } snapshot } admit:
                _open[snapshot.EncounterId] = new TrackedEncounter(snapshot, admit);
                return null;
            case AdtEvent { Kind: AdtKind.Transfer, Encounter: { } snapshot } transfer when _open.TryGetValue(snapshot.EncounterId, out var tracked):
                var last = tracked.Locations[^1];
                tracked.Locations[^1] = last with { To = transfer.OccurredAt };
                tracked.Locations.Add((snapshot.Location, transfer.OccurredAt, null));
                tracked.Current = snapshot;
                return null;
            case AdtEvent { Kind: AdtKind.Discharge, IsReversedLater: false, Encounter: { } snapshot } discharge when _open.Remove(snapshot.EncounterId, out var done):
                done.Current = snapshot;
                done.Locations[^1] = done.Locations[^1] with { To = discharge.OccurredAt };
                return (done, "finished");
            case AdtEvent { Kind: AdtKind.CancelAdmit, Encounter: { } snapshot } cancel when _open.Remove(snapshot.EncounterId, out var cancelled):
                cancelled.Locations[^1] = cancelled.Locations[^1] with { To = cancel.OccurredAt };
                return (cancelled, "cancelled");
            case DiagnosisEvent dx when dx.EncounterId is { } id && _open.TryGetValue(id, out var withDx):
                if (dx.Rank == 1) withDx.Reason = dx.Code;
                withDx.Diagnoses.Add(dx);
                return null;
            case ProcedureEvent px when px.EncounterId is { } id && _open.TryGetValue(id, out var withProcedure):
                withProcedure.Procedures.Add(px);
                return null;
            default:
                return null;
        }
    }

    /// <summary>Visits still open at the end of the run, in the order they were admitted.</summary>
    public IEnumerable<TrackedEncounter> StillOpen() =>
        _open.Values.OrderBy(t => t.Admit.OccurredAt).ThenBy(t => t.Current.EncounterId, StringComparer.Ordinal);
}
