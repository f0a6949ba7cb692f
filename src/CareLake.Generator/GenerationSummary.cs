using CareLake.Core.Contracts;
using CareLake.Core.Scoring;
using CareLake.Generator.AccessLogs;
using CareLake.Generator.Clinical.Vitals;
using CareLake.Generator.DirtyData;
using CareLake.Generator.Encounters;
using CareLake.Generator.Model;

namespace CareLake.Generator;

/// <summary>
/// What a run produced, filled in as its events are enumerated and complete when the enumeration ends
/// (<see cref="IsComplete"/>): event counts, the realised length of stay, readmission rate, deaths and NEWS2 mix.
/// </summary>
public sealed class GenerationSummary
{
    private readonly Dictionary<string, long> _clinicalByType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _emittedByType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _emittedByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<DirtyDataKind, long> _dirty = [];
    private readonly Dictionary<AccessPattern, long> _accessByPattern = [];
    private readonly Dictionary<string, long> _proceduresBySystem = new(StringComparer.Ordinal);
    private readonly long[] _news2Bands = new long[4];
    private readonly Dictionary<int, List<InpatientStay>> _stays = [];
    private readonly List<double> _losDays = [];
    private readonly TimeSpan _offset;

    internal GenerationSummary(GeneratorOptions options)
    {
        PeriodStart = options.PeriodStart;
        PeriodEnd = options.End;
        Patients = options.Patients;
        _offset = options.FacilityUtcOffset;
    }

    public DateTimeOffset PeriodStart { get; }
    public DateTimeOffset PeriodEnd { get; }
    public int Patients { get; }

    /// <summary>True once every event has been enumerated; the rates below are final only then.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Clean events simulated, by <c>event_type</c>.</summary>
    public IReadOnlyDictionary<string, long> ClinicalEventsByType => _clinicalByType;

    public long ClinicalEvents => _clinicalByType.Values.Sum();

    /// <summary>Messages of the contract stream (after dirty data: duplicates included), by <c>event_type</c>.</summary>
    public IReadOnlyDictionary<string, long> EmittedByType => _emittedByType;

    public IReadOnlyDictionary<string, long> EmittedByTopic => _emittedByTopic;

    public long EmittedEvents => _emittedByTopic.Values.Sum();

    /// <summary>Dirty messages by kind (a message can carry two kinds: a content defect and a delivery defect).</summary>
    public IReadOnlyDictionary<DirtyDataKind, long> DirtyEvents => _dirty;

    public long InpatientAdmissions { get; private set; }
    public long CompletedInpatientStays => _losDays.Count;
    public long EmergencyVisits { get; private set; }
    public long ObservationStays { get; private set; }
    public long IcuTransfers { get; private set; }
    public long InHospitalDeaths { get; private set; }
    public long CancelledAdmits { get; private set; }
    public long CancelledDischarges { get; private set; }
    public long DemographicUpdates { get; private set; }

    /// <summary>Mean length of completed inpatient stays, fractional days (clinical.md §6).</summary>
    public double MeanLengthOfStayDays => _losDays.Count == 0 ? 0 : _losDays.Average();

    public double MedianLengthOfStayDays => Percentile(0.5);

    /// <summary>90th percentile of length of stay: the long right tail.</summary>
    public double P90LengthOfStayDays => Percentile(0.9);

    public double InHospitalMortality => InpatientAdmissions == 0 ? 0 : (double)InHospitalDeaths / InpatientAdmissions;

    /// <summary>Index stays of the 30-day readmission measure (clinical.md §5.3); final when <see cref="IsComplete"/>.</summary>
    public int ReadmissionIndexStays { get; private set; }

    public int Readmissions { get; private set; }

    public double ReadmissionRate => ReadmissionIndexStays == 0 ? 0 : (double)Readmissions / ReadmissionIndexStays;

    public long VitalSignSets { get; private set; }

    /// <summary>Sets with all seven NEWS2 parameters (ICU monitor sets between charted ones have no temperature or ACVPU).</summary>
    public long News2ScoredSets { get; private set; }

    public IReadOnlyDictionary<News2Band, long> News2Bands => new Dictionary<News2Band, long>
    {
        [News2Band.Low] = _news2Bands[0],
        [News2Band.LowMedium] = _news2Bands[1],
        [News2Band.Medium] = _news2Bands[2],
        [News2Band.High] = _news2Bands[3],
    };

    public double HighNews2Share => News2ScoredSets == 0 ? 0 : (double)_news2Bands[3] / News2ScoredSets;

    public long Spo2Scale2Sets { get; private set; }

    public IReadOnlyDictionary<AccessPattern, long> AccessEventsByPattern => _accessByPattern;

    /// <summary>Procedures by contract <c>code_system</c> (<c>SNOMED-CT</c>, <c>ICD-10-PCS</c>).</summary>
    public IReadOnlyDictionary<string, long> ProceduresByCodeSystem => _proceduresBySystem;

    /// <summary>Chemotherapy, radiotherapy and rehabilitation sessions: the planned-care procedures.</summary>
    public long PlannedCareProcedures { get; private set; }

    internal void Observe(HospitalEvent e)
    {
        Increment(_clinicalByType, e.EventType);
        switch (e)
        {
            case AdtEvent adt:
                ObserveAdt(adt);
                break;
            case VitalSignsEvent vitals:
                VitalSignSets++;
                if (vitals.Spo2Scale == 2) Spo2Scale2Sets++;
                if (News2Scoring.Score(vitals) is var (total, red))
                {
                    News2ScoredSets++;
                    _news2Bands[(int)News2.BandOf(total, red)]++;
                }

                break;
            case ProcedureEvent procedure:
                Increment(_proceduresBySystem, procedure.CodeSystem.Code());
                if (procedure.Procedure.IsPlannedCare) PlannedCareProcedures++;
                break;
            case EhrAccessEvent access:
                _accessByPattern[access.Pattern] = _accessByPattern.GetValueOrDefault(access.Pattern) + 1;
                break;
        }
    }

    private void ObserveAdt(AdtEvent adt)
    {
        var encounter = adt.Encounter;
        switch (adt.Kind)
        {
            case AdtKind.Admit when encounter?.Class == EncounterClass.Inpatient && !adt.IsCancelledLater:
                InpatientAdmissions++;
                if (!_stays.TryGetValue(adt.Patient!.Index, out var list)) _stays[adt.Patient.Index] = list = [];
                list.Add(new InpatientStay(LocalDate(encounter.AdmittedAt), null, null));
                break;
            case AdtKind.Admit when encounter?.Class == EncounterClass.Observation:
                ObservationStays++;
                break;
            case AdtKind.Register:
                EmergencyVisits++;
                break;
            case AdtKind.Transfer when adt.To?.Unit == "ICU":
                IcuTransfers++;
                break;
            case AdtKind.CancelAdmit:
                CancelledAdmits++;
                break;
            case AdtKind.CancelDischarge:
                CancelledDischarges++;
                break;
            case AdtKind.Update:
                DemographicUpdates++;
                break;
            case AdtKind.Discharge when encounter?.Class == EncounterClass.Inpatient && !adt.IsReversedLater:
                if (encounter.Disposition == DischargeDisposition.Expired) InHospitalDeaths++;
                _losDays.Add((encounter.DischargedAt!.Value - encounter.AdmittedAt).TotalDays);
                if (_stays.TryGetValue(adt.Patient!.Index, out var stays) && stays.Count > 0)
                {
                    stays[^1] = stays[^1] with { DischargeDate = LocalDate(encounter.DischargedAt.Value), Disposition = encounter.Disposition };
                }

                break;
        }
    }

    internal void ObserveEmitted(GeneratedEvent e)
    {
        Increment(_emittedByTopic, e.Topic);
        Increment(_emittedByType, e.EventType);
        if (e.Dirt == DirtyDataKind.None) return;
        foreach (var kind in DirtyDataKinds.All)
        {
            if ((e.Dirt & kind) != 0) _dirty[kind] = _dirty.GetValueOrDefault(kind) + 1;
        }
    }

    internal void Complete()
    {
        var cutOff = LocalDate(PeriodEnd);
        (ReadmissionIndexStays, Readmissions) = ReadmissionCalculator.Count(_stays.Values, cutOff);
        _losDays.Sort();
        IsComplete = true;
    }

    /// <summary>Counts by topic of clean events, for checking a sink received everything.</summary>
    public long ClinicalEventsOnTopic(string topic) =>
        _clinicalByType.Where(kv => EventTypes.TopicOf(kv.Key) == topic).Sum(kv => kv.Value);

    private DateOnly LocalDate(DateTimeOffset t) => DateOnly.FromDateTime(t.ToOffset(_offset).DateTime);

    private double Percentile(double q)
    {
        if (_losDays.Count == 0) return 0;
        var sorted = IsComplete ? _losDays : [.. _losDays.Order()];
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
    }

    private static void Increment(Dictionary<string, long> map, string key) => map[key] = map.GetValueOrDefault(key) + 1;
}
