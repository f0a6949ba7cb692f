namespace CareLake.Core.Records.History;

/// <summary>The <see cref="EncounterState.Status"/> values of a derived encounter.</summary>
public static class EncounterStatuses
{
    /// <summary>Registered (e.g. an outpatient or ED visit, HL7 A04) and not admitted.</summary>
    public const string Registered = "registered";

    /// <summary>Admitted and not discharged.</summary>
    public const string InHouse = "in_house";

    public const string Discharged = "discharged";

    /// <summary>Voided: the admission or visit did not happen (cancel_admit; FHIR cancelled or entered-in-error).</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Scheduled, not started (FHIR planned).</summary>
    public const string Planned = "planned";

    public static IReadOnlyList<string> All { get; } = [Registered, InHouse, Discharged, Cancelled, Planned];
}

/// <summary>One encounter as all of its records describe it: a row of <c>silver.encounters</c>.</summary>
public sealed record EncounterState
{
    public required string Source { get; init; }
    public required string EncounterId { get; init; }

    /// <summary>The latest patient id any record named.</summary>
    public string? PatientId { get; init; }

    /// <summary>One of <see cref="EncounterStatuses"/>.</summary>
    public required string Status { get; init; }

    public string? ClassReceived { get; init; }
    public string? Class { get; init; }
    public string? FacilityId { get; init; }

    /// <summary>The current location (or, once the encounter is closed, the last): that of the last <see cref="LocationStay"/>.</summary>
    public string? Unit { get; init; }

    public string? Room { get; init; }
    public string? Bed { get; init; }
    public string? AdmitSource { get; init; }
    public DateTimeOffset? AdmittedAt { get; init; }

    /// <summary>Set when the encounter is discharged (and kept if it is then cancelled); cleared by cancel_discharge.</summary>
    public DateTimeOffset? DischargedAt { get; init; }

    public string? Disposition { get; init; }
    public string? DispositionReceived { get; init; }
    public string? AttendingProviderId { get; init; }
    public string? Description { get; init; }

    /// <summary>The earliest <see cref="ClinicalRecord.OccurredAt"/> of the encounter's records.</summary>
    public required DateTimeOffset FirstEventAt { get; init; }

    /// <summary>The latest <see cref="ClinicalRecord.OccurredAt"/> of the encounter's records.</summary>
    public required DateTimeOffset LastEventAt { get; init; }

    public required int EventCount { get; init; }

    /// <summary>The id of the record applied last (latest in the application order).</summary>
    public required string LastEventId { get; init; }
}

/// <summary>A period the patient spent at one place during an encounter.</summary>
/// <param name="EndedAt">Null while the patient is still there.</param>
/// <param name="Sequence">1 for the first stay of the encounter, then 2, 3, …</param>
public sealed record LocationStay(string Unit, string? Room, string? Bed, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int Sequence);
