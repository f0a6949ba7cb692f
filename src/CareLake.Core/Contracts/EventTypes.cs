namespace CareLake.Core.Contracts;

/// <summary>The <c>event_type</c> values of schema version 1 and the topic each belongs to.</summary>
public static class EventTypes
{
    public const int SchemaVersion = 1;

    public const string VitalSigns = "vital_signs";
    public const string Diagnosis = "diagnosis";
    public const string Procedure = "procedure";
    public const string LabResult = "lab_result";
    public const string EhrAccess = "ehr_access";

    public static IReadOnlyList<string> Adt { get; } =
        ["admit", "register", "transfer", "discharge", "update", "cancel_admit", "cancel_discharge"];

    /// <summary>The topic an event type belongs to, or null when the type is not in the contract.</summary>
    public static string? TopicOf(string eventType) => eventType switch
    {
        VitalSigns => Topics.PatientVitals,
        Diagnosis => Topics.PatientDiagnoses,
        Procedure => Topics.PatientProcedures,
        LabResult => Topics.PatientLabs,
        EhrAccess => Topics.EhrAuditLogs,
        _ when Adt.Contains(eventType) => Topics.PatientAdmissions,
        _ => null,
    };
}
