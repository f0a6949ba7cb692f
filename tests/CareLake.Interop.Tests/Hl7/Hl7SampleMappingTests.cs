using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Interop.Hl7;
using CareLake.Testing;

namespace CareLake.Interop.Tests.Hl7;

/// <summary>The shared HL7 v2 samples (tests/testdata/hl7v2_samples) mapped: records, a skip, or a precise rejection.</summary>
public class Hl7SampleMappingTests
{
    /// <summary>After every sample's timestamps (some EVN-2 lie in 2029), so no vital sign is refused as from the future.</summary>
    private static readonly DateTimeOffset ReceivedAt = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Skip = "skip";
    private const string AdtFull = "Patient,Encounter,Diagnosis,Procedure";
    private const string VisitFull = "Encounter,Diagnosis,Procedure";

    /// <summary>What each file maps to: record kinds in order, a skip, or reject:code:field.</summary>
    private static readonly Dictionary<string, string> Expected = new()
    {
        ["ADT-A01-01.hl7"] = AdtFull,
        ["ADT-A02-01.hl7"] = "Encounter",
        ["ADT-A03-01.hl7"] = VisitFull,
        ["ADT-A04-01.hl7"] = AdtFull,
        ["ADT-A05-01.hl7"] = AdtFull,
        ["ADT-A06-01.hl7"] = VisitFull,
        ["ADT-A07-01.hl7"] = VisitFull,
        ["ADT-A08-01.hl7"] = AdtFull,
        ["ADT-A11-01.hl7"] = "Encounter",
        ["ADT-A13-01.hl7"] = VisitFull,
        ["ADT-A28-01.hl7"] = "Patient",
        ["ADT-A31-01.hl7"] = "Patient",
        ["ADT01-23.hl7"] = "Patient,Encounter,Diagnosis",
        ["ADT04-23.hl7"] = "Patient,Encounter",
        // An A04 whose PV1 carries no visit number (PV1-19 empty).
        ["ADT04-251.hl7"] = "reject:missing_field:PV1-19",
        ["MDM_01.hl7"] = "Patient,Encounter",
        ["LAB-ORU-1.hl7"] = string.Join(',', Enumerable.Repeat("LabResult", 10)),
        ["LRI_2.0-NG_CBC_Typ_Message.hl7"] = string.Join(',', Enumerable.Repeat("LabResult", 28)),
        // OBX 1 (RP heart rate) and 2 (no code) are left in bronze; OBX 5 (NM heart rate 27~25) is a vital sign.
        ["ORU-R01-01.hl7"] = "LabResult,LabResult,VitalSigns",
    };

    public static TheoryData<string> Files() =>
        [.. Directory.GetFiles(Path.GetDirectoryName(TestData.Path("hl7v2_samples/SOURCE.txt"))!, "*.hl7").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    private static ParseResult<MappedMessage> Map(string name) =>
        new Hl7Mapper().Map(new MessageContext("hl7", File.ReadAllBytes(TestData.Path($"hl7v2_samples/{name}")), null, null, ReceivedAt));

    private static IReadOnlyList<ClinicalRecord> Records(string name)
    {
        var result = Map(name);
        Assert.True(result.IsSuccess, result.Rejection?.ToString());
        return result.Value!.Records;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shared_sample_maps_to_records_a_skip_or_a_precise_rejection(string name)
    {
        var result = Map(name);

        var outcome = !result.IsSuccess ? $"reject:{result.Rejection!.Code}:{result.Rejection.Field}"
            : result.Value!.Records.Count == 0 ? Skip
            : string.Join(',', result.Value.Records.Select(r => r.GetType().Name.Replace("Record", "", StringComparison.Ordinal)));
        Assert.Equal(Expected.GetValueOrDefault(name, Skip), outcome);
        if (outcome == Skip) Assert.Matches(@"^HL7 [A-Z]{3}\^[A-Z0-9]{3} is stored in bronze only$", result.Value!.Unsupported);
        if (result.IsSuccess && result.Value!.Records.Count > 0)
        {
            var records = result.Value.Records;
            Assert.All(records, r => Assert.Equal(RecordSources.Mrn, r.Source));
            Assert.All(records, r => Assert.NotNull(r.PatientId));
            Assert.Equal(records.Count, records.Select(r => (r.GetType(), r.EventId)).Distinct().Count());
        }
    }

    [Fact]
    public void The_v2_8_admission_sample_maps_field_by_field()
    {
        var records = Records("ADT-A01-01.hl7");
        var occurredAt = new DateTimeOffset(2029, 8, 1, 7, 6, 24, new TimeSpan(1, 15, 0)); // EVN-2

        Assert.All(records, r => Assert.Equal(("PATID1234", "40007716", "ADTApp^GHHSFacility", occurredAt), (r.PatientId, r.EncounterId, r.SourceSystem, r.OccurredAt)));
        var p = Assert.IsType<PatientRecord>(records[0]);
        Assert.Equal(("ADTApp|GHHSFacility|MSG00001", "EVERYMAN", "ADAM", new DateOnly(1988, 8, 18), "male"), (p.EventId, p.FamilyName, p.GivenName, p.BirthDate!.Value, p.Sex));
        Assert.Equal(("White", "NOT HISPANIC OR LATINO", "M", "ara", "PSSN123121234", new DateOnly(2008, 8, 25)), (p.Race, p.Ethnicity, p.MaritalStatus, p.Language, p.Ssn, p.DeathDate!.Value));
        Assert.Equal(("1000 Hospital Lane", "Ann Arbor", "MI", "99999", "USA"), (p.AddressLine1, p.City, p.State, p.PostalCode, p.Country));
        var e = Assert.IsType<EncounterRecord>(records[1]);
        Assert.Equal((AdtAction.Admit, "P", EncounterClasses.Outpatient, "HOMERTON UNIVER", "HUH AE OMU", "OMU B", "Bed 03"),
            (e.Action, e.ClassReceived, e.Class, e.FacilityId, e.Unit, e.Room, e.Bed));
        Assert.Equal(("NHS Provider-General (inc.A&E-this Hosp)", "1122334", "Admitted as Inpatient", (string?)null),
            (e.AdmitSource, e.AttendingProviderId, e.DispositionReceived, e.Disposition));
        Assert.Equal((new DateTimeOffset(2015, 2, 8, 11, 34, 19, new TimeSpan(1, 10, 0)), (DateTimeOffset?)null), (e.AdmittedAt!.Value, e.DischargedAt));
        var dx = Assert.IsType<DiagnosisRecord>(records[2]);
        Assert.Equal(("ADTApp|GHHSFacility|MSG00001#DG1-1", "422504002", CodeSystems.SnomedCt, "Ischemic stroke(disorder)", 1, "Y"),
            (dx.EventId, dx.Code, dx.CodeSystem, dx.Description, dx.Rank!.Value, dx.PresentOnAdmission));
        Assert.Equal(new DateTimeOffset(2004, 1, 25, 11, 40, 25, new TimeSpan(4, 20, 0)), dx.DiagnosedAt);
        var px = Assert.IsType<ProcedureRecord>(records[3]);
        var performedAt = new DateTimeOffset(2005, 1, 25, 11, 40, 0, TimeSpan.FromHours(1));
        Assert.Equal(("ADTApp|GHHSFacility|MSG00001#PR1-1", "76164006", CodeSystems.SnomedCt, "Biopsy of colon (procedure)", performedAt, performedAt.AddMinutes(2)),
            (px.EventId, px.Code, px.CodeSystem, px.Description, px.PerformedAt, px.PerformedEndAt!.Value));
    }

    [Fact]
    public void The_v2_8_discharge_transfer_and_class_change_samples_map_their_actions()
    {
        var discharge = Records("ADT-A03-01.hl7").OfType<EncounterRecord>().Single();
        var transfer = Records("ADT-A02-01.hl7").OfType<EncounterRecord>().Single();
        var toInpatient = Records("ADT-A06-01.hl7").OfType<EncounterRecord>().Single();
        var toOutpatient = Records("ADT-A07-01.hl7").OfType<EncounterRecord>().Single();

        Assert.Equal((AdtAction.Discharge, new DateTimeOffset(2015, 2, 9, 11, 34, 19, new TimeSpan(1, 10, 0))), (discharge.Action, discharge.DischargedAt!.Value));
        Assert.Equal((AdtAction.Transfer, "HUH AE OMU"), (transfer.Action, transfer.Unit));
        Assert.Equal((AdtAction.Update, "I", EncounterClasses.Inpatient, "PATID1234", "5001"), (toInpatient.Action, toInpatient.ClassReceived, toInpatient.Class, toInpatient.PatientId, toInpatient.EncounterId));
        Assert.Equal(("SPROOM", "ROOM2", "BED-1", "FACILITY-1", "0210"), (toInpatient.Unit, toInpatient.Room, toInpatient.Bed, toInpatient.FacilityId, toInpatient.AttendingProviderId));
        Assert.Equal((AdtAction.Update, "O", EncounterClasses.Outpatient), (toOutpatient.Action, toOutpatient.ClassReceived, toOutpatient.Class));
    }

    [Fact]
    public void The_v2_3_samples_map_field_by_field()
    {
        var a01 = Records("ADT01-23.hl7");
        var p = Assert.IsType<PatientRecord>(a01[0]);
        var e = Assert.IsType<EncounterRecord>(a01[1]);
        var dx = Assert.IsType<DiagnosisRecord>(a01[2]);

        Assert.Equal(("AccMgr|1|599102", "AccMgr^1", "10006579", "40007716"), (p.EventId, p.SourceSystem, p.PatientId, p.EncounterId));
        Assert.Equal(new DateTimeOffset(2005, 1, 10, 4, 55, 2, TimeSpan.FromHours(7)), p.OccurredAt);
        Assert.Equal(("DUCK", "DONALD", new DateOnly(1924, 10, 10), "male", "8885551212"), (p.FamilyName, p.GivenName, p.BirthDate!.Value, p.Sex, p.Phone));
        Assert.Equal(("111 DUCK ST", "FOWL", "CA", "999990000", (string?)null), (p.AddressLine1, p.City, p.State, p.PostalCode, p.Country));
        Assert.Equal((AdtAction.Admit, EncounterClasses.Inpatient, "PREOP", "101", "1", "1", "1", "37"), (e.Action, e.Class, e.Unit, e.Room, e.Bed, e.FacilityId, e.AdmitSource, e.AttendingProviderId));
        Assert.Equal(new DateTimeOffset(2005, 1, 10, 4, 55, 2, TimeSpan.FromHours(7)), e.AdmittedAt);
        Assert.Equal(("71596", "I9", "OSTEOARTHROS NOS-L/LEG", "Y"), (dx.Code, dx.CodeSystem, dx.Description, dx.PresentOnAdmission));

        var a04 = Records("ADT04-23.hl7");
        var mario = Assert.IsType<PatientRecord>(a04[0]);
        var visit = Assert.IsType<EncounterRecord>(a04[1]);
        Assert.Equal(("123456789", "BROS", "MARIO", new DateOnly(1985, 1, 1), "555-555-0123", "S"), (mario.PatientId, mario.FamilyName, mario.GivenName, mario.BirthDate!.Value, mario.Phone, mario.MaritalStatus));
        Assert.Equal((AdtAction.Register, "O", EncounterClasses.Outpatient, "0123456789", "ABCD", "EFGH", "NINTENDO"),
            (visit.Action, visit.ClassReceived, visit.Class, visit.EncounterId, visit.Unit, visit.Room, visit.FacilityId));
    }

    [Fact]
    public void The_CBC_result_sample_maps_its_analytes_field_by_field()
    {
        var labs = Records("LRI_2.0-NG_CBC_Typ_Message.hl7").Cast<LabResultRecord>().ToList();
        var collected = new DateTimeOffset(2011, 1, 3, 14, 34, 28, TimeSpan.FromHours(-8));
        var resulted = new DateTimeOffset(2011, 1, 4, 17, 0, 28, TimeSpan.FromHours(-8));

        Assert.All(labs, l => Assert.Equal(("PATID1234", (string?)null, "final", collected, resulted), (l.PatientId, l.EncounterId, l.Status, l.SpecimenCollectedAt!.Value, l.ResultedAt!.Value)));
        var rbc = labs[0];
        Assert.Equal(("NIST Test Lab APP|NIST Lab Facility|NIST-LRI-NG-002.00#OBX-1", "26453-1", "Erythrocytes [#/volume] in Blood", 4.41m, "10*6/uL", 4.3m, 6.2m, "N"),
            (rbc.EventId, rbc.LoincCode, rbc.TestName, rbc.ValueNumeric!.Value, rbc.Unit, rbc.ReferenceLow!.Value, rbc.ReferenceHigh!.Value, rbc.AbnormalFlag));
        var wbc = labs[3];
        Assert.Equal(("26464-8", 105600m, 4300m, 10800m, "HH"), (wbc.LoincCode, wbc.ValueNumeric!.Value, wbc.ReferenceLow!.Value, wbc.ReferenceHigh!.Value, wbc.AbnormalFlag));
        Assert.Equal(("718-7", 12.5m, "L"), (labs[1].LoincCode, labs[1].ValueNumeric!.Value, labs[1].AbnormalFlag));
    }

    [Fact]
    public void A_v2_5_result_without_PV1_OBR_7_or_OBR_22_falls_back_to_OBX_14()
    {
        var labs = Records("LAB-ORU-1.hl7").Cast<LabResultRecord>().ToList();

        Assert.All(labs, l => Assert.Equal(("10006579", (string?)null, "SomeSystem", new DateTimeOffset(2014, 10, 6, 6, 45, 0, TimeSpan.FromHours(7))), (l.PatientId, l.EncounterId, l.SourceSystem, l.OccurredAt)));
        Assert.Equal(("SomeSystem||182#OBX-1", "11156-7", (decimal?)null, (string?)null, (string?)null), (labs[0].EventId, labs[0].LoincCode, labs[0].ValueNumeric, labs[0].ValueText, labs[0].Status));
        var erythrocytes = labs[1];
        Assert.Equal(("11273-0", "ERYTHROCYTES", 4.06m, "tera.l-1", "N", "preliminary"), (erythrocytes.LoincCode, erythrocytes.TestName, erythrocytes.ValueNumeric!.Value, erythrocytes.Unit, erythrocytes.AbnormalFlag, erythrocytes.Status));
        // OBR-7 and OBR-22 are empty (this sender's time is in OBR-23), OBX-19 too: collected falls back to OBX-14, resulted stays unknown.
        Assert.Equal((new DateTimeOffset(2014, 10, 6, 6, 27, 0, TimeSpan.FromHours(7)), (DateTimeOffset?)null), (erythrocytes.SpecimenCollectedAt!.Value, erythrocytes.ResultedAt));
        Assert.Equal(["23761-0", "26450-7", "26478-8", "26485-3", "30180-4"], labs.Skip(5).Select(l => l.LoincCode));
    }

    [Fact]
    public void The_public_health_result_sample_maps_coded_and_pointer_values_and_a_heart_rate()
    {
        var records = Records("ORU-R01-01.hl7");
        var culture = Assert.IsType<LabResultRecord>(records[0]);
        var pointer = Assert.IsType<LabResultRecord>(records[1]);
        var vitals = Assert.IsType<VitalSignsRecord>(records[2]);

        Assert.All(records, r => Assert.Equal(("14", "40007716"), (r.PatientId, r.EncounterId)));
        Assert.Equal(("625-4", "Salmonella", (decimal?)null, "preliminary", 70m, 80m), (culture.LoincCode, culture.ValueText, culture.ValueNumeric, culture.Status, culture.ReferenceLow!.Value, culture.ReferenceHigh!.Value));
        Assert.Equal(("1063-7", "https://testurl.com", (string?)null), (pointer.LoincCode, pointer.ValueText, pointer.Status));
        Assert.Equal(("IA PHIMS Stage|IA Public Health Lab|2.16.840.1.114222.4.3.3.5.1.2-20120314235954.325#OBR-1", 27m), (vitals.EventId, vitals.Vitals.HeartRate!.Value));
        // No OBX-14: measured at OBR-7 (OBR-6 holds the requested time).
        Assert.Equal(new DateTimeOffset(2002, 2, 15, 7, 30, 0, new TimeSpan(2, 15, 0)), vitals.Vitals.MeasuredAt);
    }

    [Fact]
    public void Mapping_a_sample_twice_gives_the_same_records()
    {
        Assert.Equal(Records("ADT-A01-01.hl7"), Records("ADT-A01-01.hl7"));
        Assert.Equal(Records("LRI_2.0-NG_CBC_Typ_Message.hl7"), Records("LRI_2.0-NG_CBC_Typ_Message.hl7"));
    }
}
