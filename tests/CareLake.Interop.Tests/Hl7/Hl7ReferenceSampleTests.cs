using CareLake.Core.Records;
using static CareLake.Interop.Tests.Hl7.Hl7MapperTests;

namespace CareLake.Interop.Tests.Hl7;

/// <summary>The sample messages of reference/clinical.md §8.5 mapped.</summary>
public class Hl7ReferenceSampleTests
{
    private const string AdmitA01 =
        "MSH|^~\\&|ADTSYS|GOODHEALTH|DATALAKE|GOODHEALTH|20240314093512-0500||ADT^A01^ADT_A01|MSG00001|P|2.5.1\r" +
        "EVN|A01|20240314093500-0500||||20240314092000-0500\r" +
        "PID|1||4455667^^^GHH^MR||DOE^JANE^Q||19520611|F||2106-3^White^CDCREC|12 MAIN ST^^SPRINGFIELD^IL^62701^USA^H||^PRN^PH^^1^217^5550123|||||ACC778899^^^GHH^AN\r" +
        "PV1|1|I|4W^412^B^GOODHEALTH|E|||1234^JONES^ROBERT^^^^MD|||MED|||||||1234^JONES^ROBERT^^^^MD||VN000123^^^GHH^VN|||||||||||||||||||||||||20240314092000-0500\r" +
        "DG1|1||J44.1^Chronic obstructive pulmonary disease with (acute) exacerbation^I10||20240314092000-0500|A\r" +
        "AL1|1|DA|PCN^Penicillin^L|MO|Hives\r" +
        "OBX|1|NM|9279-1^Respiratory rate^LN||22|/min^per minute^UCUM|||||F|||20240314091500-0500\r" +
        "OBX|2|NM|59408-5^Oxygen saturation in Arterial blood by Pulse oximetry^LN||91|%^percent^UCUM|||||F|||20240314091500-0500\r" +
        "OBX|3|NM|8867-4^Heart rate^LN||104|/min^per minute^UCUM|||||F|||20240314091500-0500\r" +
        "OBX|4|TX|NOTE^Triage note^L||Pt on 2 L/min O2 via NC \\T\\ new confusion||||||F|||20240314091500-0500\r";

    private const string DischargeA03 =
        "MSH|^~\\&|ADTSYS|GOODHEALTH|DATALAKE|GOODHEALTH|20240318141005-0500||ADT^A03^ADT_A03|MSG00057|P|2.5.1\r" +
        "EVN|A03|20240318141000-0500||||20240318140000-0500\r" +
        "PID|1||4455667^^^GHH^MR||DOE^JANE^Q||19520611|F|||12 MAIN ST^^SPRINGFIELD^IL^62701^USA^H|||||||ACC778899^^^GHH^AN\r" +
        "PV1|1|I|4W^412^B^GOODHEALTH|E|||1234^JONES^ROBERT^^^^MD|||MED|||||||||VN000123^^^GHH^VN|||||||||||||||||01||||||||20240314092000-0500|20240318140000-0500\r" +
        "DG1|1||J44.1^Chronic obstructive pulmonary disease with (acute) exacerbation^I10|||F\r" +
        "DG1|2||I50.9^Heart failure, unspecified^I10|||F\r";

    private static readonly TimeSpan Est = TimeSpan.FromHours(-5);

    [Fact]
    public void The_emergency_admission_maps_patient_visit_and_admitting_diagnosis()
    {
        var records = Records(AdmitA01, new DateTimeOffset(2024, 3, 15, 0, 0, 0, Est));

        Assert.Equal([typeof(PatientRecord), typeof(EncounterRecord), typeof(DiagnosisRecord)], records.Select(r => r.GetType()));
        Assert.All(records, r => Assert.Equal(("4455667", "VN000123", "ADTSYS^GOODHEALTH", new DateTimeOffset(2024, 3, 14, 9, 35, 0, Est)),
            (r.PatientId, r.EncounterId, r.SourceSystem, r.OccurredAt)));
        var p = (PatientRecord)records[0];
        Assert.Equal(("ADTSYS|GOODHEALTH|MSG00001", "DOE", "JANE", new DateOnly(1952, 6, 11), "female", "217-555-0123"),
            (p.EventId, p.FamilyName, p.GivenName, p.BirthDate!.Value, p.Sex, p.Phone));
        var e = (EncounterRecord)records[1];
        Assert.Equal((AdtAction.Admit, EncounterClasses.Inpatient, "GOODHEALTH", "4W", "412", "B", "1234"),
            (e.Action, e.Class, e.FacilityId, e.Unit, e.Room, e.Bed, e.AttendingProviderId));
        Assert.Equal(new DateTimeOffset(2024, 3, 14, 9, 20, 0, Est), e.AdmittedAt);
        var dx = (DiagnosisRecord)records[2];
        Assert.Equal(("ADTSYS|GOODHEALTH|MSG00001#DG1-1", "J44.1", CodeSystems.Icd10Cm, "Y", (int?)null),
            (dx.EventId, dx.Code, dx.CodeSystem, dx.PresentOnAdmission, dx.Rank));
    }

    [Fact]
    public void The_discharge_maps_times_disposition_and_both_final_diagnoses()
    {
        var records = Records(DischargeA03, new DateTimeOffset(2024, 3, 19, 0, 0, 0, Est));

        Assert.Equal([typeof(EncounterRecord), typeof(DiagnosisRecord), typeof(DiagnosisRecord)], records.Select(r => r.GetType()));
        var e = (EncounterRecord)records[0];
        Assert.Equal((AdtAction.Discharge, "01", "home"), (e.Action, e.DispositionReceived, e.Disposition));
        Assert.Equal(4, (e.DischargedAt!.Value.Date - e.AdmittedAt!.Value.Date).Days);
        Assert.Equal(["J44.1", "I50.9"], records.OfType<DiagnosisRecord>().Select(d => d.Code));
        Assert.All(records.OfType<DiagnosisRecord>(), d => Assert.Null(d.PresentOnAdmission));
    }
}
