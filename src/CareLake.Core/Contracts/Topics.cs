namespace CareLake.Core.Contracts;

/// <summary>The Kafka topics of the event contracts (reference/event-contracts.md), schema version 1.</summary>
public static class Topics
{
    public const string PatientAdmissions = "patient_admissions";
    public const string PatientDiagnoses = "patient_diagnoses";
    public const string PatientProcedures = "patient_procedures";
    public const string PatientLabs = "patient_labs";
    public const string PatientVitals = "patient_vitals";
    public const string EhrAuditLogs = "ehr_audit_logs";

    /// <summary>Topics CareLake writes.</summary>
    public const string Alerts = "carelake.alerts";
    public const string PipelineEvents = "carelake.pipeline_events";

    /// <summary>Every topic producers write to, in contract order.</summary>
    public static IReadOnlyList<string> Inbound { get; } =
        [PatientAdmissions, PatientDiagnoses, PatientProcedures, PatientLabs, PatientVitals, EhrAuditLogs];
}
