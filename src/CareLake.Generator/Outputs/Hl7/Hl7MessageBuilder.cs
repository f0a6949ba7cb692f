using System.Globalization;
using System.Text;
using CareLake.Generator.Clinical.Procedures;
using CareLake.Generator.Model;

namespace CareLake.Generator.Outputs.Hl7;

/// <summary>One rendered HL7 v2 message: its control id (MSH-10) and text (segments ending in a carriage return).</summary>
public sealed record Hl7Message(string ControlId, string MessageType, string Text);

/// <summary>
/// Renders events as HL7 v2.5.1 messages: ADT A01/A02/A03/A04/A08/A11/A13 for the ADT events (A08 also carries
/// diagnoses as DG1 segments and procedures as PR1 segments) and ORU^R01 for lab panels and vital-sign sets. Field positions follow clinical.md §8.2.
/// Control ids are a run prefix plus a counter, so output is deterministic.
/// </summary>
public sealed class Hl7MessageBuilder(string sendingFacility, string controlIdPrefix, string receivingApplication = "CARELAKE")
{
    private const string SendingApplication = "CLGEN";
    private long _sequence;

    public Hl7Message Adt(AdtEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (trigger, structure) = e.Kind.Hl7Trigger();
        var builder = Start(out var controlId, e.OccurredAt, $"ADT^{trigger}^{structure}");
        Segment(builder, "EVN", trigger, Hl7Encoding.Timestamp(e.OccurredAt), "", "", "", Hl7Encoding.Timestamp(e.OccurredAt));
        Pid(builder, e);
        Pv1(builder, e.Encounter, e.Kind == AdtKind.Transfer ? e.From : null, e.Kind == AdtKind.Discharge);
        return new Hl7Message(controlId, $"ADT^{trigger}", builder.ToString());
    }

    /// <summary>An A08 carrying diagnoses coded at the same moment for one visit.</summary>
    public Hl7Message Diagnoses(IReadOnlyList<DiagnosisEvent> diagnoses)
    {
        ArgumentNullException.ThrowIfNull(diagnoses);
        var first = diagnoses[0];
        var builder = Start(out var controlId, first.OccurredAt, "ADT^A08^ADT_A01");
        Segment(builder, "EVN", "A08", Hl7Encoding.Timestamp(first.OccurredAt), "", "", "", Hl7Encoding.Timestamp(first.OccurredAt));
        Pid(builder, first);
        Pv1(builder, first.Encounter, null, discharge: false);
        var setId = 0;
        foreach (var dx in diagnoses)
        {
            setId++;
            // DG1-6 diagnosis type (table 0052): A admitting for what was present on arrival, W working otherwise.
            Segment(builder, "DG1", Int(setId), "", $"{Hl7Encoding.Escape(dx.Code.Code)}^{Hl7Encoding.Escape(dx.Code.Description)}^I10", "",
                Hl7Encoding.Timestamp(dx.DiagnosedAt), dx.PresentOnAdmission == PresentOnAdmission.Yes ? "A" : "W",
                "", "", "", "", "", "", "", "", Int(dx.Rank));
        }

        return new Hl7Message(controlId, "ADT^A08", builder.ToString());
    }

    /// <summary>
    /// An A08 carrying procedures of one visit completed at the same moment, one PR1 each: PR1-3 the code as CWE
    /// (code^text^SCT or I10P), PR1-5 the start, PR1-6 the functional type (table 0230), PR1-7 the minutes.
    /// </summary>
    public Hl7Message Procedures(IReadOnlyList<ProcedureEvent> procedures)
    {
        ArgumentNullException.ThrowIfNull(procedures);
        var first = procedures[0];
        var builder = Start(out var controlId, first.OccurredAt, "ADT^A08^ADT_A01");
        Segment(builder, "EVN", "A08", Hl7Encoding.Timestamp(first.OccurredAt), "", "", "", Hl7Encoding.Timestamp(first.OccurredAt));
        Pid(builder, first);
        Pv1(builder, first.Encounter, null, discharge: false);
        var setId = 0;
        foreach (var px in procedures)
        {
            setId++;
            var functionalType = px.Procedure.Category switch { ProcedureCategory.Diagnostic => "D", ProcedureCategory.Surgical => "I", _ => "P" };
            var minutes = px.PerformedEndAt is { } end ? Int((int)Math.Round((end - px.PerformedAt).TotalMinutes)) : "";
            Segment(builder, "PR1", Int(setId), "", $"{Hl7Encoding.Escape(px.Code.Code)}^{Hl7Encoding.Escape(px.Code.Description)}^{px.CodeSystem.Hl7Code()}", "",
                Hl7Encoding.Timestamp(px.PerformedAt), functionalType, minutes);
        }

        return new Hl7Message(controlId, "ADT^A08", builder.ToString());
    }

    /// <summary>An ORU^R01 with one OBR for the order and one OBX per analyte.</summary>
    public Hl7Message LabResults(IReadOnlyList<LabResultEvent> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var first = results[0];
        var builder = Start(out var controlId, first.ResultedAt, "ORU^R01^ORU_R01");
        Pid(builder, first);
        Pv1(builder, first.Encounter, null, discharge: false);
        var accession = Hl7Encoding.Escape(first.AccessionNumber);
        Obr(builder, accession, $"{first.Panel.Loinc}^{Hl7Encoding.Escape(first.Panel.Name)}^LN", first.SpecimenCollectedAt, first.ResultedAt, "LAB",
            first.Status.Hl7Code());
        var setId = 0;
        foreach (var r in results)
        {
            setId++;
            Segment(builder, "OBX", Int(setId), "NM", $"{r.Test.Loinc}^{Hl7Encoding.Escape(r.Test.Name)}^LN", "", Number(r.Value, r.Test.Decimals),
                $"{Hl7Encoding.Escape(r.Test.Unit)}^{Hl7Encoding.Escape(r.Test.Unit)}^UCUM", $"{Number(r.ReferenceLow, r.Test.Decimals)}-{Number(r.ReferenceHigh, r.Test.Decimals)}",
                r.Flag.Code(), "", "", r.Status.Hl7Code(), "", "", Hl7Encoding.Timestamp(r.SpecimenCollectedAt));
        }

        return new Hl7Message(controlId, "ORU^R01", builder.ToString());
    }

    /// <summary>An ORU^R01 for one vital-sign set (LOINC codes of clinical.md §9.2; ACVPU, oxygen and SpO2 scale as local codes).</summary>
    public Hl7Message VitalSigns(VitalSignsEvent v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var builder = Start(out var controlId, v.MeasuredAt, "ORU^R01^ORU_R01");
        Pid(builder, v);
        Pv1(builder, v.Encounter, null, discharge: false);
        Obr(builder, Hl7Encoding.Escape(v.EventId), "85353-1^Vital signs panel^LN", v.MeasuredAt, v.MeasuredAt, "VS", "F");
        var setId = 0;
        var at = Hl7Encoding.Timestamp(v.MeasuredAt);
        var device = Hl7Encoding.Escape(v.DeviceId);
        void Obx(string type, string code, string value, string unit)
        {
            setId++;
            Segment(builder, "OBX", Int(setId), type, code, "", value, unit, "", "", "", "", "F", "", "", at, "", "", "", device);
        }

        if (v.HeartRate is { } hr) Obx("NM", "8867-4^Heart rate^LN", Int(hr), "/min^per minute^UCUM");
        if (v.RespiratoryRate is { } rr) Obx("NM", "9279-1^Respiratory rate^LN", Int(rr), "/min^per minute^UCUM");
        if (v.Spo2 is { } spo2) Obx("NM", "59408-5^Oxygen saturation in Arterial blood by Pulse oximetry^LN", Int(spo2), "%^percent^UCUM");
        if (v.SystolicBp is { } sbp) Obx("NM", "8480-6^Systolic blood pressure^LN", Int(sbp), "mm[Hg]^millimeter of mercury^UCUM");
        if (v.DiastolicBp is { } dbp) Obx("NM", "8462-4^Diastolic blood pressure^LN", Int(dbp), "mm[Hg]^millimeter of mercury^UCUM");
        if (v.TemperatureCelsius is { } t) Obx("NM", "8310-5^Body temperature^LN", Number(t, 1), "Cel^degree Celsius^UCUM");
        if (v.OnSupplementalOxygen is { } o2) Obx("ST", "O2FLAG^On supplemental oxygen^L", o2 ? "Y" : "N", "");
        Obx("NM", "SPO2SCALE^NEWS2 SpO2 scale^L", Int(v.Spo2Scale), "");
        if (v.Consciousness is { } c) Obx("ST", "ACVPU^Level of consciousness (ACVPU)^L", c.ToString(), "");
        return new Hl7Message(controlId, "ORU^R01", builder.ToString());
    }

    private StringBuilder Start(out string controlId, DateTimeOffset at, string messageType)
    {
        controlId = controlIdPrefix + (++_sequence).ToString("D10", CultureInfo.InvariantCulture);
        var builder = new StringBuilder(1024);
        builder.Append("MSH").Append(Hl7Encoding.FieldSeparator).Append(Hl7Encoding.EncodingCharacters);
        foreach (var field in new[]
                 {
                     SendingApplication, Hl7Encoding.Escape(sendingFacility), receivingApplication, Hl7Encoding.Escape(sendingFacility),
                     Hl7Encoding.Timestamp(at), "", messageType, controlId, "P", "2.5.1",
                 })
        {
            builder.Append(Hl7Encoding.FieldSeparator).Append(field);
        }

        builder.Append(Hl7Encoding.SegmentTerminator);
        return builder;
    }

    private void Pid(StringBuilder builder, HospitalEvent e)
    {
        var d = e.Demographics ?? e.Patient?.Demographics;
        var mrn = Hl7Encoding.Escape(e.PatientId);
        var facility = Hl7Encoding.Escape(sendingFacility);
        if (d is null)
        {
            Segment(builder, "PID", "1", "", $"{mrn}^^^{facility}^MR");
            return;
        }

        var (raceCode, raceText) = d.Race.CdcCode();
        var (ethnicCode, ethnicText) = d.Ethnicity.CdcCode();
        var a = d.Address;
        var phoneParts = d.Phone.Split('-');
        var phone = phoneParts.Length == 3 ? $"^PRN^PH^^1^{phoneParts[0]}^{phoneParts[1]}{phoneParts[2]}" : $"{Hl7Encoding.Escape(d.Phone)}^PRN^PH";
        var deceased = e.Patient?.DeceasedAt is { } died && died <= e.OccurredAt;
        Segment(builder, "PID",
            "1",
            "",
            $"{mrn}^^^{facility}^MR",
            "",
            $"{Hl7Encoding.Escape(d.FamilyName)}^{Hl7Encoding.Escape(d.GivenName)}",
            "",
            Hl7Encoding.Date(d.BirthDate),
            d.Sex.Hl7Code(),
            "",
            $"{raceCode}^{raceText}^CDCREC",
            $"{Hl7Encoding.Escape(a.Line1)}^^{Hl7Encoding.Escape(a.City)}^{a.State}^{a.PostalCode}^USA^H",
            "",
            phone,
            "",
            Hl7Encoding.Escape(d.Language),
            d.MaritalStatus.Code(),
            "",
            e.EncounterId is { } account ? $"{Hl7Encoding.Escape(account)}^^^{facility}^AN" : "",
            d.Ssn,
            "",
            "",
            $"{ethnicCode}^{ethnicText}^CDCREC",
            "", "", "", "", "", "",
            deceased ? Hl7Encoding.Timestamp(e.Patient!.DeceasedAt!.Value) : "",
            deceased ? "Y" : "");
    }

    private void Pv1(StringBuilder builder, EncounterSnapshot? encounter, BedLocation? prior, bool discharge)
    {
        if (encounter is null)
        {
            // A demographic update outside a visit (PV1-2 N: not applicable).
            Segment(builder, "PV1", "1", "N");
            return;
        }

        var facility = Hl7Encoding.Escape(encounter.FacilityId);
        var fields = new string[45];
        Array.Fill(fields, "");
        fields[0] = "1";
        fields[1] = encounter.Class.Hl7PatientClass();
        fields[2] = Location(encounter.Location, facility);
        fields[3] = encounter.AdmissionType switch { "emergency" => "E", "elective" => "C", _ => "U" };
        if (prior is { } p) fields[5] = Location(p, facility);
        fields[6] = Hl7Encoding.Escape(encounter.AttendingProviderId);
        fields[9] = Hl7Encoding.Escape(encounter.HospitalService);
        // PV1-14 admit source (table 0023): 1 physician referral, 4 transfer from a hospital, 7 emergency room.
        fields[13] = encounter.AdmitSource switch { "physician_referral" => "1", "transfer_from_hospital" => "4", _ => "7" };
        fields[18] = $"{Hl7Encoding.Escape(encounter.EncounterId)}^^^{facility}^VN";
        if (discharge && encounter.Disposition is { } disposition) fields[35] = disposition.PatientStatusCode();
        fields[43] = Hl7Encoding.Timestamp(encounter.AdmittedAt);
        if (discharge && encounter.DischargedAt is { } dischargedAt) fields[44] = Hl7Encoding.Timestamp(dischargedAt);
        Segment(builder, "PV1", fields);
    }

    private static void Obr(StringBuilder builder, string orderNumber, string service, DateTimeOffset observedAt, DateTimeOffset reportedAt, string section, string status)
    {
        var fields = new string[25];
        Array.Fill(fields, "");
        fields[0] = "1";
        fields[1] = orderNumber;
        fields[2] = orderNumber;
        fields[3] = service;
        fields[6] = Hl7Encoding.Timestamp(observedAt);
        fields[21] = Hl7Encoding.Timestamp(reportedAt);
        fields[23] = section;
        fields[24] = status;
        Segment(builder, "OBR", fields);
    }

    private static string Location(BedLocation location, string facility) =>
        $"{Hl7Encoding.Escape(location.Unit)}^{Hl7Encoding.Escape(location.Room)}^{Hl7Encoding.Escape(location.Bed)}^{facility}";

    private static void Segment(StringBuilder builder, string id, params string[] fields)
    {
        builder.Append(id);
        var last = fields.Length;
        while (last > 0 && fields[last - 1].Length == 0) last--;
        for (var i = 0; i < last; i++) builder.Append(Hl7Encoding.FieldSeparator).Append(fields[i]);
        builder.Append(Hl7Encoding.SegmentTerminator);
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
