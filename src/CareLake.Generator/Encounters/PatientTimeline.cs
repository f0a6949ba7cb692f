using System.Globalization;
using CareLake.Generator.Model;
using CareLake.Generator.Population;
using CareLake.Generator.Randomness;
using static CareLake.Generator.Timestamps;

namespace CareLake.Generator.Encounters;

/// <summary>
/// One patient's events in time order, produced lazily: a visit is simulated only when the merged stream reaches its
/// start, so memory holds the visits in progress, not the whole population's history.
/// </summary>
internal sealed class PatientTimeline : IEventSource
{
    private readonly SimulationContext _context;
    private readonly SimulatedPatient _patient;
    private readonly DeterministicRandom _random;
    private readonly PriorityQueue<HospitalEvent, (long Ticks, long Order)> _pending = new();
    private long _order;
    private int _encounterSequence;
    private int _nextVersion = 1;
    private PlannedEncounter? _spontaneous;
    private PlannedEncounter? _readmission;
    private bool _stopped;

    public PatientTimeline(SimulationContext context, SimulatedPatient patient)
    {
        _context = context;
        _patient = patient;
        _random = new DeterministicRandom(context.Seed, RandomStreams.PatientCourse, (ulong)patient.Index);
        _spontaneous = EncounterPlanner.NextSpontaneous(patient, context.Start, context.End, _random);
    }

    public DateTimeOffset? PeekTime
    {
        get
        {
            var next = Math.Min(Math.Min(PendingTicks, PlanTicks), UpdateTicks);
            return next == long.MaxValue ? null : new DateTimeOffset(next, TimeSpan.Zero).ToOffset(_context.Offset);
        }
    }

    public bool TryTake(out HospitalEvent? e)
    {
        var pending = PendingTicks;
        var plan = PlanTicks;
        var update = UpdateTicks;
        if (pending != long.MaxValue && pending <= plan && pending <= update)
        {
            e = _pending.Dequeue();

            // A finished visit's queue can hold hundreds of slots; give them back so idle patients stay small.
            if (_pending.Count == 0) _pending.TrimExcess();
            return true;
        }

        e = null;
        if (update != long.MaxValue && update <= plan) EnqueueUpdate();
        else if (plan != long.MaxValue) Materialise();
        return false;
    }

    private long PendingTicks => _pending.TryPeek(out _, out var priority) ? priority.Ticks : long.MaxValue;

    private PlannedEncounter? NextPlan =>
        _readmission is null ? _spontaneous : _spontaneous is null || _readmission.Start <= _spontaneous.Start ? _readmission : _spontaneous;

    private long PlanTicks => !_stopped && NextPlan is { } plan ? plan.Start.UtcTicks : long.MaxValue;

    private long UpdateTicks
    {
        get
        {
            if (_stopped || _nextVersion >= _patient.History.Count) return long.MaxValue;
            var at = _patient.History[_nextVersion].EffectiveFrom;
            return at < _context.End ? at.UtcTicks : long.MaxValue;
        }
    }

    private void EnqueueUpdate()
    {
        var version = _patient.History[_nextVersion];
        Enqueue(new AdtEvent
        {
            EventId = string.Create(CultureInfo.InvariantCulture, $"upd-{_context.RunTag}-{_patient.Index:x}-{_nextVersion}"),
            OccurredAt = version.EffectiveFrom,
            Kind = AdtKind.Update,
            Patient = _patient,
            Demographics = version.Demographics,
        });
        _nextVersion++;
    }

    private void Materialise()
    {
        var plan = NextPlan!;
        if (ReferenceEquals(plan, _readmission)) _readmission = null;
        else
        {
            _spontaneous = null;
            if (plan.Class == EncounterClass.Inpatient) _readmission = null;
        }

        _encounterSequence++;
        var buffer = _context.ScratchEvents;
        buffer.Clear();
        var recorder = new EncounterRecorder(_context, _patient, _random, _encounterSequence, buffer);
        var outcome = plan.Class == EncounterClass.Inpatient
            ? InpatientStayBuilder.Build(recorder, plan)
            : ShortVisitBuilder.Build(recorder, plan);
        _pending.EnsureCapacity(_pending.Count + buffer.Count);
        foreach (var e in buffer) Enqueue(e);
        buffer.Clear();

        if (outcome.Died || outcome.Disposition == DischargeDisposition.Hospice)
        {
            // After death, or discharge to hospice care, the patient does not come back.
            _stopped = true;
            _spontaneous = null;
            _readmission = null;
            return;
        }

        if (outcome.Class == EncounterClass.Inpatient)
        {
            _readmission = outcome.Cancelled
                ? (_random.Chance(0.5) ? plan with { Start = Whole(outcome.EndedAt.AddMinutes(_random.Uniform(30, 120))) } : null)
                : EncounterPlanner.Readmission(_patient, outcome, _context.End, _random);
            if (_readmission is not null && _readmission.Start >= _context.End) _readmission = null;
        }
        else if (_readmission is not null && _readmission.Start < outcome.EndedAt.AddHours(1))
        {
            var moved = outcome.EndedAt.AddHours(2);
            _readmission = moved < _context.End ? _readmission with { Start = Whole(moved) } : null;
        }

        _spontaneous = EncounterPlanner.NextSpontaneous(_patient, outcome.EndedAt.AddHours(12), _context.End, _random);
    }

    private void Enqueue(HospitalEvent e) => _pending.Enqueue(e, (e.OccurredAt.UtcTicks, _order++));
}
