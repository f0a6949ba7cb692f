using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Vitals;
using CareLake.Interop.Fhir;
using CareLake.Testing;
using static CareLake.Interop.Tests.Fhir.FhirTestFiles;

namespace CareLake.Interop.Tests.Fhir;

public sealed class FhirMapperTests
{
    private const string BulkFolder = "fhir_bulk_ndjson_smart_10patients";

    [Fact]
    public void Bulk_patients_map_to_one_patient_record_each()
    {
        var path = TestData.Path($"{BulkFolder}/Patient.000.ndjson");
        var expected = ScanLines(path).Where(l => l.GetProperty("resourceType").GetString() == "Patient").ToList();

        var patients = ReadFile(path).Select(r => Single<PatientRecord>(Map(r))).ToList();

        Assert.Equal(expected.Count, patients.Count);
        Assert.Equal(expected.Select(p => p.GetProperty("id").GetString()), patients.Select(p => p.PatientId));
        Assert.Equal(expected.Select(p => p.GetProperty("gender").GetString()), patients.Select(p => p.Sex));
        Assert.Equal(expected.Select(p => DateOnly.Parse(p.GetProperty("birthDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture)), patients.Select(p => p.BirthDate!.Value));
        Assert.Equal(expected.Count(p => p.TryGetProperty("deceasedDateTime", out _)), patients.Count(p => p.DeathDate is not null));
        Assert.All(patients, p =>
        {
            Assert.Equal(RecordSources.Fhir, p.Source);
            Assert.StartsWith($"Patient/{p.PatientId}#", p.EventId, StringComparison.Ordinal);
            Assert.NotNull(p.FamilyName);
            Assert.NotNull(p.Race);
            Assert.NotNull(p.Ethnicity);
            Assert.Matches(@"^\d{3}-\d{2}-\d{4}$", p.Ssn!);
            Assert.NotNull(p.PostalCode ?? p.City);
        });
    }

    [Fact]
    public void A_bulk_patient_maps_its_demographics()
    {
        var first = ReadFile(TestData.Path($"{BulkFolder}/Patient.000.ndjson"))[0];

        var patient = Single<PatientRecord>(Map(first));

        Assert.Equal("129c6ac7-8d06-89de-ad63-0204a93e76c3", patient.PatientId);
        Assert.Equal("Sumiko254", patient.GivenName);
        Assert.Equal("Medhurst46", patient.FamilyName);
        Assert.Equal("female", patient.Sex);
        Assert.Equal("White", patient.Race);
        Assert.Equal("Not Hispanic or Latino", patient.Ethnicity);
        Assert.Equal("999-94-5397", patient.Ssn);
        Assert.Equal("555-810-7203", patient.Phone);
        Assert.Equal(new DateTimeOffset(patient.BirthDate!.Value, TimeOnly.MinValue, TimeSpan.Zero), patient.OccurredAt);
    }

    [Fact]
    public void Bulk_encounters_map_to_snapshots_with_their_classes()
    {
        var path = TestData.Path($"{BulkFolder}/Encounter.000.ndjson");
        var lines = ScanLines(path);
        var expectedByClass = lines.GroupBy(e => e.GetProperty("class").GetProperty("code").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());

        var encounters = ReadFile(path).Select(r => Single<EncounterRecord>(Map(r))).ToList();

        Assert.Equal(lines.Count, encounters.Count);
        Assert.Equal(expectedByClass.OrderBy(p => p.Key), encounters.GroupBy(e => e.ClassReceived!).ToDictionary(g => g.Key, g => g.Count()).OrderBy(p => p.Key));
        Assert.Equal(expectedByClass.GetValueOrDefault("IMP"), encounters.Count(e => e.Class == EncounterClasses.Inpatient));
        Assert.Equal(expectedByClass.GetValueOrDefault("EMER"), encounters.Count(e => e.Class == EncounterClasses.Emergency));
        Assert.Equal(lines.Select(e => e.GetProperty("subject").GetProperty("reference").GetString()!["Patient/".Length..]), encounters.Select(e => e.PatientId));
        Assert.Equal(lines.Count(e => e.TryGetProperty("hospitalization", out var h) && h.TryGetProperty("dischargeDisposition", out _)), encounters.Count(e => e.DispositionReceived is not null));
        Assert.All(encounters, e =>
        {
            Assert.Equal(AdtAction.Snapshot, e.Action);
            Assert.Equal("finished", e.Status);
            Assert.NotNull(e.AdmittedAt);
            Assert.Equal(e.DischargedAt, e.OccurredAt);
            Assert.NotNull(e.AttendingProviderId);
            Assert.NotNull(e.FacilityId);
            Assert.NotNull(e.Unit);
            Assert.NotNull(e.Description);
        });
    }

    [Fact]
    public void A_bulk_encounter_maps_its_participant_location_and_provider()
    {
        var first = ReadFile(TestData.Path($"{BulkFolder}/Encounter.000.ndjson"))[0];

        var encounter = Single<EncounterRecord>(Map(first));

        Assert.Equal("00c7f717-4030-5582-2ed8-888ad2bc878e", encounter.EncounterId);
        Assert.Equal("79a66c97-6131-3213-f3c9-4606946ab056", encounter.PatientId);
        Assert.Equal("AMB", encounter.ClassReceived);
        Assert.Equal(EncounterClasses.Outpatient, encounter.Class);
        Assert.Equal("9999974493", encounter.AttendingProviderId);
        Assert.Equal("NEWMAN MEMORIAL COUNTY HOSPITAL", encounter.Unit);
        Assert.Equal("Encounter for problem (procedure)", encounter.Description);
        Assert.Equal(DateTimeOffset.Parse("1989-10-04T02:25:16-04:00", System.Globalization.CultureInfo.InvariantCulture), encounter.AdmittedAt);
        Assert.Equal(DateTimeOffset.Parse("1989-10-04T06:20:16-04:00", System.Globalization.CultureInfo.InvariantCulture), encounter.DischargedAt);
    }

    [Fact]
    public void Bulk_conditions_map_to_diagnoses()
    {
        var path = TestData.Path($"{BulkFolder}/Condition.000.ndjson");
        var lines = ScanLines(path);

        var diagnoses = ReadFile(path).Select(r => Single<DiagnosisRecord>(Map(r))).ToList();

        Assert.Equal(lines.Count, diagnoses.Count);
        Assert.Equal(lines.Select(c => c.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()), diagnoses.Select(d => d.Code));
        Assert.Equal(lines.Count(c => c.TryGetProperty("abatementDateTime", out _)), diagnoses.Count(d => d.ResolvedAt is not null));
        Assert.All(diagnoses, d =>
        {
            Assert.Equal(CodeSystems.SnomedCt, d.CodeSystem);
            Assert.NotNull(d.EncounterId);
            Assert.NotNull(d.DiagnosedAt);
            Assert.NotNull(d.ClinicalStatus);
            Assert.Null(d.Rank);
        });
    }

    [Theory]
    [InlineData("AllergyIntolerance.000.ndjson")]
    [InlineData("Device.000.ndjson")]
    [InlineData("Immunization.000.ndjson")]
    [InlineData("Location.000.ndjson")]
    [InlineData("Organization.000.ndjson")]
    [InlineData("Practitioner.000.ndjson")]
    [InlineData("PractitionerRole.000.ndjson")]
    public void Bulk_resources_silver_does_not_type_are_skipped(string file)
    {
        var path = TestData.Path($"{BulkFolder}/{file}");
        var type = file.Split('.')[0];

        var results = ReadFile(path).Select(r => Map(r)).ToList();

        Assert.Equal(ScanLines(path).Count, results.Count);
        Assert.All(results, r =>
        {
            Assert.Null(r.Rejection);
            Assert.Empty(r.Value!.Records);
            Assert.Equal($"FHIR {type} is kept in bronze only", r.Value.Unsupported);
        });
    }

    [Fact]
    public void The_bulk_export_log_is_no_fhir_and_is_rejected_line_by_line()
    {
        var results = ReadFile(TestData.Path($"{BulkFolder}/log.ndjson")).Select(r => Map(r)).ToList();

        Assert.Equal(4, results.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(RejectionReason.MissingField, r.Rejection?.Reason);
            Assert.Equal("resourceType", r.Rejection!.Field);
        });
    }

    [Fact]
    public void The_spec_blood_pressure_example_gives_systolic_and_diastolic()
    {
        var record = Assert.Single(ReadFile(TestData.Path("fhir_r4_spec_examples/observation-example-bloodpressure.json")));

        var vitals = Single<VitalSignsRecord>(Map(record)).Vitals;

        Assert.Equal(107m, vitals.SystolicBp);
        Assert.Equal(60m, vitals.DiastolicBp);
        Assert.Null(vitals.HeartRate);
        Assert.Equal("example", vitals.PatientId);
        Assert.Equal(new DateTimeOffset(2012, 9, 17, 0, 0, 0, TimeSpan.Zero), vitals.MeasuredAt);
        Assert.StartsWith("Observation/blood-pressure#", vitals.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public void The_spec_heart_rate_example_gives_the_heart_rate()
    {
        var record = Assert.Single(ReadFile(TestData.Path("fhir_r4_spec_examples/observation-example-heart-rate.json")));

        var vitals = Single<VitalSignsRecord>(Map(record)).Vitals;

        Assert.Equal(44m, vitals.HeartRate);
        Assert.Null(vitals.SystolicBp);
        Assert.Equal(1, vitals.Spo2Scale);
    }

    [Fact]
    public void The_spec_vitals_panel_only_lists_its_members_and_is_skipped()
    {
        var record = Assert.Single(ReadFile(TestData.Path("fhir_r4_spec_examples/observation-example-vitals-panel.json")));

        var result = Map(record);

        Assert.Null(result.Rejection);
        Assert.Empty(result.Value!.Records);
        Assert.Contains("NEWS2", result.Value.Unsupported, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transaction_bundle_maps_with_its_urn_references_resolved()
    {
        var records = Read(FhirFileReaderTests.TransactionBundle);
        const string patientUuid = "11111111-1111-1111-1111-111111111111";

        var patient = Single<PatientRecord>(Map(records[0]));
        var encounter = Single<EncounterRecord>(Map(records[1]));
        var vitals = Single<VitalSignsRecord>(Map(records[2]));
        var diagnosis = Single<DiagnosisRecord>(Map(records[3]));

        Assert.Equal(patientUuid, patient.PatientId);
        Assert.Equal("Ana", patient.GivenName);
        Assert.Equal(patientUuid, encounter.PatientId);
        Assert.Equal("enc-1", encounter.EncounterId);
        Assert.Equal(EncounterClasses.Inpatient, encounter.Class);
        Assert.Null(encounter.DischargedAt);
        Assert.Equal(encounter.AdmittedAt, encounter.OccurredAt);

        Assert.Equal(patientUuid, vitals.PatientId);
        Assert.Equal("enc-1", vitals.EncounterId);
        Assert.Equal(112m, vitals.Vitals.HeartRate);
        Assert.Equal(38.5m, vitals.Vitals.TemperatureCelsius);
        Assert.Equal(TemperatureUnit.Fahrenheit, vitals.Vitals.TemperatureUnitReceived);
        Assert.StartsWith("vitals/", vitals.EventId, StringComparison.Ordinal);

        Assert.Equal(patientUuid, diagnosis.PatientId);
        Assert.Equal("99999999-9999-9999-9999-999999999999", diagnosis.EncounterId);
        Assert.Equal(CodeSystems.Icd10Cm, diagnosis.CodeSystem);
        Assert.Equal("A41.9", diagnosis.Code);
        Assert.Equal("Sepsis, unspecified organism", diagnosis.Description);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 9, 30, 0, TimeSpan.Zero), diagnosis.DiagnosedAt);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 15, 0, TimeSpan.Zero), diagnosis.OccurredAt);
    }

    [Fact]
    public void Adjacent_vitals_of_one_measurement_map_to_one_news2_ready_set()
    {
        var ndjson = string.Join('\n',
            Vital("hr", "8867-4", 131, "/min"),
            Vital("rr", "9279-1", 25, "/min"),
            Vital("spo2", "59408-5", 91, "%"),
            Vital("temp", "8310-5", 39.2m, "Cel"),
            Vital("height", "8302-2", 170, "cm"),
            """{"resourceType":"Observation","id":"bp","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"effectiveDateTime":"2024-03-01T10:00:00Z","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":88,"code":"mm[Hg]"}},{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":50,"code":"mm[Hg]"}}]}""",
            """{"resourceType":"Observation","id":"o2","status":"final","category":[{"coding":[{"code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"3151-8"}]},"subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"effectiveDateTime":"2024-03-01T10:00:00Z","valueQuantity":{"value":2,"code":"L/min"}}""");

        var record = Assert.Single(Read(ndjson));
        var mapped = Single<VitalSignsRecord>(Map(record));
        var vitals = mapped.Vitals;

        Assert.Equal(("p1", "e1"), (vitals.PatientId, vitals.EncounterId));
        Assert.Equal((131m, 25m, 91m, 39.2m, 88m, 50m), (vitals.HeartRate!.Value, vitals.RespiratoryRate!.Value, vitals.Spo2!.Value, vitals.TemperatureCelsius!.Value, vitals.SystolicBp!.Value, vitals.DiastolicBp!.Value));
        Assert.True(vitals.OnSupplementalOxygen);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero), vitals.MeasuredAt);
        Assert.Equal("vitals/" + RecordIds.ContentHash(record.Payload), mapped.EventId);
        Assert.Equal(mapped.EventId, vitals.EventId);
        Assert.Equal(vitals.News2Input, vitals.News2Input with { });
        Assert.NotNull(vitals.News2Input.HeartRate);
    }

    [Fact]
    public void Vitals_without_a_news2_parameter_are_skipped()
    {
        var record = Assert.Single(Read(string.Join('\n', Vital("height", "8302-2", 170, "cm"), Vital("weight", "29463-7", 70, "kg"))));

        var result = Map(record);

        Assert.Null(result.Rejection);
        Assert.Empty(result.Value!.Records);
    }

    [Fact]
    public void A_lab_observation_maps_value_unit_reference_range_and_flag()
    {
        const string lab = """
            {"resourceType":"Observation","id":"lab-1","status":"amended",
             "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"2823-3","display":"Potassium [Moles/volume] in Serum or Plasma"}]},
             "subject":{"reference":"https://example.org/fhir/Patient/p9/_history/3"},"encounter":{"reference":"Encounter/e9"},
             "effectiveDateTime":"2024-03-01T06:00:00+01:00","issued":"2024-03-01T07:12:00+01:00",
             "valueQuantity":{"value":6.1,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"},
             "interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"H"}]}],
             "referenceRange":[{"low":{"value":3.5,"unit":"mmol/L"},"high":{"value":5.1,"unit":"mmol/L"}}]}
            """;

        var result = Single<LabResultRecord>(MapPayload(lab));

        Assert.Equal("p9", result.PatientId);
        Assert.Equal("e9", result.EncounterId);
        Assert.Equal("2823-3", result.LoincCode);
        Assert.Equal("Potassium [Moles/volume] in Serum or Plasma", result.TestName);
        Assert.Equal(6.1m, result.ValueNumeric);
        Assert.Null(result.ValueText);
        Assert.Equal("mmol/L", result.Unit);
        Assert.Equal((3.5m, 5.1m), (result.ReferenceLow!.Value, result.ReferenceHigh!.Value));
        Assert.Equal("H", result.AbnormalFlag);
        Assert.Equal("corrected", result.Status);
        Assert.Equal(DateTimeOffset.Parse("2024-03-01T06:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture), result.SpecimenCollectedAt);
        Assert.Equal(DateTimeOffset.Parse("2024-03-01T07:12:00+01:00", System.Globalization.CultureInfo.InvariantCulture), result.ResultedAt);
        Assert.Equal(result.ResultedAt, result.OccurredAt);
    }

    [Fact]
    public void A_coded_lab_value_is_text()
    {
        const string lab = """{"resourceType":"Observation","id":"lab-2","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"5778-6"}],"text":"Color of Urine"},"subject":{"reference":"Patient/p9"},"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"371244009","display":"Yellow"}]}}""";

        var result = Single<LabResultRecord>(MapPayload(lab));

        Assert.Equal("Yellow", result.ValueText);
        Assert.Null(result.ValueNumeric);
        Assert.Equal("Color of Urine", result.TestName);
        Assert.Equal(DateTimeOffset.UnixEpoch, result.OccurredAt);
    }

    [Fact]
    public void Survey_observations_are_skipped()
    {
        const string survey = """{"resourceType":"Observation","id":"s","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"survey"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"72166-2"}]},"subject":{"reference":"Patient/p9"}}""";

        var result = MapPayload(survey);

        Assert.Null(result.Rejection);
        Assert.Equal("FHIR Observation of category survey is kept in bronze only", result.Value!.Unsupported);
    }

    [Fact]
    public void A_procedure_maps_code_and_period()
    {
        const string procedure = """{"resourceType":"Procedure","id":"pr1","status":"completed","code":{"coding":[{"system":"http://snomed.info/sct","code":"80146002","display":"Appendectomy"}]},"subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"performedPeriod":{"start":"2024-03-02T08:00:00Z","end":"2024-03-02T09:10:00Z"}}""";

        var result = Single<ProcedureRecord>(MapPayload(procedure));

        Assert.Equal((CodeSystems.SnomedCt, "80146002", "Appendectomy"), (result.CodeSystem, result.Code, result.Description));
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 8, 0, 0, TimeSpan.Zero), result.PerformedAt);
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 9, 10, 0, TimeSpan.Zero), result.PerformedEndAt);
        Assert.Equal("completed", result.Status);
        Assert.Equal(("p1", "e1"), (result.PatientId, result.EncounterId));
    }

    [Fact]
    public void An_unknown_element_is_tolerated()
    {
        const string patient = """{"resourceType":"Patient","id":"q1","gender":"male","favouriteColour":"green"}""";

        Assert.Equal("q1", Single<PatientRecord>(MapPayload(patient)).PatientId);
    }

    [Theory]
    [InlineData("not json at all", RejectionReason.MalformedJson, null)]
    [InlineData("{\"resourceType\":\"Patient\",", RejectionReason.MalformedJson, null)]
    [InlineData("[1,2,3]", RejectionReason.NotAnObject, null)]
    [InlineData("{\"hello\":\"world\"}", RejectionReason.MissingField, "resourceType")]
    [InlineData("{\"resourceType\":\"Banana\",\"id\":\"b\"}", RejectionReason.UnknownEventType, "resourceType")]
    [InlineData("{\"resourceType\":\"Encounter\",\"id\":\"e\",\"status\":\"bogus\",\"class\":{\"code\":\"IMP\"},\"subject\":{\"reference\":\"Patient/p\"}}", RejectionReason.InvalidValue, "Encounter.status")]
    [InlineData("{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"category\":[{\"coding\":[{\"code\":\"vital-signs\"}]}],\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},\"effectiveDateTime\":\"2024-01-01\",\"valueQuantity\":{\"value\":80}}", RejectionReason.MissingField, "subject")]
    [InlineData("{\"resourceType\":\"Observation\",\"id\":\"o\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"2823-3\"}]},\"valueQuantity\":{\"value\":4}}", RejectionReason.MissingField, "subject")]
    [InlineData("{\"resourceType\":\"Encounter\",\"id\":\"e\",\"status\":\"finished\",\"class\":{\"code\":\"IMP\"}}", RejectionReason.MissingField, "subject")]
    public void Bad_input_is_a_rejection_not_an_exception(string payload, RejectionReason reason, string? field)
    {
        var result = MapPayload(payload);

        Assert.Equal(reason, result.Rejection?.Reason);
        Assert.Equal(field, result.Rejection!.Field);
    }

    [Fact]
    public void Invalid_utf8_is_its_own_record_and_a_rejection()
    {
        byte[] bytes = [.. "{\"resourceType\":\"Patient\",\"id\":\""u8, 0xFF, 0xFE, .. "\"}\n{\"resourceType\":\"Patient\",\"id\":\"ok\"}"u8];

        var records = Read(bytes);

        Assert.Equal(2, records.Count);
        Assert.Equal(RejectionReason.InvalidUtf8, Map(records[0]).Rejection?.Reason);
        Assert.Equal("ok", Single<PatientRecord>(Map(records[1])).PatientId);
    }

    [Fact]
    public void An_implausible_heart_rate_is_rejected()
    {
        var result = MapPayload(Vital("hr", "8867-4", 900, "/min"));

        Assert.Equal(RejectionReason.ImplausibleValue, result.Rejection?.Reason);
        Assert.Equal("heart_rate", result.Rejection!.Field);
        Assert.StartsWith("Observation/hr#", result.Rejection.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_ids_depend_only_on_the_bytes()
    {
        var line = Vital("hr", "8867-4", 80, "/min");

        var first = Single<VitalSignsRecord>(MapPayload(line));
        var again = Single<VitalSignsRecord>(MapPayload(line));
        var changed = Single<VitalSignsRecord>(MapPayload(line.Replace("80", "81", StringComparison.Ordinal)));

        Assert.Equal(first.EventId, again.EventId);
        Assert.Equal("Observation/hr#" + RecordIds.ContentHash(System.Text.Encoding.UTF8.GetBytes(line)), first.EventId);
        Assert.NotEqual(first.EventId, changed.EventId);
    }

    [Fact]
    public void The_mapper_uses_its_source()
    {
        var patient = Single<PatientRecord>(MapPayload("""{"resourceType":"Patient","id":"x"}""", new FhirMapper("elsewhere")));

        Assert.Equal("elsewhere", patient.Source);
    }

    private static List<JsonElement> ScanLines(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}
