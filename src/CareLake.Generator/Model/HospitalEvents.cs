using CareLake.Core.Contracts;
using CareLake.Generator.Clinical.Diagnoses;
using CareLake.Generator.Clinical.Labs;
using CareLake.Generator.Clinical.Procedures;
using CareLake.Generator.Population;

namespace CareLake.Generator.Model;

/// <summary>
/// One fact of the simulated hospital, before it is rendered as a contract JSON event, an HL7 v2 message,
/// FHIR resources or Synthea CSV rows. Every writer renders these same records.
/// </summary>
public abstract record HospitalEvent
{
    public required string EventId { get; init; }

    /// <summary>When it happened at the source (the contract's <c>occurred_at</c>).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The subject; null only for staff events without a patient (logins, logouts).</summary>
    public SimulatedPatient? Patient { get; init; }

    /// <summary>The patient's registration data in force at <see cref="OccurredAt"/>.</summary>
    public PatientDemographics? Demographics { get; init; }

    /// <summary>The visit as it stood when the event happened, when the event belongs to one.</summary>
    public EncounterSnapshot? Encounter { get; init; }

    public abstract string EventType { get; }

    public string Topic => ContractCodes.TopicOf(EventType);

    public string? PatientId => Patient?.Mrn;

    public string? EncounterId => Encounter?.EncounterId;
}

/// <summary>An ADT event on <c>patient_admissions</c>.</summary>
public sealed record AdtEvent : HospitalEvent
{
    public required AdtKind Kind { get; init; }

    /// <summary>For a transfer: the bed the patient left.</summary>
    public BedLocation? From { get; init; }

    /// <summary>For a transfer: the bed the patient moved to.</summary>
    public BedLocation? To { get; init; }

    /// <summary>True for an admit that a later <c>cancel_admit</c> voids: the visit never happened.</summary>
    public bool IsCancelledLater { get; init; }

    /// <summary>True for a discharge that a later <c>cancel_discharge</c> reverses.</summary>
    public bool IsReversedLater { get; init; }

    public override string EventType => Kind.Code();
}

/// <summary>A coded diagnosis on <c>patient_diagnoses</c>.</summary>
public sealed record DiagnosisEvent : HospitalEvent
{
    public required IcdCode Code { get; init; }

    /// <summary>1 = principal.</summary>
    public required int Rank { get; init; }

    public required PresentOnAdmission PresentOnAdmission { get; init; }

    public required DateTimeOffset DiagnosedAt { get; init; }

    /// <summary>A long-standing condition of the patient (Synthea writes no STOP date for these).</summary>
    public bool IsChronic { get; init; }

    public override string EventType => EventTypes.Diagnosis;
}

/// <summary>
/// A procedure performed during a visit, on <c>patient_procedures</c>. It is recorded when it is complete:
/// <see cref="HospitalEvent.OccurredAt"/> is <see cref="PerformedEndAt"/>, and both times lie within the visit.
/// </summary>
public sealed record ProcedureEvent : HospitalEvent
{
    public required ProcedureDefinition Procedure { get; init; }

    /// <summary>The system the procedure was coded in: SNOMED CT, or ICD-10-PCS for part of the inpatient procedures.</summary>
    public required ProcedureCodeSystem CodeSystem { get; init; }

    /// <summary>The code and description in <see cref="CodeSystem"/>.</summary>
    public required ProcedureCode Code { get; init; }

    public required DateTimeOffset PerformedAt { get; init; }

    public DateTimeOffset? PerformedEndAt { get; init; }

    public ProcedureStatus Status { get; init; } = ProcedureStatus.Completed;

    public override string EventType => EventTypes.Procedure;
}

/// <summary>One analyte result on <c>patient_labs</c>.</summary>
public sealed record LabResultEvent : HospitalEvent
{
    public required LabTest Test { get; init; }

    public required double Value { get; init; }

    public required double ReferenceLow { get; init; }

    public required double ReferenceHigh { get; init; }

    public required AbnormalFlag Flag { get; init; }

    public required DateTimeOffset SpecimenCollectedAt { get; init; }

    public required DateTimeOffset ResultedAt { get; init; }

    public LabStatus Status { get; init; } = LabStatus.Final;

    /// <summary>The order (one specimen, one panel) the result belongs to; HL7 ORU groups by it.</summary>
    public required string AccessionNumber { get; init; }

    public required LabPanel Panel { get; init; }

    public override string EventType => EventTypes.LabResult;
}

/// <summary>One set of observations taken together, on <c>patient_vitals</c>.</summary>
public sealed record VitalSignsEvent : HospitalEvent
{
    public required string DeviceId { get; init; }

    public required DateTimeOffset MeasuredAt { get; init; }

    public int? HeartRate { get; init; }

    public int? RespiratoryRate { get; init; }

    public int? Spo2 { get; init; }

    /// <summary>NEWS2 SpO2 scale: 2 only for patients with a hypercapnic respiratory failure target (88–92%).</summary>
    public int Spo2Scale { get; init; } = 1;

    public bool? OnSupplementalOxygen { get; init; }

    public int? SystolicBp { get; init; }

    public int? DiastolicBp { get; init; }

    public double? TemperatureCelsius { get; init; }

    /// <summary>ACVPU: A, C, V, P or U.</summary>
    public char? Consciousness { get; init; }

    public override string EventType => EventTypes.VitalSigns;
}

/// <summary>One entry of the EHR audit log, on <c>ehr_audit_logs</c>.</summary>
public sealed record EhrAccessEvent : HospitalEvent
{
    public required string UserId { get; init; }

    public required string UserRole { get; init; }

    public required AccessAction Action { get; init; }

    public string? ResourceType { get; init; }

    public string? ResourceId { get; init; }

    public required string Workstation { get; init; }

    public required string SourceIp { get; init; }

    public bool Success { get; init; } = true;

    /// <summary>The suspicious pattern this access belongs to (ground truth for detection tests); not rendered.</summary>
    public AccessPattern Pattern { get; init; }

    public override string EventType => EventTypes.EhrAccess;
}

/// <summary>Why an access log entry exists: routine care or one of the suspicious patterns.</summary>
public enum AccessPattern
{
    Routine,
    OffShift,
    BreakGlass,
    MassAccess,
    VipRecord,
    EmployeeRecord,
    FailedLogin,
}
