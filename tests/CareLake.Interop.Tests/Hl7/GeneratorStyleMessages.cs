namespace CareLake.Interop.Tests.Hl7;

/// <summary>
/// HL7 v2.5.1 messages written by hand the way CareLake's generator writes them (sending application CLGEN, facility
/// GHH, control ids RUN1-nnnnnnnnnn; field positions of clinical.md §8.2), so the mapper is tested against that shape
/// without referencing the generator.
/// </summary>
internal static class GeneratorStyleMessages
{
    public const string Mrn = "MRN0001";
    public const string Visit = "ENC0001";

    public static string Msh(string type, string controlId, string at) =>
        $"MSH|^~\\&|CLGEN|GHH|CARELAKE|GHH|{at}||{type}|{controlId}|P|2.5.1\r";

    public static string Evn(string trigger, string at) => $"EVN|{trigger}|{at}||||{at}\r";

    public const string Pid =
        "PID|1||MRN0001^^^GHH^MR||O\\E\\Brien^Anna||19600102|F||2106-3^White^CDCREC|12 Oak St^^Springfield^IL^62701^USA^H||^PRN^PH^^1^217^5550123||English|M||ENC0001^^^GHH^AN|123-45-6789|||2186-5^Not Hispanic or Latino^CDCREC\r";

    /// <summary>PV1 as the generator fills it: class, location, admission type, prior location, attending, service, admit source, visit, disposition, admit and discharge times.</summary>
    public static string Pv1(string patientClass, string location, string? prior = null, string? disposition = null, string admittedAt = "20240601075500+0000", string? dischargedAt = null)
    {
        var fields = Enumerable.Repeat("", 45).ToArray();
        fields[0] = "1";
        fields[1] = patientClass;
        fields[2] = location;
        fields[3] = "E";
        if (prior is not null) fields[5] = prior;
        fields[6] = "DR100";
        fields[9] = "MED";
        fields[13] = "7";
        fields[18] = $"{Visit}^^^GHH^VN";
        if (disposition is not null) fields[35] = disposition;
        fields[43] = admittedAt;
        if (dischargedAt is not null) fields[44] = dischargedAt;
        return "PV1|" + string.Join('|', fields).TrimEnd('|') + "\r";
    }

    public static string Admit(string controlId = "RUN1-0000000001") =>
        Msh("ADT^A01^ADT_A01", controlId, "20240601080000+0000") + Evn("A01", "20240601080000+0000") + Pid + Pv1("I", "4W^412^B^GHH");

    public static string Transfer() =>
        Msh("ADT^A02^ADT_A02", "RUN1-0000000002", "20240602100000+0000") + Evn("A02", "20240602100000+0000") + Pid + Pv1("I", "ICU^2^A^GHH", prior: "4W^412^B^GHH");

    public static string Discharge() =>
        Msh("ADT^A03^ADT_A03", "RUN1-0000000003", "20240605110000+0000") + Evn("A03", "20240605110000+0000") + Pid +
        Pv1("I", "ICU^2^A^GHH", disposition: "06", dischargedAt: "20240605110000+0000");

    public static string Diagnoses() =>
        Msh("ADT^A08^ADT_A01", "RUN1-0000000004", "20240601083000+0000") + Evn("A08", "20240601083000+0000") + Pid + Pv1("I", "4W^412^B^GHH") +
        "DG1|1||J44.1^Chronic obstructive pulmonary disease with (acute) exacerbation^I10||20240601083000+0000|A|||||||||1\r" +
        "DG1|2||I50.9^Heart failure, unspecified^I10||20240601083000+0000|W|||||||||2\r";

    public static string Procedures() =>
        Msh("ADT^A08^ADT_A01", "RUN1-0000000005", "20240602120000+0000") + Evn("A08", "20240602120000+0000") + Pid + Pv1("I", "4W^412^B^GHH") +
        "PR1|1||71651007^Mammography^SCT||20240602110000+0000|D|45\r" +
        "PR1|2||0DTJ4ZZ^Resection of appendix^I10P||20240602113000+0000|I\r";

    public static string DemographicUpdateOutsideAVisit() =>
        Msh("ADT^A08^ADT_A01", "RUN1-0000000006", "20240610090000+0000") + Evn("A08", "20240610090000+0000") + Pid + "PV1|1|N\r";

    public static string VitalSigns(string controlId = "RUN1-0000000007", string heartRate = "118", string temperature = "38.4") =>
        Msh("ORU^R01^ORU_R01", controlId, "20240601090000+0000") + Pid + Pv1("I", "4W^412^B^GHH") +
        "OBR|1|vs-1|vs-1|85353-1^Vital signs panel^LN|||20240601090000+0000|||||||||||||||20240601090000+0000||VS|F\r" +
        Obx(1, "NM", "8867-4^Heart rate^LN", heartRate, "/min^per minute^UCUM") +
        Obx(2, "NM", "9279-1^Respiratory rate^LN", "24", "/min^per minute^UCUM") +
        Obx(3, "NM", "59408-5^Oxygen saturation in Arterial blood by Pulse oximetry^LN", "91", "%^percent^UCUM") +
        Obx(4, "NM", "8480-6^Systolic blood pressure^LN", "96", "mm[Hg]^millimeter of mercury^UCUM") +
        Obx(5, "NM", "8462-4^Diastolic blood pressure^LN", "60", "mm[Hg]^millimeter of mercury^UCUM") +
        Obx(6, "NM", "8310-5^Body temperature^LN", temperature, "Cel^degree Celsius^UCUM") +
        Obx(7, "ST", "O2FLAG^On supplemental oxygen^L", "Y", "") +
        Obx(8, "NM", "SPO2SCALE^NEWS2 SpO2 scale^L", "1", "") +
        Obx(9, "ST", "ACVPU^Level of consciousness (ACVPU)^L", "NewConfusion", "");

    public static string LabResults() =>
        Msh("ORU^R01^ORU_R01", "RUN1-0000000008", "20240601130000+0000") + Pid + Pv1("I", "4W^412^B^GHH") +
        "OBR|1|ACC-77|ACC-77|24323-8^Comprehensive metabolic panel^LN|||20240601100000+0000|||||||||||||||20240601130000+0000||LAB|C\r" +
        "OBX|1|NM|2345-7^Glucose^LN||182.0|mg/dL^mg/dL^UCUM|70.0-99.0|H|||C|||20240601100000+0000\r" +
        "OBX|2|NM|2823-3^Potassium^LN||4.1|mmol/L^mmol/L^UCUM|3.5-5.1|N|||F|||20240601100000+0000\r";

    private static string Obx(int setId, string type, string code, string value, string unit) =>
        $"OBX|{setId}|{type}|{code}||{value}|{unit}|||||F|||20240601090000+0000||||MON-7\r";
}
