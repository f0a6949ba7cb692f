using CareLake.Core.Parsing;
using CareLake.Core.Records;

namespace CareLake.Core.Contracts.Mapping;

/// <summary>
/// The ADT event types of topic <c>patient_admissions</c>: a <see cref="PatientRecord"/> from <c>patient</c> (on
/// <c>admit</c>, <c>register</c>, <c>update</c>) and an <see cref="EncounterRecord"/> from <c>encounter</c> (required
/// except on <c>update</c>). Returns null exactly when <paramref name="f"/> holds the reason.
/// </summary>
internal static class AdtEventMapping
{
    private const int IdLimit = 128;

    private sealed record Location(string? Unit, string? Room, string? Bed);

    public static ClinicalRecord[]? Map(EventFields f, EventEnvelope e, AdtAction action)
    {
        var carriesPatient = action is AdtAction.Admit or AdtAction.Register or AdtAction.Update;
        var patient = carriesPatient && f.Object("patient", required: true) is { } p ? Patient(p, e) : null;
        var encounterFields = f.Object("encounter", required: action != AdtAction.Update);
        var encounter = encounterFields is null ? null : Encounter(encounterFields, f, e, action);
        if (f.Failed) return null;

        return (patient, encounter) switch
        {
            ({ } patientRecord, { } encounterRecord) => [patientRecord with { EncounterId = encounterRecord.EncounterId }, encounterRecord],
            ({ } patientOnly, null) => [patientOnly],
            (null, { } encounterOnly) => [encounterOnly],
            _ => [],
        };
    }

    private static PatientRecord? Patient(EventFields p, EventEnvelope e)
    {
        var givenName = p.Text("given_name");
        var familyName = p.Text("family_name");
        var birthDate = p.Date("birth_date");
        var sex = p.OneOf("sex", ContractValues.Sexes);
        var race = p.Text("race");
        var ethnicity = p.Text("ethnicity");
        var maritalStatus = p.Text("marital_status");
        var language = p.Text("language");
        var phone = p.Text("phone", maxLength: 64);
        var ssn = p.Text("ssn", maxLength: 32);
        var address = p.Object("address");
        var line1 = address?.Text("line1");
        var city = address?.Text("city");
        var state = address?.Text("state");
        var postalCode = address?.Text("postal_code", maxLength: 32);
        var country = address?.Text("country");
        if (p.Failed) return null;

        // One day of slack: the event's offset need not be the facility's.
        var eventDate = DateOnly.FromDateTime(e.OccurredAt.DateTime).AddDays(1);
        if (birthDate > eventDate)
        {
            p.Fail(RejectionReason.ImplausibleValue, $"'birth_date' {birthDate:yyyy-MM-dd} is after the event ({e.OccurredAt:O})", "birth_date");
            return null;
        }

        return new PatientRecord
        {
            EventId = e.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = e.SourceSystem,
            OccurredAt = e.OccurredAt,
            PatientId = e.PatientId,
            EncounterId = e.EncounterId,
            GivenName = givenName,
            FamilyName = familyName,
            BirthDate = birthDate,
            Sex = sex,
            Race = race,
            Ethnicity = ethnicity,
            MaritalStatus = maritalStatus,
            Language = language,
            Phone = phone,
            Ssn = ssn,
            AddressLine1 = line1,
            City = city,
            State = state,
            PostalCode = postalCode,
            Country = country,
        };
    }

    private static EncounterRecord? Encounter(EventFields enc, EventFields root, EventEnvelope e, AdtAction action)
    {
        var encounterId = enc.Text("encounter_id", maxLength: IdLimit);
        var encounterClass = enc.OneOf("class", EncounterClasses.All);
        var facilityId = enc.Text("facility_id", maxLength: IdLimit);
        var location = ReadLocation(enc);
        var admitSource = enc.Text("admit_source");
        var admittedAt = enc.Timestamp("admitted_at");
        var dischargedAt = enc.Timestamp("discharged_at", required: action == AdtAction.Discharge);
        var disposition = enc.OneOf("discharge_disposition", Dispositions.All);
        var attendingProviderId = enc.Text("attending_provider_id", maxLength: IdLimit);
        var from = action == AdtAction.Transfer ? root.Object("from") : null;
        if (from is not null) ReadLocation(from); // checked, not kept: the previous stay is known from history
        var to = action == AdtAction.Transfer && root.Object("to") is { } toFields ? ReadLocation(toFields) : null;
        if (enc.Failed) return null;

        if (encounterId is not null && e.EncounterId is not null && encounterId != e.EncounterId)
        {
            enc.Fail(RejectionReason.InconsistentValues,
                $"'encounter_id' '{JsonFields.Truncate(encounterId)}' differs from the event's encounter_id '{JsonFields.Truncate(e.EncounterId)}'", "encounter_id");
            return null;
        }

        if ((encounterId ?? e.EncounterId) is not { } id)
        {
            enc.Fail(RejectionReason.MissingField, "required field 'encounter_id' is missing (from the encounter and the event)", "encounter_id");
            return null;
        }

        if (dischargedAt < admittedAt)
        {
            enc.Fail(RejectionReason.InconsistentValues, $"'discharged_at' {dischargedAt:O} is before admitted_at {admittedAt:O}", "discharged_at");
            return null;
        }

        var place = to ?? location;
        return new EncounterRecord
        {
            EventId = e.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = e.SourceSystem,
            OccurredAt = e.OccurredAt,
            PatientId = e.PatientId,
            EncounterId = id,
            Action = action,
            ClassReceived = encounterClass,
            Class = encounterClass,
            FacilityId = facilityId,
            Unit = place.Unit,
            Room = place.Room,
            Bed = place.Bed,
            AdmitSource = admitSource,
            AdmittedAt = admittedAt,
            DischargedAt = dischargedAt,
            Disposition = disposition,
            DispositionReceived = disposition,
            AttendingProviderId = attendingProviderId,
        };
    }

    private static Location ReadLocation(EventFields f) =>
        new(f.Text("unit", maxLength: IdLimit), f.Text("room", maxLength: IdLimit), f.Text("bed", maxLength: IdLimit));
}
