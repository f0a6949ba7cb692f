using System.Text;
using CareLake.Core.Contracts;
using CareLake.Core.Contracts.Mapping;
using CareLake.Core.Parsing;
using CareLake.Core.Records;
using CareLake.Core.Vitals;
using static CareLake.Core.Tests.Records.Mapping.ContractSamples;

namespace CareLake.Core.Tests.Records.Mapping;

public class ContractEventMapperTests
{
    private readonly ContractEventMapper _mapper = new(new VitalSignsParser());

    private ParseResult<MappedMessage> Map(string stream, string json, DateTimeOffset? receivedAt = null) =>
        _mapper.Map(new MessageContext(stream, Encoding.UTF8.GetBytes(json), null, null, receivedAt ?? ReceivedAt));

    private IReadOnlyList<ClinicalRecord> Records(string stream, string json)
    {
        var result = Map(stream, json);
        Assert.True(result.IsSuccess, result.Rejection?.Message);
        return result.Value!.Records;
    }

    private T Single<T>(string stream, string json) where T : ClinicalRecord => Assert.IsType<T>(Assert.Single(Records(stream, json)));

    private static void AssertCommonFields(ClinicalRecord r, string eventId, string? sourceSystem, string? encounterId = "ENC778")
    {
        Assert.Equal((eventId, RecordSources.Mrn, sourceSystem, "MRN0001234", encounterId), (r.EventId, r.Source, r.SourceSystem, r.PatientId, r.EncounterId));
    }

    [Fact]
    public void The_contract_example_maps_to_a_vital_signs_record_through_the_vitals_parser()
    {
        var record = Single<VitalSignsRecord>(Topics.PatientVitals, VitalSignsExample);

        AssertCommonFields(record, "vs-000001", null);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 8, 15, 0, TimeSpan.Zero), record.OccurredAt);
        Assert.Equal(new VitalSignsParser().Parse(Encoding.UTF8.GetBytes(VitalSignsExample), ReceivedAt).Value, record.Vitals);
        Assert.Equal((118m, 38.4m), (record.Vitals.HeartRate, record.Vitals.TemperatureCelsius));
    }

    [Fact]
    public void An_admit_yields_a_patient_record_and_an_encounter_record_with_the_events_id()
    {
        var records = Records(Topics.PatientAdmissions, Admit);

        Assert.Equal(2, records.Count);
        var patient = Assert.IsType<PatientRecord>(records[0]);
        var encounter = Assert.IsType<EncounterRecord>(records[1]);
        AssertCommonFields(patient, "adt-0001", "FAC1-EHR");
        AssertCommonFields(encounter, "adt-0001", "FAC1-EHR");
        var occurredAt = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.FromHours(-5));
        Assert.Equal((occurredAt, occurredAt), (patient.OccurredAt, encounter.OccurredAt));

        Assert.Equal(("Ada", "Byron", new DateOnly(1950, 12, 10), "female"), (patient.GivenName, patient.FamilyName, patient.BirthDate, patient.Sex));
        Assert.Equal(("white", "non_hispanic", "M", "en", "555-0100", "999-00-1234"),
            (patient.Race, patient.Ethnicity, patient.MaritalStatus, patient.Language, patient.Phone, patient.Ssn));
        Assert.Equal(("1 Main St", "Springfield", "IL", "62701", "US"), (patient.AddressLine1, patient.City, patient.State, patient.PostalCode, patient.Country));
        Assert.Null(patient.DeathDate);

        Assert.Equal(AdtAction.Admit, encounter.Action);
        Assert.Equal(("inpatient", "inpatient", "FAC1"), (encounter.ClassReceived, encounter.Class, encounter.FacilityId));
        Assert.Equal(("4B", "412", "A", "emergency", "PRV-9"), (encounter.Unit, encounter.Room, encounter.Bed, encounter.AdmitSource, encounter.AttendingProviderId));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 55, 0, TimeSpan.FromHours(-5)), encounter.AdmittedAt);
        Assert.Null(encounter.DischargedAt);
        Assert.Null(encounter.Disposition);
    }

    [Theory]
    [InlineData("admit", AdtAction.Admit, true)]
    [InlineData("register", AdtAction.Register, true)]
    [InlineData("update", AdtAction.Update, true)]
    [InlineData("transfer", AdtAction.Transfer, false)]
    [InlineData("cancel_admit", AdtAction.CancelAdmit, false)]
    [InlineData("cancel_discharge", AdtAction.CancelDischarge, false)]
    public void Every_adt_type_maps_to_an_encounter_record_and_a_patient_only_where_the_contract_requires_one(string eventType, AdtAction action, bool withPatient)
    {
        var json = With(Admit, o => o["event_type"] = eventType);

        var records = Records(Topics.PatientAdmissions, json);

        Assert.Equal(withPatient ? 2 : 1, records.Count);
        Assert.Equal(withPatient, records[0] is PatientRecord);
        var encounter = Assert.IsType<EncounterRecord>(records[^1]);
        Assert.Equal((action, "ENC778"), (encounter.Action, encounter.EncounterId));
    }

    [Fact]
    public void A_discharge_carries_its_time_and_disposition()
    {
        var encounter = Single<EncounterRecord>(Topics.PatientAdmissions, Discharge);

        Assert.Equal(AdtAction.Discharge, encounter.Action);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 13, 50, 0, TimeSpan.FromHours(-5)), encounter.DischargedAt);
        Assert.Equal(("home_health", "home_health"), (encounter.Disposition, encounter.DispositionReceived));
    }

    [Fact]
    public void A_transfer_places_the_patient_at_its_to_location()
    {
        var encounter = Single<EncounterRecord>(Topics.PatientAdmissions, Transfer);

        Assert.Equal(AdtAction.Transfer, encounter.Action);
        Assert.Equal(("ICU", "2", "1"), (encounter.Unit, encounter.Room, encounter.Bed));
    }

    [Fact]
    public void A_transfer_without_to_keeps_the_encounters_location()
    {
        var encounter = Single<EncounterRecord>(Topics.PatientAdmissions, WithField(Transfer, "to", null));

        Assert.Equal(("4B", "412", "A"), (encounter.Unit, encounter.Room, encounter.Bed));
    }

    [Fact]
    public void An_update_without_an_encounter_yields_only_the_patient()
    {
        var patient = Single<PatientRecord>(Topics.PatientAdmissions, Update);

        AssertCommonFields(patient, "adt-0004", "FAC1-EHR", encounterId: null);
        Assert.Equal(("Ada", "King"), (patient.GivenName, patient.FamilyName));
        Assert.Null(patient.City);
    }

    [Fact]
    public void The_encounter_id_falls_back_to_the_events()
    {
        var encounter = Assert.IsType<EncounterRecord>(Records(Topics.PatientAdmissions, WithField(Admit, "encounter.encounter_id", null))[^1]);

        Assert.Equal("ENC778", encounter.EncounterId);
    }

    [Fact]
    public void The_encounter_id_may_come_from_the_encounter_alone()
    {
        var records = Records(Topics.PatientAdmissions, WithField(Admit, "encounter_id", null));

        Assert.All(records, r => Assert.Equal("ENC778", r.EncounterId));
    }

    [Fact]
    public void A_diagnosis_maps_with_its_code_rank_and_present_on_admission()
    {
        var dx = Single<DiagnosisRecord>(Topics.PatientDiagnoses, Diagnosis);

        AssertCommonFields(dx, "dx-0001", "FAC1-EHR");
        Assert.Equal(("ICD-10-CM", "I50.9", "Heart failure, unspecified", 1, "Y"), (dx.CodeSystem, dx.Code, dx.Description, dx.Rank, dx.PresentOnAdmission));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 45, 0, TimeSpan.Zero), dx.DiagnosedAt);
    }

    [Theory]
    [InlineData("I509")]
    [InlineData("S72.001A")]
    [InlineData("E11")]
    [InlineData("U07.1")]
    public void Icd10cm_codes_are_accepted_with_or_without_their_dot(string code)
    {
        var dx = Single<DiagnosisRecord>(Topics.PatientDiagnoses, With(Diagnosis, o => o["code"] = code));

        Assert.Equal(code, dx.Code);
    }

    [Fact]
    public void The_code_system_defaults_to_icd10cm_and_another_system_is_kept_as_sent_without_the_icd_shape_check()
    {
        Assert.Equal(CodeSystems.Icd10Cm, Single<DiagnosisRecord>(Topics.PatientDiagnoses, WithField(Diagnosis, "code_system", null)).CodeSystem);

        var snomed = Single<DiagnosisRecord>(Topics.PatientDiagnoses, With(Diagnosis, o => { o["code_system"] = "SNOMED-CT"; o["code"] = "84114007"; }));
        Assert.Equal(("SNOMED-CT", "84114007"), (snomed.CodeSystem, snomed.Code));
    }

    [Fact]
    public void A_procedure_maps_with_its_period_and_status()
    {
        var px = Single<ProcedureRecord>(Topics.PatientProcedures, Procedure);

        AssertCommonFields(px, "px-0001", null);
        Assert.Equal(("SNOMED-CT", "40701008", "Echocardiography", "completed"), (px.CodeSystem, px.Code, px.Description, px.Status));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 11, 0, 0, TimeSpan.Zero), px.PerformedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 11, 40, 0, TimeSpan.Zero), px.PerformedEndAt);
    }

    [Fact]
    public void A_lab_result_maps_a_numeric_value()
    {
        var lab = Single<LabResultRecord>(Topics.PatientLabs, LabResult);

        AssertCommonFields(lab, "lab-0001", "FAC1-LIS");
        Assert.Equal(("2823-3", "Potassium", 5.9m, (string?)null, "mmol/L"), (lab.LoincCode, lab.TestName, lab.ValueNumeric, lab.ValueText, lab.Unit));
        Assert.Equal((3.5m, 5.1m, "H", "final"), (lab.ReferenceLow, lab.ReferenceHigh, lab.AbnormalFlag, lab.Status));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 50, 0, TimeSpan.Zero), lab.SpecimenCollectedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 10, 25, 0, TimeSpan.Zero), lab.ResultedAt);
    }

    [Fact]
    public void A_lab_result_keeps_a_text_value_as_text()
    {
        var lab = Single<LabResultRecord>(Topics.PatientLabs, With(LabResult, o => { o["loinc_code"] = "5778-6"; o["value"] = "Yellow"; o.Remove("unit"); }));

        Assert.Equal(("Yellow", (decimal?)null), (lab.ValueText, lab.ValueNumeric));
    }

    [Fact]
    public void A_lab_result_without_a_value_or_encounter_is_accepted()
    {
        var lab = Single<LabResultRecord>(Topics.PatientLabs, With(LabResult, o => { o.Remove("value"); o.Remove("encounter_id"); o["status"] = "cancelled"; }));

        Assert.Equal(((decimal?)null, (string?)null, (string?)null, "cancelled"), (lab.ValueNumeric, lab.ValueText, lab.EncounterId, lab.Status));
    }

    [Fact]
    public void An_ehr_access_maps_every_field()
    {
        var access = Single<EhrAccessRecord>(Topics.EhrAuditLogs, EhrAccess);

        AssertCommonFields(access, "audit-0001", "FAC1-EHR-AUDIT", encounterId: null);
        Assert.Equal(("u-nurse-17", "nurse", "view", "lab_result", "lab-0001"), (access.UserId, access.UserRole, access.Action, access.ResourceType, access.ResourceId));
        Assert.Equal(("WS-4B-02", "10.1.4.22", "success"), (access.Workstation, access.SourceIp, access.Outcome));
    }

    [Fact]
    public void An_ehr_access_may_have_no_patient_but_other_events_may_not()
    {
        var login = Single<EhrAccessRecord>(Topics.EhrAuditLogs, With(EhrAccess, o => { o.Remove("patient_id"); o["action"] = "login"; }));
        Assert.Null(login.PatientId);

        var rejection = Map(Topics.PatientLabs, WithField(LabResult, "patient_id", null)).Rejection!;
        Assert.Equal((RejectionReason.MissingField, "patient_id", "lab-0001"), (rejection.Reason, rejection.Field, rejection.EventId));
    }

    public static TheoryData<string, string> EveryTypeWithItsTopic => new()
    {
        { "admit", Topics.PatientAdmissions },
        { "transfer", Topics.PatientAdmissions },
        { "discharge", Topics.PatientAdmissions },
        { "update", Topics.PatientAdmissions },
        { "diagnosis", Topics.PatientDiagnoses },
        { "procedure", Topics.PatientProcedures },
        { "lab_result", Topics.PatientLabs },
        { "ehr_access", Topics.EhrAuditLogs },
        { "vital_signs", Topics.PatientVitals },
    };

    [Theory]
    [MemberData(nameof(EveryTypeWithItsTopic))]
    public void The_generic_events_stream_accepts_every_type_and_maps_it_as_its_topic_does(string sample, string topic)
    {
        var onStream = Records(ContractEventMapper.GenericStream, ByName[sample]);

        Assert.Equal(Records(topic, ByName[sample]), onStream);
    }

    [Theory]
    [MemberData(nameof(EveryTypeWithItsTopic))]
    public void Every_type_is_rejected_on_every_other_topic(string sample, string topic)
    {
        foreach (var other in Topics.Inbound.Where(t => t != topic))
        {
            var rejection = Map(other, ByName[sample]).Rejection!;

            Assert.Equal((RejectionReason.WrongTopic, "event_type"), (rejection.Reason, rejection.Field));
            Assert.Contains($"belongs on topic {topic}, not {other}", rejection.Message, StringComparison.Ordinal);
            Assert.NotNull(rejection.EventId);
        }
    }

    [Theory]
    [InlineData(Topics.PatientLabs)]
    [InlineData(ContractEventMapper.GenericStream)]
    public void An_unknown_event_type_is_rejected_as_such_on_a_topic_and_on_the_generic_stream(string stream)
    {
        var rejection = Map(stream, With(LabResult, o => o["event_type"] = "lab_result_v2")).Rejection!;

        Assert.Equal((RejectionReason.UnknownEventType, "event_type", "lab-0001"), (rejection.Reason, rejection.Field, rejection.EventId));
        Assert.Equal("event_type 'lab_result_v2' is not in the event contracts", rejection.Message);
    }

    public static TheoryData<string, string, string?, RejectionReason, string> BadFields => new()
    {
        // Envelope
        { "admit", "patient_id", null, RejectionReason.MissingField, "patient_id" },
        { "admit", "occurred_at", "\"2026-11-09T08:00:00Z\"", RejectionReason.TimestampInFuture, "occurred_at" },
        { "diagnosis", "schema_version", "2", RejectionReason.UnsupportedSchemaVersion, "schema_version" },
        { "procedure", "event_id", "\"\"", RejectionReason.InvalidValue, "event_id" },
        // ADT: patient
        { "admit", "patient", null, RejectionReason.MissingField, "patient" },
        { "update", "patient", null, RejectionReason.MissingField, "patient" },
        { "admit", "patient", "\"Ada Byron\"", RejectionReason.WrongType, "patient" },
        { "admit", "patient.given_name", "5", RejectionReason.WrongType, "patient.given_name" },
        { "admit", "patient.family_name", "[\"Byron\"]", RejectionReason.WrongType, "patient.family_name" },
        { "admit", "patient.birth_date", "\"1950-13-10\"", RejectionReason.InvalidValue, "patient.birth_date" },
        { "admit", "patient.birth_date", "\"10/12/1950\"", RejectionReason.InvalidValue, "patient.birth_date" },
        { "admit", "patient.birth_date", "\"1950-12-10T00:00:00Z\"", RejectionReason.InvalidValue, "patient.birth_date" },
        { "admit", "patient.birth_date", "\"2031-01-01\"", RejectionReason.ImplausibleValue, "patient.birth_date" },
        { "admit", "patient.sex", "\"F\"", RejectionReason.InvalidValue, "patient.sex" },
        { "admit", "patient.race", "1", RejectionReason.WrongType, "patient.race" },
        { "admit", "patient.ethnicity", "true", RejectionReason.WrongType, "patient.ethnicity" },
        { "admit", "patient.marital_status", "{}", RejectionReason.WrongType, "patient.marital_status" },
        { "admit", "patient.language", "1", RejectionReason.WrongType, "patient.language" },
        { "admit", "patient.phone", "5550100", RejectionReason.WrongType, "patient.phone" },
        { "admit", "patient.ssn", "999001234", RejectionReason.WrongType, "patient.ssn" },
        { "admit", "patient.address", "\"1 Main St\"", RejectionReason.WrongType, "patient.address" },
        { "admit", "patient.address.line1", "1", RejectionReason.WrongType, "patient.address.line1" },
        { "admit", "patient.address.city", "1", RejectionReason.WrongType, "patient.address.city" },
        { "admit", "patient.address.state", "1", RejectionReason.WrongType, "patient.address.state" },
        { "admit", "patient.address.postal_code", "62701", RejectionReason.WrongType, "patient.address.postal_code" },
        { "admit", "patient.address.country", "1", RejectionReason.WrongType, "patient.address.country" },
        // ADT: encounter
        { "admit", "encounter", null, RejectionReason.MissingField, "encounter" },
        { "transfer", "encounter", null, RejectionReason.MissingField, "encounter" },
        { "discharge", "encounter", "[]", RejectionReason.WrongType, "encounter" },
        { "admit", "encounter.encounter_id", "\"ENC999\"", RejectionReason.InconsistentValues, "encounter.encounter_id" },
        { "admit", "encounter.encounter_id", "778", RejectionReason.WrongType, "encounter.encounter_id" },
        { "admit", "encounter.class", "\"inpt\"", RejectionReason.InvalidValue, "encounter.class" },
        { "admit", "encounter.class", "\"IMP\"", RejectionReason.InvalidValue, "encounter.class" },
        { "admit", "encounter.facility_id", "1", RejectionReason.WrongType, "encounter.facility_id" },
        { "admit", "encounter.unit", "4", RejectionReason.WrongType, "encounter.unit" },
        { "admit", "encounter.room", "412", RejectionReason.WrongType, "encounter.room" },
        { "admit", "encounter.bed", "1", RejectionReason.WrongType, "encounter.bed" },
        { "admit", "encounter.admit_source", "1", RejectionReason.WrongType, "encounter.admit_source" },
        { "admit", "encounter.admitted_at", "\"2026-11-02 07:55\"", RejectionReason.InvalidValue, "encounter.admitted_at" },
        { "admit", "encounter.admitted_at", "\"2026-11-09T07:55:00Z\"", RejectionReason.TimestampInFuture, "encounter.admitted_at" },
        { "admit", "encounter.attending_provider_id", "9", RejectionReason.WrongType, "encounter.attending_provider_id" },
        { "discharge", "encounter.discharged_at", null, RejectionReason.MissingField, "encounter.discharged_at" },
        { "discharge", "encounter.discharged_at", "\"2026-11-02T07:00:00-05:00\"", RejectionReason.InconsistentValues, "encounter.discharged_at" },
        { "discharge", "encounter.discharged_at", "1762109400", RejectionReason.WrongType, "encounter.discharged_at" },
        { "discharge", "encounter.discharge_disposition", "\"went home\"", RejectionReason.InvalidValue, "encounter.discharge_disposition" },
        { "discharge", "encounter.discharge_disposition", "\"01\"", RejectionReason.InvalidValue, "encounter.discharge_disposition" },
        { "transfer", "to", "\"ICU-2-1\"", RejectionReason.WrongType, "to" },
        { "transfer", "to.unit", "3", RejectionReason.WrongType, "to.unit" },
        { "transfer", "from.bed", "1", RejectionReason.WrongType, "from.bed" },
        // Diagnosis
        { "diagnosis", "encounter_id", null, RejectionReason.MissingField, "encounter_id" },
        { "diagnosis", "code", null, RejectionReason.MissingField, "code" },
        { "diagnosis", "code", "\"\"", RejectionReason.InvalidValue, "code" },
        { "diagnosis", "code", "\"I5\"", RejectionReason.InvalidValue, "code" },
        { "diagnosis", "code", "\"150.9\"", RejectionReason.InvalidValue, "code" },
        { "diagnosis", "code", "\"I50.\"", RejectionReason.InvalidValue, "code" },
        { "diagnosis", "code", "\"I50.12345\"", RejectionReason.InvalidValue, "code" },
        { "diagnosis", "code", "\"I50-9\"", RejectionReason.InvalidValue, "code" },
        { "diagnosis", "code", "428.0", RejectionReason.WrongType, "code" },
        { "diagnosis", "code_system", "10", RejectionReason.WrongType, "code_system" },
        { "diagnosis", "description", "1", RejectionReason.WrongType, "description" },
        { "diagnosis", "rank", "0", RejectionReason.InvalidValue, "rank" },
        { "diagnosis", "rank", "-1", RejectionReason.InvalidValue, "rank" },
        { "diagnosis", "rank", "3000000000", RejectionReason.InvalidValue, "rank" },
        { "diagnosis", "rank", "\"1\"", RejectionReason.WrongType, "rank" },
        { "diagnosis", "rank", "1.5", RejectionReason.WrongType, "rank" },
        { "diagnosis", "present_on_admission", "\"X\"", RejectionReason.InvalidValue, "present_on_admission" },
        { "diagnosis", "present_on_admission", "\"y\"", RejectionReason.InvalidValue, "present_on_admission" },
        { "diagnosis", "diagnosed_at", "\"yesterday\"", RejectionReason.InvalidValue, "diagnosed_at" },
        { "diagnosis", "diagnosed_at", "\"2026-11-05T00:00:00Z\"", RejectionReason.TimestampInFuture, "diagnosed_at" },
        // Procedure
        { "procedure", "encounter_id", null, RejectionReason.MissingField, "encounter_id" },
        { "procedure", "code", null, RejectionReason.MissingField, "code" },
        { "procedure", "code_system", null, RejectionReason.MissingField, "code_system" },
        { "procedure", "code_system", "\"LOINC\"", RejectionReason.InvalidValue, "code_system" },
        { "procedure", "description", "[]", RejectionReason.WrongType, "description" },
        { "procedure", "performed_at", null, RejectionReason.MissingField, "performed_at" },
        { "procedure", "performed_at", "\"2026-11-02\"", RejectionReason.InvalidValue, "performed_at" },
        { "procedure", "performed_at", "\"2026-11-04T11:00:00Z\"", RejectionReason.TimestampInFuture, "performed_at" },
        { "procedure", "performed_end_at", "\"2026-11-02T10:59:59Z\"", RejectionReason.InconsistentValues, "performed_end_at" },
        { "procedure", "status", "\"done\"", RejectionReason.InvalidValue, "status" },
        // Lab result
        { "lab_result", "loinc_code", null, RejectionReason.MissingField, "loinc_code" },
        { "lab_result", "loinc_code", "\"28233\"", RejectionReason.InvalidValue, "loinc_code" },
        { "lab_result", "loinc_code", "\"LP-1\"", RejectionReason.InvalidValue, "loinc_code" },
        { "lab_result", "loinc_code", "\"2823-33\"", RejectionReason.InvalidValue, "loinc_code" },
        { "lab_result", "loinc_code", "2823", RejectionReason.WrongType, "loinc_code" },
        { "lab_result", "test_name", "1", RejectionReason.WrongType, "test_name" },
        { "lab_result", "value", "true", RejectionReason.WrongType, "value" },
        { "lab_result", "value", "{\"value\":5.9}", RejectionReason.WrongType, "value" },
        { "lab_result", "value", "1e400", RejectionReason.ImplausibleValue, "value" },
        { "lab_result", "unit", "1", RejectionReason.WrongType, "unit" },
        { "lab_result", "reference_low", "\"3.5\"", RejectionReason.WrongType, "reference_low" },
        { "lab_result", "reference_high", "3.4", RejectionReason.InconsistentValues, "reference_high" },
        { "lab_result", "abnormal_flag", "\"HIGH\"", RejectionReason.InvalidValue, "abnormal_flag" },
        { "lab_result", "specimen_collected_at", "\"2026-11-04T09:50:00Z\"", RejectionReason.TimestampInFuture, "specimen_collected_at" },
        { "lab_result", "resulted_at", "\"2026-11-02T09:49:00Z\"", RejectionReason.InconsistentValues, "resulted_at" },
        { "lab_result", "resulted_at", "\"10:25\"", RejectionReason.InvalidValue, "resulted_at" },
        { "lab_result", "status", "\"done\"", RejectionReason.InvalidValue, "status" },
        // EHR access
        { "ehr_access", "user_id", null, RejectionReason.MissingField, "user_id" },
        { "ehr_access", "user_id", "17", RejectionReason.WrongType, "user_id" },
        { "ehr_access", "user_role", "1", RejectionReason.WrongType, "user_role" },
        { "ehr_access", "action", "\"read\"", RejectionReason.InvalidValue, "action" },
        { "ehr_access", "resource_type", "1", RejectionReason.WrongType, "resource_type" },
        { "ehr_access", "resource_id", "1", RejectionReason.WrongType, "resource_id" },
        { "ehr_access", "workstation", "1", RejectionReason.WrongType, "workstation" },
        { "ehr_access", "source_ip", "10", RejectionReason.WrongType, "source_ip" },
        { "ehr_access", "outcome", "\"ok\"", RejectionReason.InvalidValue, "outcome" },
        { "ehr_access", "occurred_at", "\"2026-11-04T10:31:00Z\"", RejectionReason.TimestampInFuture, "occurred_at" },
        // Vital signs: the vitals parser's checks
        { "vital_signs", "heart_rate", "500", RejectionReason.ImplausibleValue, "heart_rate" },
        { "vital_signs", "measured_at", null, RejectionReason.MissingField, "measured_at" },
        { "vital_signs", "measured_at", "\"2026-11-04T08:15:00Z\"", RejectionReason.TimestampInFuture, "measured_at" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void A_bad_field_is_rejected_with_its_reason_and_path(string sample, string path, string? jsonValue, RejectionReason reason, string field)
    {
        var json = WithField(ByName[sample], path, jsonValue);

        var result = Map(ContractEventMapper.GenericStream, json);

        Assert.False(result.IsSuccess);
        var rejection = result.Rejection!;
        Assert.Equal((reason, field), (rejection.Reason, rejection.Field));
        Assert.Equal(path == "event_id" ? null : JsonNodeEventId(json), rejection.EventId);
    }

    [Fact]
    public void A_nested_fields_message_names_it_by_its_path()
    {
        var rejection = Map(Topics.PatientAdmissions, WithField(Admit, "patient.address.postal_code", "62701")).Rejection!;

        Assert.Equal("'patient.address.postal_code' must be a string, not a number", rejection.Message);
    }

    [Fact]
    public void A_missing_encounter_id_everywhere_is_rejected_on_the_encounter()
    {
        var json = With(Transfer, o => { o.Remove("encounter_id"); o["encounter"]!.AsObject().Remove("encounter_id"); });

        var rejection = Map(Topics.PatientAdmissions, json).Rejection!;

        Assert.Equal((RejectionReason.MissingField, "encounter.encounter_id"), (rejection.Reason, rejection.Field));
    }

    [Fact]
    public void The_future_tolerance_comes_from_the_payload_limits()
    {
        var strict = new ContractEventMapper(new VitalSignsParser(), new PayloadLimits(FutureTolerance: TimeSpan.FromMinutes(5)));
        var json = Encoding.UTF8.GetBytes(Diagnosis); // occurred 10:00, diagnosed 09:45
        var diagnosedLate = Encoding.UTF8.GetBytes(With(Diagnosis, o => o["diagnosed_at"] = "2026-11-02T10:06:00Z"));
        var at0950 = new DateTimeOffset(2026, 11, 2, 9, 50, 0, TimeSpan.Zero);
        var at0955 = at0950.AddMinutes(5);

        var early = strict.Map(new MessageContext(Topics.PatientDiagnoses, json, null, null, at0950));
        var inTime = strict.Map(new MessageContext(Topics.PatientDiagnoses, json, null, null, at0955));
        var nested = strict.Map(new MessageContext(Topics.PatientDiagnoses, diagnosedLate, null, null, at0955));

        Assert.Equal((RejectionReason.TimestampInFuture, "occurred_at"), (early.Rejection!.Reason, early.Rejection.Field));
        Assert.True(inTime.IsSuccess, inTime.Rejection?.Message);
        Assert.Equal((RejectionReason.TimestampInFuture, "diagnosed_at"), (nested.Rejection!.Reason, nested.Rejection.Field));
    }

    [Fact]
    public void Payload_problems_are_found_before_any_field_is_read()
    {
        Assert.Equal(RejectionReason.MalformedJson, Map(Topics.PatientLabs, LabResult[..^3]).Rejection!.Reason);
        Assert.Equal(RejectionReason.NotAnObject, Map(Topics.PatientLabs, "[1,2]").Rejection!.Reason);
        var repeated = Map(Topics.PatientAdmissions, Admit.Replace("\"city\":\"Springfield\"", "\"city\":\"Springfield\",\"city\":\"Shelbyville\"", StringComparison.Ordinal)).Rejection!;
        Assert.Equal((RejectionReason.MalformedJson, "city", "adt-0001"), (repeated.Reason, repeated.Field, repeated.EventId));
        var tooLarge = new ContractEventMapper(new VitalSignsParser(), new PayloadLimits(MaxPayloadBytes: 100));
        Assert.Equal(RejectionReason.PayloadTooLarge,
            tooLarge.Map(new MessageContext(Topics.PatientLabs, Encoding.UTF8.GetBytes(LabResult), null, null, ReceivedAt)).Rejection!.Reason);
        Assert.Equal(RejectionReason.InvalidUtf8,
            _mapper.Map(new MessageContext(Topics.PatientLabs, new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' }, null, null, ReceivedAt)).Rejection!.Reason);
    }

    [Fact]
    public void Every_truncation_and_every_retyped_field_of_every_sample_is_a_value_not_an_exception()
    {
        string[] replacements = ["null", "1", "\"x\"", "[]", "{}", "true", "-1e999"];
        foreach (var (name, json) in ByName)
        {
            for (var length = 0; length < json.Length; length++)
            {
                Assert.False(Map(ContractEventMapper.GenericStream, json[..length]).IsSuccess, $"{name} cut at {length}");
            }

            foreach (var path in Paths(System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject(), ""))
            {
                foreach (var replacement in replacements)
                {
                    var result = Map(ContractEventMapper.GenericStream, WithField(json, path, replacement));
                    Assert.True(result.IsSuccess || result.Rejection is not null, $"{name} with {path} = {replacement}");
                }
            }
        }
    }

    private static IEnumerable<string> Paths(System.Text.Json.Nodes.JsonObject obj, string prefix)
    {
        foreach (var (name, value) in obj)
        {
            yield return prefix + name;
            if (value is System.Text.Json.Nodes.JsonObject nested)
            {
                foreach (var path in Paths(nested, prefix + name + ".")) yield return path;
            }
        }
    }

    private static string? JsonNodeEventId(string json) =>
        System.Text.Json.Nodes.JsonNode.Parse(json)!["event_id"]?.GetValue<string>();
}
