using System.Text;
using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Vitals;
using CareLake.Interop.Synthea;

namespace CareLake.Interop.Tests.Synthea;

/// <summary>Mapping single Synthea records: encounters, vital-sign sets, laboratory results, skips and rejections.</summary>
public sealed class SyntheaMapperTests : IDisposable
{
    private const string EncountersHeader = "Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,PAYER,ENCOUNTERCLASS,CODE,DESCRIPTION,BASE_ENCOUNTER_COST,TOTAL_CLAIM_COST,PAYER_COVERAGE,REASONCODE,REASONDESCRIPTION";
    private const string ObservationsHeader = "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE";
    private const string ConditionsHeader = "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION";
    private readonly SyntheaFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Observations(params string[] rows) => _folder.Write("observations.csv", [ObservationsHeader, .. rows]);

    private static string Vital(string code, string value, string unit, string at = "2024-01-14T16:22:15Z") =>
        $"{at},p1,e1,vital-signs,{code},vital,{value},{unit},numeric";

    [Fact]
    public void An_encounter_is_a_snapshot_with_its_class_normalised_and_its_period()
    {
        var path = _folder.Write("encounters.csv", [
            EncountersHeader,
            "e1,2023-10-10T04:17:47Z,2023-10-10T04:32:47Z,p1,org1,prov1,payer1,wellness,410620009,Well child visit (procedure),129.16,1005.08,0.00,,",
        ]);

        var encounter = SyntheaFolder.MapOne<EncounterRecord>(path);

        Assert.Equal((AdtAction.Snapshot, "e1", "p1"), (encounter.Action, encounter.EncounterId, encounter.PatientId));
        Assert.Equal(("wellness", EncounterClasses.Outpatient), (encounter.ClassReceived, encounter.Class));
        Assert.Equal(new DateTimeOffset(2023, 10, 10, 4, 17, 47, TimeSpan.Zero), encounter.AdmittedAt);
        Assert.Equal(new DateTimeOffset(2023, 10, 10, 4, 32, 47, TimeSpan.Zero), encounter.DischargedAt);
        Assert.Equal(encounter.DischargedAt, encounter.OccurredAt);
        Assert.Equal(("org1", "prov1", "Well child visit (procedure)", "finished"), (encounter.FacilityId, encounter.AttendingProviderId, encounter.Description, encounter.Status));
        Assert.Null(encounter.Disposition);
        Assert.StartsWith("synthea/encounters/e1#", encounter.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encounter_without_a_stop_occurs_at_its_start_with_no_status()
    {
        var path = _folder.Write("encounters.csv", [EncountersHeader, "e1,2023-10-10T04:17:47+02:00,,p1,,,,inpatient,1,x,0,0,0,,"]);

        var encounter = SyntheaFolder.MapOne<EncounterRecord>(path);

        Assert.Equal(new DateTimeOffset(2023, 10, 10, 2, 17, 47, TimeSpan.Zero), encounter.OccurredAt);
        Assert.Null(encounter.Status);
        Assert.Equal(EncounterClasses.Inpatient, encounter.Class);
    }

    [Fact]
    public void A_vital_sign_set_carries_every_news2_parameter_and_converts_fahrenheit()
    {
        var path = Observations(
            Vital("8302-2", "170.0", "cm"),
            Vital("8867-4", "118", "/min"),
            Vital("9279-1", "24", "/min"),
            Vital("59408-5", "93", "%"),
            Vital("8480-6", "98", "mm[Hg]"),
            Vital("8462-4", "60", "mm[Hg]"),
            Vital("8310-5", "100.1", "[degF]"));

        var record = SyntheaFolder.MapOne<VitalSignsRecord>(path);
        var v = record.Vitals;

        Assert.Equal((118m, 24m, 93m, 98m, 60m), (v.HeartRate, v.RespiratoryRate, v.Spo2, v.SystolicBp, v.DiastolicBp));
        Assert.Equal((37.83m, TemperatureUnit.Fahrenheit), (v.TemperatureCelsius, v.TemperatureUnitReceived));
        Assert.Equal(("p1", "e1"), (record.PatientId, record.EncounterId));
        Assert.Equal(new DateTimeOffset(2024, 1, 14, 16, 22, 15, TimeSpan.Zero), record.OccurredAt);
        Assert.Equal(1, v.Spo2Scale);
    }

    [Fact]
    public void A_temperature_in_celsius_is_kept_and_oxygen_saturation_2708_6_counts_as_spo2()
    {
        var v = SyntheaFolder.MapOne<VitalSignsRecord>(Observations(Vital("8310-5", "37.9", "Cel"), Vital("2708-6", "97", "%"))).Vitals;

        Assert.Equal((37.9m, TemperatureUnit.Celsius, 97m), (v.TemperatureCelsius, v.TemperatureUnitReceived, v.Spo2));
    }

    [Fact]
    public void A_set_of_height_weight_and_pain_only_is_skipped_with_a_reason()
    {
        var result = SyntheaFolder.MapOnly(Observations(Vital("8302-2", "170.0", "cm"), Vital("29463-7", "70", "kg"), Vital("72514-3", "2", "{score}")));

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Value!.Records);
        Assert.Contains("NEWS2", result.Value.Unsupported, StringComparison.Ordinal);
    }

    [Fact]
    public void A_laboratory_row_is_a_lab_result_numeric_or_text_as_its_type_says()
    {
        var path = Observations(
            "2023-03-01T08:00:00Z,p1,e1,laboratory,2093-3,Total Cholesterol,180.5,mg/dL,numeric",
            "2023-03-01T08:00:00Z,p1,e1,laboratory,5778-6,Color of Urine,Yellow,,text");

        var labs = SyntheaCsvReader.Read(path).Select(r => Assert.IsType<LabResultRecord>(SyntheaFolder.Map(r).Value!.Records.Single())).ToList();

        Assert.Equal(("2093-3", "Total Cholesterol", 180.5m, (string?)null, "mg/dL", "final"), (labs[0].LoincCode, labs[0].TestName, labs[0].ValueNumeric, labs[0].ValueText, labs[0].Unit, labs[0].Status));
        Assert.Equal(new DateTimeOffset(2023, 3, 1, 8, 0, 0, TimeSpan.Zero), labs[0].ResultedAt);
        Assert.Equal(labs[0].ResultedAt, labs[0].SpecimenCollectedAt);
        Assert.Equal(((decimal?)null, "Yellow", (string?)null), (labs[1].ValueNumeric, labs[1].ValueText, labs[1].Unit));
        Assert.StartsWith("synthea/observations/", labs[1].EventId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2023-10-10T04:17:47Z,p1,e1,survey,72166-2,Tobacco smoking status NHIS,Never smoker,,text", "survey")]
    [InlineData("2023-10-07T05:17:47Z,p1,,,QALY,QALY,8.0,a,numeric", "category")]
    public void Survey_and_uncategorised_observations_are_skipped_with_a_reason(string row, string reasonMentions)
    {
        var result = SyntheaFolder.MapOnly(Observations(row));

        Assert.True(result.IsSuccess);
        Assert.Empty(result.Value!.Records);
        Assert.Contains(reasonMentions, result.Value.Unsupported, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unparsable_date_is_rejected_naming_the_column()
    {
        var rejection = SyntheaFolder.Rejected(_folder.Write("conditions.csv", [ConditionsHeader, "2023-13-45,,p1,e1,195662009,Acute viral pharyngitis (disorder)"]));

        Assert.Equal((RejectionReason.InvalidValue, "START"), (rejection.Reason, rejection.Field));
        Assert.StartsWith("synthea/conditions/", rejection.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_patient_is_rejected_naming_the_column()
    {
        var rejection = SyntheaFolder.Rejected(_folder.Write("encounters.csv", [EncountersHeader, "e1,2023-10-10T04:17:47Z,,,,,,wellness,1,x,0,0,0,,"]));

        Assert.Equal((RejectionReason.MissingField, "PATIENT"), (rejection.Reason, rejection.Field));
        Assert.StartsWith("synthea/encounters/e1#", rejection.EventId, StringComparison.Ordinal);
    }

    [Fact]
    public void An_implausible_vital_sign_is_rejected_by_the_shared_checks()
    {
        var rejection = SyntheaFolder.Rejected(Observations(Vital("8867-4", "400", "/min"), Vital("9279-1", "16", "/min")));

        Assert.Equal((RejectionReason.ImplausibleValue, "heart_rate"), (rejection.Reason, rejection.Field));
    }

    [Fact]
    public void A_diastolic_pressure_above_the_systolic_is_rejected_as_inconsistent()
    {
        var rejection = SyntheaFolder.Rejected(Observations(Vital("8480-6", "80", "mm[Hg]"), Vital("8462-4", "95", "mm[Hg]")));

        Assert.Equal(RejectionReason.InconsistentValues, rejection.Reason);
    }

    [Fact]
    public void A_vital_sign_value_that_is_not_a_number_is_rejected_as_the_wrong_type()
    {
        var rejection = SyntheaFolder.Rejected(Observations(Vital("8867-4", "fast", "/min")));

        Assert.Equal((RejectionReason.WrongType, "VALUE"), (rejection.Reason, rejection.Field));
    }

    [Fact]
    public void A_temperature_in_an_unknown_unit_is_rejected_naming_the_units_column()
    {
        var rejection = SyntheaFolder.Rejected(Observations(Vital("8310-5", "310", "K")));

        Assert.Equal((RejectionReason.InvalidValue, "UNITS"), (rejection.Reason, rejection.Field));
    }

    [Fact]
    public void A_vital_sign_set_measured_far_after_it_was_received_is_rejected()
    {
        var rejection = SyntheaFolder.Rejected(Observations(Vital("8867-4", "80", "/min", at: "2031-06-01T00:00:00Z")));

        Assert.Equal(RejectionReason.TimestampInFuture, rejection.Reason);
    }

    [Fact]
    public void A_numeric_lab_result_that_is_not_a_number_is_rejected()
    {
        var rejection = SyntheaFolder.Rejected(Observations("2023-03-01T08:00:00Z,p1,e1,laboratory,2093-3,Total Cholesterol,high,mg/dL,numeric"));

        Assert.Equal((RejectionReason.WrongType, "VALUE"), (rejection.Reason, rejection.Field));
    }

    [Fact]
    public void A_row_with_fewer_fields_than_the_header_is_rejected()
    {
        var rejection = SyntheaFolder.Rejected(_folder.Write("conditions.csv", [ConditionsHeader, "2023-01-27,,p1,195662009"]));

        Assert.Equal(RejectionReason.InvalidValue, rejection.Reason);
        Assert.Contains("fields", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encounter_that_stops_before_it_starts_is_rejected()
    {
        var rejection = SyntheaFolder.Rejected(_folder.Write("encounters.csv", [EncountersHeader, "e1,2023-10-10T04:17:47Z,2023-10-09T04:17:47Z,p1,,,,wellness,1,x,0,0,0,,"]));

        Assert.Equal((RejectionReason.InconsistentValues, "STOP"), (rejection.Reason, rejection.Field));
    }

    [Fact]
    public void A_record_without_its_header_line_is_rejected()
    {
        var payload = Encoding.UTF8.GetBytes("2023-01-27,,p1,e1,195662009,x");

        var result = new SyntheaMapper().Map(new MessageContext("synthea.conditions", payload, null, null, SyntheaFolder.ReceivedAt));

        Assert.Equal((RejectionReason.MissingField, SyntheaLayouts.HeaderKey), (result.Rejection!.Reason, result.Rejection.Field));
    }

    [Fact]
    public void A_header_that_still_carries_a_byte_order_mark_finds_its_first_column()
    {
        var header = Encoding.UTF8.GetBytes("\uFEFFId,BIRTHDATE,GENDER");
        var payload = Encoding.UTF8.GetBytes("p1,1980-01-01,F");

        var result = new SyntheaMapper().Map(new MessageContext("synthea.patients", payload, [SyntheaLayouts.HeaderKey], [header], SyntheaFolder.ReceivedAt));

        Assert.Equal("p1", Assert.IsType<PatientRecord>(Assert.Single(result.Value!.Records)).PatientId);
    }

    [Fact]
    public void A_stream_that_is_not_imported_is_skipped()
    {
        var result = new SyntheaMapper().Map(new MessageContext("synthea.medications", "x"u8.ToArray(), null, null, SyntheaFolder.ReceivedAt));

        Assert.True(result.IsSuccess);
        Assert.NotNull(result.Value!.Unsupported);
    }

    [Fact]
    public void The_mapper_names_the_source_it_was_given()
    {
        var record = Assert.Single(SyntheaCsvReader.Read(_folder.Write("conditions.csv", [ConditionsHeader, "2023-01-27,,p1,e1,195662009,x"])));

        Assert.Equal("synthea-site-b", SyntheaFolder.Map(record, new SyntheaMapper("synthea-site-b")).Value!.Records.Single().Source);
    }
}
