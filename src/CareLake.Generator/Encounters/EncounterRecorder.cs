using System.Globalization;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Encounters;

/// <summary>Collects the events of one visit of one patient, with unique event ids, dropping those outside the period.</summary>
internal sealed class EncounterRecorder(SimulationContext context, SimulatedPatient patient, DeterministicRandom random, int encounterSequence, List<HospitalEvent> sink)
{
    private int _ordinal;
    private int _procedureOrdinal;
    private DeterministicRandom? _procedureRandom;

    public SimulationContext Context { get; } = context;
    public SimulatedPatient Patient { get; } = patient;
    public DeterministicRandom Random { get; } = random;
    public int EncounterSequence { get; } = encounterSequence;
    public string EncounterId { get; } = context.EncounterId(patient.Index, encounterSequence);

    /// <summary>Event ids are unique by construction: run, patient, visit and a counter.</summary>
    public string NextId(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Context.RunTag}-{Patient.Index:x}-{EncounterSequence}-{_ordinal++}");

    /// <summary>
    /// Procedure event ids have their own counter, and procedures their own random stream (one per visit), so adding
    /// procedures to a visit leaves every other event of the run as it was.
    /// </summary>
    public string NextProcedureId() =>
        string.Create(CultureInfo.InvariantCulture, $"px-{Context.RunTag}-{Patient.Index:x}-{EncounterSequence}-{_procedureOrdinal++}");

    public DeterministicRandom ProcedureRandom =>
        _procedureRandom ??= new DeterministicRandom(Context.Seed, RandomStreams.Procedures, ((ulong)Patient.Index << 16) | (uint)EncounterSequence);

    public string NextAccession() => string.Create(CultureInfo.InvariantCulture, $"{EncounterId}-{_ordinal++:D4}");

    public void Add(HospitalEvent e)
    {
        if (Context.InPeriod(e.OccurredAt)) sink.Add(e);
    }

    public PatientDemographics DemographicsAt(DateTimeOffset time) => Patient.DemographicsAt(time);

    /// <summary>An ADT event of this visit (not yet added); callers set the kind-specific fields with <c>with</c>.</summary>
    public AdtEvent Adt(AdtKind kind, DateTimeOffset at, EncounterSnapshot encounter) => new()
    {
        EventId = NextId("adt"),
        OccurredAt = at,
        Kind = kind,
        Patient = Patient,
        Demographics = DemographicsAt(at),
        Encounter = encounter,
    };
}
