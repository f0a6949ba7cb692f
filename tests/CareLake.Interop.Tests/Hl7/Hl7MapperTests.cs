using System.Text;
using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;
using CareLake.Interop.Hl7;
using static CareLake.Interop.Tests.Hl7.GeneratorStyleMessages;

namespace CareLake.Interop.Tests.Hl7;

public class Hl7MapperTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2024, 6, 15, 0, 0, 0, TimeSpan.Zero);
    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2024, 6, day, hour, minute, 0, TimeSpan.Zero);

    internal static ParseResult<MappedMessage> Map(string text, Hl7Mapper? mapper = null, DateTimeOffset? receivedAt = null) =>
        (mapper ?? new Hl7Mapper()).Map(new MessageContext("hl7", Encoding.UTF8.GetBytes(text), null, null, receivedAt ?? ReceivedAt));

    internal static IReadOnlyList<ClinicalRecord> Records(string text, DateTimeOffset? receivedAt = null)
    {
        var result = Map(text, receivedAt: receivedAt);
        Assert.True(result.IsSuccess, result.Rejection?.ToString());
        Assert.Null(result.Value!.Unsupported);
        return result.Value.Records;
    }

    internal static Rejection Rejected(string text, DateTimeOffset? receivedAt = null)
    {
        var result = Map(text, receivedAt: receivedAt);
        Assert.False(result.IsSuccess, "expected a rejection");
        return result.Rejection!;
    }

    [Fact]
    public void An_admission_gives_the_patient_then_the_encounter_both_with_the_message_id()
    {
        var records = Records(Admit());

        Assert.Equal([typeof(PatientRecord), typeof(EncounterRecord)], records.Select(r => r.GetType()));
        Assert.All(records, r => Assert.Equal(("CLGEN|GHH|RUN1-0000000001", RecordSources.Mrn, "CLGEN^GHH", Mrn, Visit, Utc(1, 8)),
            (r.EventId, r.Source, r.SourceSystem, r.PatientId, r.EncounterId, r.OccurredAt)));
        var e = (EncounterRecord)records[1];
        Assert.Equal((AdtAction.Admit, "I", EncounterClasses.Inpatient, "GHH", "4W", "412", "B", "7", "DR100"),
            (e.Action, e.ClassReceived, e.Class, e.FacilityId, e.Unit, e.Room, e.Bed, e.AdmitSource, e.AttendingProviderId));
        Assert.Equal((Utc(1, 7, 55), (DateTimeOffset?)null, (string?)null), (e.AdmittedAt!.Value, e.DischargedAt, e.Disposition));
    }

    [Fact]
    public void The_patient_record_reads_PID_field_by_field()
    {
        var p = Assert.IsType<PatientRecord>(Records(Admit())[0]);

        Assert.Equal(("O\\Brien", "Anna", new DateOnly(1960, 1, 2), "female", "White", "Not Hispanic or Latino"),
            (p.FamilyName, p.GivenName, p.BirthDate!.Value, p.Sex, p.Race, p.Ethnicity));
        Assert.Equal(("M", "English", "217-555-0123", "123-45-6789"), (p.MaritalStatus, p.Language, p.Phone, p.Ssn));
        Assert.Equal(("12 Oak St", "Springfield", "IL", "62701", "USA"), (p.AddressLine1, p.City, p.State, p.PostalCode, p.Country));
        Assert.Null(p.DeathDate);
    }

    [Fact]
    public void A_transfer_records_the_new_location_from_PV1_3()
    {
        var records = Records(Transfer());

        var e = Assert.IsType<EncounterRecord>(Assert.Single(records));
        Assert.Equal((AdtAction.Transfer, "ICU", "2", "A", Utc(2, 10)), (e.Action, e.Unit, e.Room, e.Bed, e.OccurredAt));
    }

    [Fact]
    public void A_discharge_reads_PV1_45_and_normalises_PV1_36()
    {
        var e = Assert.IsType<EncounterRecord>(Assert.Single(Records(Discharge())));

        Assert.Equal((AdtAction.Discharge, Utc(5, 11), "06", "home_health"), (e.Action, e.DischargedAt!.Value, e.DispositionReceived, e.Disposition));
    }

    [Theory]
    [InlineData("A04", AdtAction.Register, "O", EncounterClasses.Outpatient)]
    [InlineData("A05", AdtAction.Register, "P", EncounterClasses.Outpatient)]
    [InlineData("A11", AdtAction.CancelAdmit, "I", EncounterClasses.Inpatient)]
    [InlineData("A13", AdtAction.CancelDischarge, "I", EncounterClasses.Inpatient)]
    [InlineData("A06", AdtAction.Update, "O", EncounterClasses.Inpatient)]
    [InlineData("A07", AdtAction.Update, "I", EncounterClasses.Outpatient)]
    [InlineData("A08", AdtAction.Update, "E", EncounterClasses.Emergency)]
    public void Each_ADT_event_maps_to_its_action_and_class(string trigger, AdtAction action, string patientClass, string expectedClass)
    {
        var text = Msh($"ADT^{trigger}^ADT_A01", "C-" + trigger, "20240601080000+0000") + Evn(trigger, "20240601080000+0000") + Pid +
                   Pv1(patientClass, "4W^412^B^GHH", dischargedAt: "20240601070000+0000");

        var records = Records(text);

        var e = records.OfType<EncounterRecord>().Single();
        Assert.Equal((action, patientClass, expectedClass), (e.Action, e.ClassReceived, e.Class));
        var carriesPatient = trigger is "A04" or "A05" or "A08";
        Assert.Equal(carriesPatient, records.OfType<PatientRecord>().Any());
        Assert.IsType(carriesPatient ? typeof(PatientRecord) : typeof(EncounterRecord), records[0]);
        Assert.Equal(trigger == "A13" ? null : Utc(1, 7), e.DischargedAt);
    }

    [Fact]
    public void Diagnoses_of_an_A08_follow_the_visit_records_with_their_own_ids()
    {
        var records = Records(Diagnoses());

        Assert.Equal("CLGEN|GHH|RUN1-0000000004", records[0].EventId);
        var dx = records.OfType<DiagnosisRecord>().ToList();
        Assert.Equal(["CLGEN|GHH|RUN1-0000000004#DG1-1", "CLGEN|GHH|RUN1-0000000004#DG1-2"], dx.Select(d => d.EventId));
        Assert.Equal(("J44.1", CodeSystems.Icd10Cm, "Chronic obstructive pulmonary disease with (acute) exacerbation", 1, "Y", Utc(1, 8, 30)),
            (dx[0].Code, dx[0].CodeSystem, dx[0].Description, dx[0].Rank!.Value, dx[0].PresentOnAdmission, dx[0].DiagnosedAt!.Value));
        Assert.Equal(("I50.9", 2, (string?)null), (dx[1].Code, dx[1].Rank!.Value, dx[1].PresentOnAdmission));
        Assert.All(dx, d => Assert.Equal((Mrn, Visit), (d.PatientId, d.EncounterId)));
    }

    [Fact]
    public void Procedures_of_an_A08_read_code_system_time_and_duration()
    {
        var px = Records(Procedures()).OfType<ProcedureRecord>().ToList();

        Assert.Equal(["CLGEN|GHH|RUN1-0000000005#PR1-1", "CLGEN|GHH|RUN1-0000000005#PR1-2"], px.Select(p => p.EventId));
        Assert.Equal(("71651007", CodeSystems.SnomedCt, "Mammography", Utc(2, 11), Utc(2, 11, 45)),
            (px[0].Code, px[0].CodeSystem, px[0].Description, px[0].PerformedAt, px[0].PerformedEndAt!.Value));
        Assert.Equal(("0DTJ4ZZ", CodeSystems.Icd10Pcs, (DateTimeOffset?)null), (px[1].Code, px[1].CodeSystem, px[1].PerformedEndAt));
    }

    [Fact]
    public void A_demographic_update_outside_a_visit_gives_only_the_patient()
    {
        var p = Assert.IsType<PatientRecord>(Assert.Single(Records(DemographicUpdateOutsideAVisit())));

        Assert.Equal((Mrn, (string?)null, "Anna"), (p.PatientId, p.EncounterId, p.GivenName));
    }

    [Fact]
    public void A_vital_signs_result_gives_one_NEWS2_ready_set()
    {
        var record = Assert.IsType<VitalSignsRecord>(Assert.Single(Records(VitalSigns())));
        var v = record.Vitals;

        Assert.Equal(("CLGEN|GHH|RUN1-0000000007#OBR-1", Mrn, Visit), (record.EventId, record.PatientId, record.EncounterId));
        Assert.Equal((record.EventId, "MON-7", "CLGEN^GHH", Utc(1, 9)), (v.EventId, v.DeviceId, v.SourceSystem, v.MeasuredAt));
        Assert.Equal((118m, 24m, 91m, 96m, 60m, 38.4m), (v.HeartRate!.Value, v.RespiratoryRate!.Value, v.Spo2!.Value, v.SystolicBp!.Value, v.DiastolicBp!.Value, v.TemperatureCelsius!.Value));
        Assert.Equal((1, true, Consciousness.NewConfusion, TemperatureUnit.Celsius), (v.Spo2Scale, v.OnSupplementalOxygen!.Value, v.Consciousness!.Value, v.TemperatureUnitReceived!.Value));
        var news2 = News2.Score(v.News2Input);
        Assert.True(news2.IsComplete);
        // RR 24 → 2, SpO2 91 (scale 1) → 3, oxygen → 2, SBP 96 → 2, HR 118 → 2, new confusion → 3, 38.4 °C → 1.
        Assert.Equal(15, news2.Total);
    }

    [Fact]
    public void A_fahrenheit_temperature_is_converted()
    {
        var text = VitalSigns(temperature: "101.3").Replace("Cel^degree Celsius^UCUM", "[degF]^degree Fahrenheit^UCUM", StringComparison.Ordinal);

        var v = Assert.IsType<VitalSignsRecord>(Assert.Single(Records(text))).Vitals;

        Assert.Equal((38.5m, TemperatureUnit.Fahrenheit), (v.TemperatureCelsius!.Value, v.TemperatureUnitReceived!.Value));
    }

    [Theory]
    [InlineData("400", RejectionReason.ImplausibleValue, "heart_rate")]
    [InlineData("fast", RejectionReason.InvalidValue, "OBX-5")]
    public void Vital_signs_are_validated_like_every_other_source(string heartRate, RejectionReason reason, string field)
    {
        var rejection = Rejected(VitalSigns(heartRate: heartRate));

        Assert.Equal((reason, field), (rejection.Reason, rejection.Field));
    }

    [Fact]
    public void Vital_signs_measured_far_after_receipt_are_rejected()
    {
        var rejection = Rejected(VitalSigns(), receivedAt: Utc(1, 9) - TimeSpan.FromDays(3));

        Assert.Equal(RejectionReason.TimestampInFuture, rejection.Reason);
    }

    [Fact]
    public void Lab_results_read_value_unit_range_flag_status_and_times()
    {
        var labs = Records(LabResults()).Cast<LabResultRecord>().ToList();

        Assert.Equal(["CLGEN|GHH|RUN1-0000000008#OBX-1", "CLGEN|GHH|RUN1-0000000008#OBX-2"], labs.Select(l => l.EventId));
        var glucose = labs[0];
        Assert.Equal(("2345-7", "Glucose", 182.0m, (string?)null, "mg/dL"), (glucose.LoincCode, glucose.TestName, glucose.ValueNumeric!.Value, glucose.ValueText, glucose.Unit));
        Assert.Equal((70.0m, 99.0m, "H", "corrected"), (glucose.ReferenceLow!.Value, glucose.ReferenceHigh!.Value, glucose.AbnormalFlag, glucose.Status));
        Assert.Equal((Utc(1, 10), Utc(1, 13)), (glucose.SpecimenCollectedAt!.Value, glucose.ResultedAt!.Value));
        Assert.Equal((4.1m, "final", Mrn, Visit), (labs[1].ValueNumeric!.Value, labs[1].Status, labs[1].PatientId, labs[1].EncounterId));
    }

    [Theory]
    [InlineData("NM", "<0.5", null, "<0.5")]
    [InlineData("SN", "=^12.5", "12.5", null)]
    [InlineData("SN", "<^0.5", null, "<0.5")]
    [InlineData("SN", "^1^:^128", null, "1:128")]
    [InlineData("CWE", "260373001^Detected^SCT", null, "Detected")]
    [InlineData("CE", "POS^^L", null, "POS")]
    [InlineData("ST", "see note", null, "see note")]
    [InlineData("TX", "line one~line two", null, "line one\nline two")]
    [InlineData("FT", "bold \\H\\text\\N\\", null, "bold text")]
    [InlineData("ED", "^AP^PDF^Base64^JVBERi0=", null, null)]
    public void Lab_values_are_read_by_their_value_type(string type, string value, string? numeric, string? text)
    {
        var message = Msh("ORU^R01", "V1", "20240601130000+0000") + Pid + $"OBR|1\rOBX|1|{type}|1234-5^Test^LN||{value}|||||F\r";

        var lab = Assert.IsType<LabResultRecord>(Assert.Single(Records(message)));

        Assert.Equal((numeric is null ? null : decimal.Parse(numeric, System.Globalization.CultureInfo.InvariantCulture), text), (lab.ValueNumeric, lab.ValueText));
        Assert.Null(lab.EncounterId);
    }

    [Theory]
    [InlineData("3.5-5.1", 3.5, 5.1)]
    [InlineData("4.3 to 6.2", 4.3, 6.2)]
    [InlineData(" 10 - 20 ", 10.0, 20.0)]
    [InlineData("-2-2", -2.0, 2.0)]
    [InlineData("<5", null, 5.0)]
    [InlineData("<=5", null, 5.0)]
    [InlineData(">60", 60.0, null)]
    [InlineData("negative", null, null)]
    public void Reference_ranges_read_low_and_high(string range, double? low, double? high)
    {
        Assert.Equal(((decimal?)low, (decimal?)high), Hl7ReferenceRange.Parse(range));
    }

    [Fact]
    public void The_first_of_several_PID_3_identifiers_is_taken_unless_one_is_typed_MR()
    {
        string WithPid3(string pid3) => Msh("ADT^A08", "X1", "20240601080000+0000") + $"PID|1||{pid3}\rPV1|1|I|||||||||||||||||V9\r";

        Assert.Equal("M1", Records(WithPid3("S1^^^SSA^SS~M1^^^GHH^MR"))[0].PatientId);
        Assert.Equal("P1", Records(WithPid3("P1^^^GHH^PI~P2^^^GHH^PI"))[0].PatientId);
    }

    [Fact]
    public void A_resent_message_keeps_the_event_ids_of_the_first()
    {
        var first = Records(Diagnoses()).Select(r => r.EventId).ToList();
        var again = Records(Diagnoses().Replace("20240601083000+0000", "20240601090000+0000", StringComparison.Ordinal)).Select(r => r.EventId).ToList();
        var other = Records(Admit(controlId: "RUN1-0000000099")).Select(r => r.EventId).ToList();

        Assert.Equal(first, again);
        Assert.DoesNotContain(other[0], first);
        Assert.Equal(first.Count, first.Distinct().Count() + 1); // patient and encounter share the message id (different tables)
    }

    [Theory]
    [InlineData("PID|1||\r", "PID-3")]
    [InlineData("PID|1\r", "PID-3")]
    [InlineData("", "PID-3")]
    public void A_message_without_a_patient_identifier_is_rejected_as_missing_PID_3(string pid, string field)
    {
        var rejection = Rejected(Msh("ADT^A01^ADT_A01", "M1", "20240601080000+0000") + pid + Pv1("I", "4W"));

        Assert.Equal((RejectionReason.MissingField, field, "CLGEN|GHH|M1"), (rejection.Reason, rejection.Field, rejection.EventId));
    }

    [Fact]
    public void An_admission_without_a_visit_number_is_rejected_as_missing_PV1_19()
    {
        var rejection = Rejected(Msh("ADT^A01^ADT_A01", "M2", "20240601080000+0000") + Pid + "PV1|1|I|4W\r");

        Assert.Equal((RejectionReason.MissingField, "PV1-19"), (rejection.Reason, rejection.Field));
    }

    [Theory]
    [InlineData("", "MSH")]
    [InlineData("PID|1||1\r", "PID")]
    [InlineData("MSH|^~\\&|A|B|C|D|20240101||ADT^A01||P|2.5\r", "MSH-10")]
    [InlineData("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rnot a segment\r", "not")]
    public void Unreadable_messages_are_rejected_as_malformed_HL7(string text, string field)
    {
        var rejection = Rejected(text);

        Assert.Equal(RejectionReason.MalformedHl7, rejection.Reason);
        Assert.Equal("malformed_hl7", rejection.Code);
        if (field != "MSH") Assert.Equal(field, rejection.Field);
    }

    [Fact]
    public void Binary_payloads_are_rejected_as_malformed_HL7_and_oversized_ones_as_too_large()
    {
        var binary = new Hl7Mapper().Map(new MessageContext("hl7", new byte[] { 0x0B, 0x00, 0xFF, 0x1C }, null, null, ReceivedAt));
        var large = new Hl7Mapper().Map(new MessageContext("hl7", Encoding.UTF8.GetBytes(Admit() + "NTE|1||" + new string('x', 1 << 20)), null, null, ReceivedAt));

        Assert.Equal(RejectionReason.MalformedHl7, binary.Rejection!.Reason);
        Assert.Equal(RejectionReason.PayloadTooLarge, large.Rejection!.Reason);
    }

    [Fact]
    public void A_timestamp_that_is_not_a_DTM_is_rejected_with_its_field()
    {
        var rejection = Rejected(Admit().Replace("20240601075500+0000", "2024-06-01T07:55", StringComparison.Ordinal));

        Assert.Equal((RejectionReason.InvalidValue, "PV1-44"), (rejection.Reason, rejection.Field));
    }

    [Theory]
    [InlineData("SIU^S12^SIU_S12", "HL7 SIU^S12 is stored in bronze only")]
    [InlineData("MDM^T02", "HL7 MDM^T02 is stored in bronze only")]
    [InlineData("ADT^A40^ADT_A39", "HL7 ADT^A40 is stored in bronze only")]
    [InlineData("ORU^R30", "HL7 ORU^R30 is stored in bronze only")]
    [InlineData("ACK", "HL7 ACK^ is stored in bronze only")]
    public void Other_message_types_are_skipped_not_rejected(string type, string why)
    {
        var result = Map(Msh(type, "S1", "20240601080000+0000") + Pid);

        Assert.True(result.IsSuccess);
        Assert.Equal((0, why), (result.Value!.Records.Count, result.Value.Unsupported));
    }

    [Fact]
    public void Timestamps_without_an_offset_take_the_configured_one()
    {
        var text = Admit().Replace("+0000", "", StringComparison.Ordinal);
        var mapper = new Hl7Mapper(defaultUtcOffset: TimeSpan.FromHours(-5));

        var e = Map(text, mapper).Value!.Records.OfType<EncounterRecord>().Single();

        Assert.Equal(new DateTimeOffset(2024, 6, 1, 8, 0, 0, TimeSpan.FromHours(-5)), e.OccurredAt);
        Assert.Equal(TimeSpan.FromHours(-5), e.AdmittedAt!.Value.Offset);
    }
}
