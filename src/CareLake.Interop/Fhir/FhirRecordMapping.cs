using CareLake.Core.Contracts;
using CareLake.Core.Records;
using Hl7.Fhir.Model;

namespace CareLake.Interop.Fhir;

/// <summary>Maps one parsed resource onto its clinical record.</summary>
/// <param name="source">The id namespace.</param>
/// <param name="eventId">The resource's dedupe key.</param>
/// <param name="message">The bronze record, for its headers.</param>
internal sealed class FhirRecordMapping(string source, string eventId, MessageContext message)
{
    private const string RaceExtension = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
    private const string EthnicityExtension = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
    private const string SsnSystem = "http://hl7.org/fhir/sid/us-ssn";

    private static readonly string[] OpenEncounterStatuses = ["planned", "arrived", "triaged", "in-progress", "onleave"];

    public ParseResult<MappedMessage> Patient(Patient patient)
    {
        if (string.IsNullOrEmpty(patient.Id)) return Missing("id", "a FHIR Patient needs an id");
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        var address = patient.Address.FirstOrDefault(a => a.Use == Address.AddressUse.Home) ?? patient.Address.FirstOrDefault();
        var birthDate = FhirValues.CalendarDate(patient.BirthDateElement);
        return MappedMessage.Of(new PatientRecord
        {
            EventId = eventId,
            Source = source,
            PatientId = patient.Id,
            OccurredAt = patient.Meta?.LastUpdated ?? (birthDate is { } born ? new DateTimeOffset(born, TimeOnly.MinValue, TimeSpan.Zero) : DateTimeOffset.UnixEpoch),
            GivenName = FhirValues.NullIfBlank(name?.Given.FirstOrDefault()),
            FamilyName = FhirValues.NullIfBlank(name?.Family),
            BirthDate = birthDate,
            DeathDate = FhirValues.CalendarDate(patient.Deceased as FhirDateTime),
            Sex = patient.GenderElement?.Literal,
            Race = UsCoreCategory(patient, RaceExtension),
            Ethnicity = UsCoreCategory(patient, EthnicityExtension),
            MaritalStatus = FhirValues.Code(patient.MaritalStatus),
            Language = FhirValues.Code((patient.Communication.FirstOrDefault(c => c.Preferred == true) ?? patient.Communication.FirstOrDefault())?.Language),
            Phone = FhirValues.NullIfBlank(patient.Telecom.FirstOrDefault(t => t.System == ContactPoint.ContactPointSystem.Phone)?.Value),
            Ssn = FhirValues.NullIfBlank(patient.Identifier.FirstOrDefault(i => i.System == SsnSystem)?.Value),
            AddressLine1 = FhirValues.NullIfBlank(address?.Line.FirstOrDefault()),
            City = FhirValues.NullIfBlank(address?.City),
            State = FhirValues.NullIfBlank(address?.State),
            PostalCode = FhirValues.NullIfBlank(address?.PostalCode),
            Country = FhirValues.NullIfBlank(address?.Country),
        });
    }

    public ParseResult<MappedMessage> Encounter(Encounter encounter)
    {
        if (string.IsNullOrEmpty(encounter.Id)) return Missing("id", "a FHIR Encounter needs an id");
        var patientId = ReferenceId(encounter.Subject);
        if (patientId is null) return Missing("subject", "a FHIR Encounter needs a subject");

        var status = encounter.StatusElement?.Literal;
        var admittedAt = FhirValues.Time(encounter.Period?.StartElement);
        var endedAt = FhirValues.Time(encounter.Period?.EndElement);
        var dischargedAt = endedAt is not null && !OpenEncounterStatuses.Contains(status) ? endedAt : null;
        var disposition = FhirValues.Code(encounter.Hospitalization?.DischargeDisposition);
        var location = encounter.Location.FirstOrDefault()?.Location;
        return MappedMessage.Of(new EncounterRecord
        {
            EventId = eventId,
            Source = source,
            PatientId = patientId,
            EncounterId = encounter.Id,
            OccurredAt = endedAt ?? admittedAt ?? encounter.Meta?.LastUpdated ?? DateTimeOffset.UnixEpoch,
            Action = AdtAction.Snapshot,
            Status = status,
            ClassReceived = FhirValues.NullIfBlank(encounter.Class?.Code),
            Class = EncounterClasses.Normalize(encounter.Class?.Code),
            AdmittedAt = admittedAt,
            DischargedAt = dischargedAt,
            DispositionReceived = disposition,
            Disposition = Dispositions.Normalize(disposition),
            AdmitSource = FhirValues.Code(encounter.Hospitalization?.AdmitSource),
            FacilityId = ReferenceId(encounter.ServiceProvider),
            Unit = FhirValues.NullIfBlank(location?.Display) ?? ReferenceId(location),
            AttendingProviderId = ReferenceId(AttendingParticipant(encounter)?.Individual),
            Description = FhirValues.Text(encounter.Type.FirstOrDefault()),
        });
    }

    public ParseResult<MappedMessage> Condition(Condition condition)
    {
        var patientId = ReferenceId(condition.Subject);
        if (patientId is null) return Missing("subject", "a FHIR Condition needs a subject");
        var coding = condition.Code?.Coding.FirstOrDefault(c => !string.IsNullOrEmpty(c.Code));
        if (coding?.Code is not { } code) return Missing("code", "a FHIR Condition needs a coded code");

        var onset = FhirValues.Time(condition.Onset);
        var recorded = FhirValues.Time(condition.RecordedDateElement);
        return MappedMessage.Of(new DiagnosisRecord
        {
            EventId = eventId,
            Source = source,
            PatientId = patientId,
            EncounterId = ReferenceId(condition.Encounter),
            OccurredAt = recorded ?? onset ?? condition.Meta?.LastUpdated ?? DateTimeOffset.UnixEpoch,
            CodeSystem = CodeSystems.FromUri(coding.System),
            Code = code,
            Description = FhirValues.NullIfBlank(condition.Code!.Text) ?? FhirValues.NullIfBlank(coding.Display),
            DiagnosedAt = onset ?? recorded,
            ResolvedAt = FhirValues.Time(condition.Abatement as FhirDateTime) ?? FhirValues.EndTime(condition.Abatement),
            ClinicalStatus = FhirValues.Code(condition.ClinicalStatus),
        });
    }

    public ParseResult<MappedMessage> Procedure(Procedure procedure)
    {
        var patientId = ReferenceId(procedure.Subject);
        if (patientId is null) return Missing("subject", "a FHIR Procedure needs a subject");
        var coding = procedure.Code?.Coding.FirstOrDefault(c => !string.IsNullOrEmpty(c.Code));
        if (coding?.Code is not { } code) return Missing("code", "a FHIR Procedure needs a coded code");
        var performedAt = FhirValues.Time(procedure.Performed);
        if (performedAt is null) return Missing("performed", "a FHIR Procedure needs performedDateTime or performedPeriod.start");

        return MappedMessage.Of(new ProcedureRecord
        {
            EventId = eventId,
            Source = source,
            PatientId = patientId,
            EncounterId = ReferenceId(procedure.Encounter),
            OccurredAt = performedAt.Value,
            CodeSystem = CodeSystems.FromUri(coding.System),
            Code = code,
            Description = FhirValues.NullIfBlank(procedure.Code!.Text) ?? FhirValues.NullIfBlank(coding.Display),
            PerformedAt = performedAt.Value,
            PerformedEndAt = FhirValues.EndTime(procedure.Performed),
            Status = procedure.StatusElement?.Literal,
        });
    }

    /// <summary>
    /// A laboratory Observation, or one with a LOINC code and no standard category, is a lab result; Observations of
    /// the other standard categories (survey, social-history, exam, imaging, …) stay in bronze.
    /// </summary>
    public ParseResult<MappedMessage> Observation(Observation observation)
    {
        var isLaboratory = FhirObservations.IsLaboratory(observation);
        if (!isLaboratory && FhirObservations.OtherStandardCategory(observation) is { } category)
        {
            return MappedMessage.Skip($"FHIR Observation of category {category} is kept in bronze only");
        }

        var loinc = FhirValues.LoincCodes(observation.Code).FirstOrDefault();
        if (loinc is null)
        {
            return isLaboratory
                ? Missing("code", "a laboratory Observation needs a LOINC code")
                : MappedMessage.Skip("FHIR Observation without a category or a LOINC code is kept in bronze only");
        }

        var patientId = ReferenceId(observation.Subject);
        if (patientId is null) return Missing("subject", "a FHIR Observation needs a subject");
        return MappedMessage.Of(LabResult(observation, loinc, patientId));
    }

    private LabResultRecord LabResult(Observation observation, string loinc, string patientId)
    {
        var collectedAt = FhirValues.Time(observation.Effective);
        var resultedAt = observation.Issued;
        var (numeric, text, unit) = LabValue(observation.Value);
        var range = observation.ReferenceRange.FirstOrDefault();
        return new LabResultRecord
        {
            EventId = eventId,
            Source = source,
            PatientId = patientId,
            EncounterId = ReferenceId(observation.Encounter),
            OccurredAt = resultedAt ?? collectedAt ?? observation.Meta?.LastUpdated ?? DateTimeOffset.UnixEpoch,
            LoincCode = loinc,
            TestName = FhirValues.Text(observation.Code),
            ValueNumeric = numeric,
            ValueText = text,
            Unit = unit,
            ReferenceLow = range?.Low?.Value,
            ReferenceHigh = range?.High?.Value,
            AbnormalFlag = AbnormalFlag(observation.Interpretation.SelectMany(i => i.Coding).FirstOrDefault()?.Code),
            SpecimenCollectedAt = collectedAt,
            ResultedAt = resultedAt,
            Status = LabStatus(observation.StatusElement?.Literal),
        };
    }

    /// <summary>A number with its UCUM unit, or the value as text (a comparator such as <c>&lt;5</c> keeps it text).</summary>
    private static (decimal? Numeric, string? Text, string? Unit) LabValue(DataType? value) => value switch
    {
        Quantity { Value: { } number, Comparator: null } q => (number, null, FhirValues.NullIfBlank(q.Code) ?? FhirValues.NullIfBlank(q.Unit)),
        Quantity { Value: { } number } q => (null, q.ComparatorElement?.Literal + number.ToString(System.Globalization.CultureInfo.InvariantCulture), FhirValues.NullIfBlank(q.Code) ?? FhirValues.NullIfBlank(q.Unit)),
        Integer { Value: { } number } => (number, null, null),
        FhirString text => (null, FhirValues.NullIfBlank(text.Value), null),
        CodeableConcept concept => (null, FhirValues.Text(concept) ?? FhirValues.Code(concept), null),
        FhirBoolean { Value: { } flag } => (null, flag ? "true" : "false", null),
        _ => (null, null, null),
    };

    /// <summary>v3 ObservationInterpretation → the lab flags silver stores.</summary>
    private static string? AbnormalFlag(string? interpretation) => interpretation switch
    {
        "N" => "N",
        "L" => "L",
        "H" => "H",
        "LL" or "LU" => "LL",
        "HH" or "HU" => "HH",
        "A" or "AA" => "A",
        _ => null,
    };

    private static string? LabStatus(string? status) => status switch
    {
        "final" => "final",
        "preliminary" or "registered" => "preliminary",
        "corrected" or "amended" => "corrected",
        "cancelled" or "entered-in-error" => "cancelled",
        _ => null,
    };

    /// <summary>The attending (ATND) participant, else the primary performer (PPRF), else the first with an individual.</summary>
    private static Encounter.ParticipantComponent? AttendingParticipant(Encounter encounter)
    {
        var withIndividual = encounter.Participant.Where(p => p.Individual is not null).ToList();
        return withIndividual.FirstOrDefault(p => HasParticipationType(p, "ATND")) ??
               withIndividual.FirstOrDefault(p => HasParticipationType(p, "PPRF")) ??
               withIndividual.FirstOrDefault();
    }

    private static bool HasParticipationType(Encounter.ParticipantComponent participant, string code) =>
        participant.Type.SelectMany(t => t.Coding).Any(c => c.Code == code);

    /// <summary>A US Core race/ethnicity extension's text, else its first OMB category's display.</summary>
    private static string? UsCoreCategory(Patient patient, string url)
    {
        var extension = patient.Extension.FirstOrDefault(e => e.Url == url);
        if (extension is null) return null;
        var text = extension.Extension.FirstOrDefault(e => e.Url == "text")?.Value as FhirString;
        var category = extension.Extension.FirstOrDefault(e => e.Url == "ombCategory")?.Value as Coding;
        return FhirValues.NullIfBlank(text?.Value) ?? FhirValues.NullIfBlank(category?.Display) ?? FhirValues.NullIfBlank(category?.Code);
    }

    private string? ReferenceId(ResourceReference? reference) =>
        reference is null ? null : FhirReferences.Id(reference.Reference, message) ?? FhirValues.NullIfBlank(reference.Identifier?.Value);

    private Rejection Missing(string field, string why) => new(RejectionReason.MissingField, why, field, eventId);
}
