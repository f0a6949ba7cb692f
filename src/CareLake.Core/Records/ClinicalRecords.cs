using CareLake.Core.Vitals;

namespace CareLake.Core.Records;

/// <summary>
/// The namespaces that patient and encounter ids belong to. Identity in silver is (source, patient id): records of
/// different sources are never matched to each other.
/// </summary>
public static class RecordSources
{
    /// <summary>The facility's own numbers: contract events (Kafka, HTTP, NDJSON) and HL7 v2 (PID-3 MRN, PV1-19 visit number).</summary>
    public const string Mrn = "mrn";

    /// <summary>Synthea CSV exports: Synthea's patient and encounter UUIDs.</summary>
    public const string Synthea = "synthea";

    /// <summary>FHIR R4 imports: the resources' logical ids.</summary>
    public const string Fhir = "fhir";
}

/// <summary>
/// One typed clinical fact, whatever format it arrived in (contract JSON, FHIR R4, Synthea CSV, HL7 v2). Silver
/// writes each kind to its own table, deduplicated by <see cref="EventId"/> within that table.
/// </summary>
public abstract record ClinicalRecord
{
    /// <summary>The idempotency key: a repeat of the same id is a duplicate, not a new fact.</summary>
    public required string EventId { get; init; }

    /// <summary>The id namespace (<see cref="RecordSources"/>).</summary>
    public required string Source { get; init; }

    /// <summary>The sending system as the record named it, when it did.</summary>
    public string? SourceSystem { get; init; }

    /// <summary>When it happened at the source; the order in which ADT and demographic history is applied.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The patient; null only for EHR access entries without one.</summary>
    public string? PatientId { get; init; }

    public string? EncounterId { get; init; }
}

/// <summary>A full snapshot of a patient's registration data, valid from <see cref="ClinicalRecord.OccurredAt"/>.</summary>
public sealed record PatientRecord : ClinicalRecord
{
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public DateOnly? BirthDate { get; init; }

    /// <summary>Date of death, when the source records one (Synthea DEATHDATE, FHIR deceasedDateTime, PID-29).</summary>
    public DateOnly? DeathDate { get; init; }

    /// <summary><c>female</c>, <c>male</c>, <c>other</c> or <c>unknown</c>.</summary>
    public string? Sex { get; init; }

    public string? Race { get; init; }
    public string? Ethnicity { get; init; }
    public string? MaritalStatus { get; init; }
    public string? Language { get; init; }
    public string? Phone { get; init; }
    public string? Ssn { get; init; }
    public string? AddressLine1 { get; init; }
    public string? City { get; init; }
    public string? State { get; init; }
    public string? PostalCode { get; init; }
    public string? Country { get; init; }
}

/// <summary>What an ADT record does to its encounter.</summary>
public enum AdtAction
{
    Register,
    Admit,
    Transfer,
    Discharge,
    Update,
    CancelAdmit,
    CancelDischarge,

    /// <summary>The encounter as a whole, as FHIR and Synthea send it: class, period, location and disposition at once.</summary>
    Snapshot,
}

/// <summary>The codes of <see cref="AdtAction"/>: the contract's ADT event types, and <c>snapshot</c>.</summary>
public static class AdtActionCodes
{
    private static readonly (AdtAction Action, string Code)[] Table =
    [
        (AdtAction.Register, "register"),
        (AdtAction.Admit, "admit"),
        (AdtAction.Transfer, "transfer"),
        (AdtAction.Discharge, "discharge"),
        (AdtAction.Update, "update"),
        (AdtAction.CancelAdmit, "cancel_admit"),
        (AdtAction.CancelDischarge, "cancel_discharge"),
        (AdtAction.Snapshot, "snapshot"),
    ];

    public static string Code(this AdtAction action)
    {
        foreach (var (a, code) in Table)
        {
            if (a == action) return code;
        }

        throw new ArgumentOutOfRangeException(nameof(action), action, null);
    }

    /// <summary>The action of a code; null when the code is none of them.</summary>
    public static AdtAction? FromCode(string code)
    {
        foreach (var (action, c) in Table)
        {
            if (string.Equals(c, code, StringComparison.Ordinal)) return action;
        }

        return null;
    }
}

/// <summary>One ADT event (or encounter snapshot); <c>silver.encounters</c> is derived from all of an encounter's records.</summary>
public sealed record EncounterRecord : ClinicalRecord
{
    public required AdtAction Action { get; init; }

    /// <summary>The class as the source sent it (e.g. Synthea's <c>wellness</c>, FHIR's <c>IMP</c>).</summary>
    public string? ClassReceived { get; init; }

    /// <summary>The normalised class (<see cref="EncounterClasses"/>), null when the received one is unknown.</summary>
    public string? Class { get; init; }

    public string? FacilityId { get; init; }
    public string? Unit { get; init; }
    public string? Room { get; init; }
    public string? Bed { get; init; }
    public string? AdmitSource { get; init; }
    public DateTimeOffset? AdmittedAt { get; init; }
    public DateTimeOffset? DischargedAt { get; init; }

    /// <summary>The contract's disposition code (<see cref="Dispositions"/>), null when unknown or not sent.</summary>
    public string? Disposition { get; init; }

    /// <summary>The disposition as the source sent it (e.g. FHIR <c>aadvice</c>, HL7 PV1-36 <c>07</c>).</summary>
    public string? DispositionReceived { get; init; }

    public string? AttendingProviderId { get; init; }

    /// <summary>A snapshot's status as sent (FHIR <c>Encounter.status</c>); <c>cancelled</c>/<c>entered-in-error</c> void it.</summary>
    public string? Status { get; init; }

    /// <summary>A human-readable reason or type of visit (Synthea DESCRIPTION, FHIR type/reason).</summary>
    public string? Description { get; init; }
}

/// <summary>A coded diagnosis or condition.</summary>
public sealed record DiagnosisRecord : ClinicalRecord
{
    /// <summary><see cref="CodeSystems.Icd10Cm"/>, <see cref="CodeSystems.SnomedCt"/> or another system's name as sent.</summary>
    public required string CodeSystem { get; init; }

    /// <summary>The code as sent (ICD-10-CM with or without its dot).</summary>
    public required string Code { get; init; }

    public string? Description { get; init; }

    /// <summary>1 = principal.</summary>
    public int? Rank { get; init; }

    /// <summary><c>Y</c>, <c>N</c>, <c>U</c> or <c>W</c>.</summary>
    public string? PresentOnAdmission { get; init; }

    /// <summary>When it was recorded or diagnosed (contract <c>diagnosed_at</c>, Synthea START, FHIR onset/recordedDate).</summary>
    public DateTimeOffset? DiagnosedAt { get; init; }

    /// <summary>When the condition resolved (Synthea STOP, FHIR abatement), if it did.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>FHIR clinicalStatus (active, resolved, …) when sent.</summary>
    public string? ClinicalStatus { get; init; }
}

/// <summary>A procedure performed on the patient.</summary>
public sealed record ProcedureRecord : ClinicalRecord
{
    /// <summary><see cref="CodeSystems.SnomedCt"/>, <see cref="CodeSystems.Icd10Pcs"/>, <see cref="CodeSystems.Cpt"/> or as sent.</summary>
    public required string CodeSystem { get; init; }

    public required string Code { get; init; }
    public string? Description { get; init; }
    public required DateTimeOffset PerformedAt { get; init; }
    public DateTimeOffset? PerformedEndAt { get; init; }

    /// <summary><c>completed</c>, <c>in-progress</c>, <c>not-done</c> or <c>entered-in-error</c>.</summary>
    public string? Status { get; init; }
}

/// <summary>One laboratory result (one analyte).</summary>
public sealed record LabResultRecord : ClinicalRecord
{
    public required string LoincCode { get; init; }
    public string? TestName { get; init; }

    /// <summary>The numeric value, when the result is a number.</summary>
    public decimal? ValueNumeric { get; init; }

    /// <summary>The value as text when it is not a number (coded or narrative results), else null.</summary>
    public string? ValueText { get; init; }

    /// <summary>UCUM unit.</summary>
    public string? Unit { get; init; }

    public decimal? ReferenceLow { get; init; }
    public decimal? ReferenceHigh { get; init; }

    /// <summary><c>N</c>, <c>L</c>, <c>H</c>, <c>LL</c>, <c>HH</c> or <c>A</c>.</summary>
    public string? AbnormalFlag { get; init; }

    public DateTimeOffset? SpecimenCollectedAt { get; init; }
    public DateTimeOffset? ResultedAt { get; init; }

    /// <summary><c>final</c>, <c>preliminary</c>, <c>corrected</c> or <c>cancelled</c>.</summary>
    public string? Status { get; init; }
}

/// <summary>One entry of an EHR audit log.</summary>
public sealed record EhrAccessRecord : ClinicalRecord
{
    public required string UserId { get; init; }
    public string? UserRole { get; init; }

    /// <summary><c>view</c>, <c>create</c>, <c>update</c>, <c>delete</c>, <c>print</c>, <c>export</c>, <c>login</c>, <c>logout</c> or <c>break_glass</c>.</summary>
    public string? Action { get; init; }

    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? Workstation { get; init; }
    public string? SourceIp { get; init; }

    /// <summary><c>success</c> or <c>failure</c>.</summary>
    public string? Outcome { get; init; }
}

/// <summary>A validated vital-sign set (see <see cref="VitalSignsParser.Validate"/>), scored by NEWS2 in silver.</summary>
public sealed record VitalSignsRecord : ClinicalRecord
{
    public required VitalSigns Vitals { get; init; }
}

/// <summary>
/// What one bronze message maps to: zero or more records, and, when it maps to nothing on purpose, why (e.g. a FHIR
/// resource type or HL7 message type silver does not type). Such messages stay in bronze and are counted, not quarantined.
/// </summary>
public sealed record MappedMessage(IReadOnlyList<ClinicalRecord> Records, string? Unsupported = null)
{
    public static MappedMessage Of(params ClinicalRecord[] records) => new(records);
    public static MappedMessage Skip(string why) => new([], why);
}
