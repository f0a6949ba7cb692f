using CareLake.Generator.Model;

namespace CareLake.Generator.Outputs.Hl7;

/// <summary>
/// Turns the event stream into HL7 messages: one message per ADT event and vital-sign set; diagnoses coded together
/// for a visit go into one A08, procedures completed together for a visit into another, and the analytes of one lab order into one ORU. Events that HL7 ADT/ORU do not
/// carry (EHR access logs) are skipped.
/// </summary>
public sealed class Hl7MessageStream(Hl7MessageBuilder builder)
{
    private readonly List<DiagnosisEvent> _diagnoses = [];
    private readonly List<ProcedureEvent> _procedures = [];
    private readonly List<LabResultEvent> _labs = [];
    private readonly List<Hl7Message> _ready = [];

    /// <summary>The messages completed by this event (the list is reused by the next call).</summary>
    public IReadOnlyList<Hl7Message> Push(HospitalEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _ready.Clear();
        if (_diagnoses.Count > 0 && !(e is DiagnosisEvent dx && SameGroup(dx, _diagnoses[0]))) FlushDiagnoses();
        if (_procedures.Count > 0 && !(e is ProcedureEvent px && SameGroup(px, _procedures[0]))) FlushProcedures();
        if (_labs.Count > 0 && !(e is LabResultEvent lab && lab.AccessionNumber == _labs[0].AccessionNumber && lab.Status == _labs[0].Status)) FlushLabs();
        switch (e)
        {
            case AdtEvent adt:
                _ready.Add(builder.Adt(adt));
                break;
            case DiagnosisEvent diagnosis:
                _diagnoses.Add(diagnosis);
                break;
            case ProcedureEvent procedure:
                _procedures.Add(procedure);
                break;
            case LabResultEvent result:
                _labs.Add(result);
                break;
            case VitalSignsEvent vitals:
                _ready.Add(builder.VitalSigns(vitals));
                break;
        }

        return _ready;
    }

    public IReadOnlyList<Hl7Message> Complete()
    {
        _ready.Clear();
        FlushDiagnoses();
        FlushProcedures();
        FlushLabs();
        return _ready;
    }

    private static bool SameGroup(HospitalEvent a, HospitalEvent b) => a.EncounterId == b.EncounterId && a.OccurredAt == b.OccurredAt;

    private void FlushDiagnoses()
    {
        if (_diagnoses.Count == 0) return;
        _ready.Add(builder.Diagnoses([.. _diagnoses]));
        _diagnoses.Clear();
    }

    private void FlushProcedures()
    {
        if (_procedures.Count == 0) return;
        _ready.Add(builder.Procedures([.. _procedures]));
        _procedures.Clear();
    }

    private void FlushLabs()
    {
        if (_labs.Count == 0) return;
        _ready.Add(builder.LabResults([.. _labs]));
        _labs.Clear();
    }
}
