using System.Globalization;
using System.Text.Json;
using CareLake.Generator.Model;
using CareLake.Generator.Population;

namespace CareLake.Generator.Outputs.Fhir;

/// <summary>
/// Writes FHIR R4 bulk-data NDJSON (clinical.md §9.3): <c>Patient.ndjson</c>, <c>Encounter.ndjson</c>,
/// <c>Observation.ndjson</c>, <c>Condition.ndjson</c> and <c>Procedure.ndjson</c>, one resource per line. Vital signs
/// follow the base vital-signs profile (§9.1–9.2: LOINC code, UCUM quantity, blood pressure as components), and the
/// Observations of one vital-sign set are written next to each other; labs carry reference ranges and interpretations;
/// procedures carry SNOMED CT or ICD-10-PCS codes and their performed period. Encounters are written when they end; patients, with their final demographics, at
/// the end of the run.
/// </summary>
public sealed class FhirBulkSink : IClinicalEventSink
{
    public static readonly IReadOnlyList<string> ResourceTypes = ["Patient", "Encounter", "Observation", "Condition", "Procedure"];

    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";
    private const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";

    private readonly string _directory;
    private readonly string _facility;
    private readonly Dictionary<string, (FileStream File, Utf8JsonWriter Json)> _files = new(StringComparer.Ordinal);
    private readonly OpenEncounters _encounters = new();

    public FhirBulkSink(string directory, string facility)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        _facility = facility;
        Directory.CreateDirectory(directory);
        foreach (var type in ResourceTypes)
        {
            var file = new FileStream(Path.Combine(directory, type + ".ndjson"), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
            _files[type] = (file, new Utf8JsonWriter(file, ContractJson.WriterOptions));
        }
    }

    public string Description => "fhir:" + _directory;

    public void Write(HospitalEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_encounters.Apply(e) is var (ended, status)) WriteEncounter(ended, status);
        switch (e)
        {
            case VitalSignsEvent v:
                WriteVitals(v);
                break;
            case LabResultEvent lab:
                WriteLab(lab);
                break;
            case DiagnosisEvent dx:
                WriteCondition(dx);
                break;
            case ProcedureEvent px:
                WriteProcedure(px);
                break;
        }
    }

    public void Complete(HospitalSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        foreach (var open in _encounters.StillOpen()) WriteEncounter(open, "in-progress");
        foreach (var patient in simulator.Population?.Patients ?? []) WritePatient(patient);
        foreach (var (file, json) in _files.Values)
        {
            json.Flush();
            file.Flush();
        }
    }

    public void Dispose()
    {
        foreach (var (file, json) in _files.Values)
        {
            json.Dispose();
            file.Dispose();
        }

        _files.Clear();
    }

    private Utf8JsonWriter Begin(string type, string id)
    {
        var json = _files[type].Json;
        json.Reset();
        json.WriteStartObject();
        json.WriteString("resourceType", type);
        json.WriteString("id", id);
        return json;
    }

    private void End(string type)
    {
        var (file, json) = _files[type];
        json.WriteEndObject();
        json.Flush();
        file.WriteByte((byte)'\n');
    }

    private void WritePatient(SimulatedPatient patient)
    {
        var d = patient.Demographics;
        var json = Begin("Patient", patient.Mrn);
        json.WriteStartArray("identifier");
        Identifier(json, "MR", "Medical Record Number", $"urn:carelake:{_facility}:mrn", patient.Mrn);
        Identifier(json, "SS", "Social Security Number", "http://hl7.org/fhir/sid/us-ssn", d.Ssn);
        json.WriteEndArray();

        json.WriteStartArray("extension");
        var (raceCode, raceText) = d.Race.CdcCode();
        OmbExtension(json, "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race", d.Race == Race.Other ? null : (raceCode, raceText), raceText);
        var (ethnicCode, ethnicText) = d.Ethnicity.CdcCode();
        OmbExtension(json, "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity", (ethnicCode, ethnicText), ethnicText);
        json.WriteEndArray();

        json.WriteStartArray("name");
        json.WriteStartObject();
        json.WriteString("use", "official");
        json.WriteString("family", d.FamilyName);
        json.WriteStartArray("given");
        json.WriteStringValue(d.GivenName);
        json.WriteEndArray();
        json.WriteEndObject();
        if (d.MaidenName is { } maiden)
        {
            json.WriteStartObject();
            json.WriteString("use", "maiden");
            json.WriteString("family", maiden);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("telecom");
        json.WriteStartObject();
        json.WriteString("system", "phone");
        json.WriteString("value", d.Phone);
        json.WriteString("use", "home");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteString("gender", d.Sex.Code());
        json.WriteString("birthDate", d.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (patient.DeceasedAt is { } died) json.WriteString("deceasedDateTime", died);
        json.WriteStartArray("address");
        json.WriteStartObject();
        json.WriteStartArray("line");
        json.WriteStringValue(d.Address.Line1);
        json.WriteEndArray();
        json.WriteString("city", d.Address.City);
        json.WriteString("district", d.Address.County);
        json.WriteString("state", d.Address.State);
        json.WriteString("postalCode", d.Address.PostalCode);
        json.WriteString("country", d.Address.Country);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("maritalStatus");
        Codings(json, "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", d.MaritalStatus.Code(), d.MaritalStatus.Display());
        json.WriteEndObject();
        json.WriteStartArray("communication");
        json.WriteStartObject();
        json.WriteStartObject("language");
        Codings(json, "urn:ietf:bcp:47", d.Language, null);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        End("Patient");
    }

    private void WriteEncounter(TrackedEncounter tracked, string status)
    {
        var enc = tracked.Current;
        var json = Begin("Encounter", enc.EncounterId);
        json.WriteStartArray("identifier");
        json.WriteStartObject();
        json.WriteString("system", $"urn:carelake:{_facility}:visit");
        json.WriteString("value", enc.EncounterId);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteString("status", status);
        var (classCode, classDisplay) = enc.Class.ActCode();
        json.WriteStartObject("class");
        json.WriteString("system", "http://terminology.hl7.org/CodeSystem/v3-ActCode");
        json.WriteString("code", classCode);
        json.WriteString("display", classDisplay);
        json.WriteEndObject();
        Reference(json, "subject", "Patient/" + tracked.Admit.PatientId);
        json.WriteStartArray("participant");
        json.WriteStartObject();
        json.WriteStartArray("type");
        json.WriteStartObject();
        Codings(json, "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "ATND", "attender");
        json.WriteEndObject();
        json.WriteEndArray();
        Reference(json, "individual", "Practitioner/" + enc.AttendingProviderId);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("period");
        json.WriteString("start", enc.AdmittedAt);
        if (status == "finished" && enc.DischargedAt is { } end) json.WriteString("end", end);
        json.WriteEndObject();
        if (tracked.Reason is { } reason)
        {
            json.WriteStartArray("reasonCode");
            json.WriteStartObject();
            Codings(json, Icd10Cm, reason.Code, reason.Description);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteStartObject("hospitalization");
        json.WriteStartObject("admitSource");
        var admitSource = enc.AdmitSource switch { "physician_referral" => "gp", "transfer_from_hospital" => "hosp-trans", _ => "emd" };
        Codings(json, "http://terminology.hl7.org/CodeSystem/admit-source", admitSource, null);
        json.WriteEndObject();
        if (status == "finished" && enc.Disposition is { } disposition)
        {
            var (code, display) = disposition.FhirCode();
            json.WriteStartObject("dischargeDisposition");
            Codings(json, "http://terminology.hl7.org/CodeSystem/discharge-disposition", code, display);
            json.WriteString("text", disposition.Code());
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("location");
        foreach (var (location, from, to) in tracked.Locations)
        {
            json.WriteStartObject();
            json.WriteStartObject("location");
            json.WriteString("display", $"{location.Unit} {location.Room}-{location.Bed}");
            json.WriteEndObject();
            json.WriteString("status", to is null && status == "in-progress" ? "active" : "completed");
            json.WriteStartObject("period");
            json.WriteString("start", from);
            if (to is { } until) json.WriteString("end", until);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("serviceProvider");
        json.WriteString("display", _facility);
        json.WriteEndObject();
        End("Encounter");
    }

    private void WriteVitals(VitalSignsEvent v)
    {
        void Quantity(string suffix, string code, string display, double value, string unit, string? secondCode = null, string? secondDisplay = null)
        {
            var json = BeginObservation(v, suffix, "vital-signs", "Vital Signs", code, display, secondCode, secondDisplay, v.MeasuredAt);
            ValueQuantity(json, "valueQuantity", value, unit);
            End("Observation");
        }

        if (v.HeartRate is { } hr) Quantity("hr", "8867-4", "Heart rate", hr, "/min");
        if (v.RespiratoryRate is { } rr) Quantity("rr", "9279-1", "Respiratory rate", rr, "/min");
        if (v.Spo2 is { } spo2) Quantity("spo2", "2708-6", "Oxygen saturation in Arterial blood", spo2, "%", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry");
        if (v.TemperatureCelsius is { } t) Quantity("temp", "8310-5", "Body temperature", t, "Cel");
        if (v.SystolicBp is { } sbp && v.DiastolicBp is { } dbp)
        {
            var json = BeginObservation(v, "bp", "vital-signs", "Vital Signs", "85354-9", "Blood pressure panel with all children optional", null, null, v.MeasuredAt);
            json.WriteStartArray("component");
            foreach (var (code, display, value) in new[] { ("8480-6", "Systolic blood pressure", sbp), ("8462-4", "Diastolic blood pressure", dbp) })
            {
                json.WriteStartObject();
                json.WriteStartObject("code");
                Codings(json, Loinc, code, display);
                json.WriteEndObject();
                ValueQuantity(json, "valueQuantity", value, "mm[Hg]");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            End("Observation");
        }
    }

    private void WriteLab(LabResultEvent lab)
    {
        var json = BeginObservation(lab, null, "laboratory", "Laboratory", lab.Test.Loinc, lab.Test.Name, null, null, lab.SpecimenCollectedAt);
        json.WriteString("issued", lab.ResultedAt);
        ValueQuantity(json, "valueQuantity", lab.Value, lab.Test.Unit);
        json.WriteStartArray("interpretation");
        json.WriteStartObject();
        Codings(json, "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", lab.Flag.Code(), null);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartArray("referenceRange");
        json.WriteStartObject();
        ValueQuantity(json, "low", lab.ReferenceLow, lab.Test.Unit);
        ValueQuantity(json, "high", lab.ReferenceHigh, lab.Test.Unit);
        json.WriteEndObject();
        json.WriteEndArray();
        End("Observation");
    }

    private Utf8JsonWriter BeginObservation(HospitalEvent e, string? suffix, string category, string categoryDisplay, string code, string display, string? secondCode, string? secondDisplay, DateTimeOffset effective)
    {
        var json = Begin("Observation", suffix is null ? e.EventId : $"{e.EventId}-{suffix}");
        json.WriteString("status", e is LabResultEvent lab ? lab.Status.Code() : "final");
        json.WriteStartArray("category");
        json.WriteStartObject();
        Codings(json, "http://terminology.hl7.org/CodeSystem/observation-category", category, categoryDisplay);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("code");
        json.WriteStartArray("coding");
        Coding(json, Loinc, code, display);
        if (secondCode is not null) Coding(json, Loinc, secondCode, secondDisplay);
        json.WriteEndArray();
        json.WriteString("text", display);
        json.WriteEndObject();
        Reference(json, "subject", "Patient/" + e.PatientId);
        if (e.EncounterId is { } encounterId) Reference(json, "encounter", "Encounter/" + encounterId);
        json.WriteString("effectiveDateTime", effective);
        if (e is VitalSignsEvent v)
        {
            json.WriteStartObject("device");
            json.WriteString("display", v.DeviceId);
            json.WriteEndObject();
        }

        return json;
    }

    private void WriteCondition(DiagnosisEvent dx)
    {
        var json = Begin("Condition", dx.EventId);
        json.WriteStartObject("clinicalStatus");
        Codings(json, "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null);
        json.WriteEndObject();
        json.WriteStartObject("verificationStatus");
        Codings(json, "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null);
        json.WriteEndObject();
        json.WriteStartArray("category");
        json.WriteStartObject();
        Codings(json, "http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis", "Encounter Diagnosis");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteStartObject("code");
        Codings(json, Icd10Cm, dx.Code.Code, dx.Code.Description);
        json.WriteString("text", dx.Code.Description);
        json.WriteEndObject();
        Reference(json, "subject", "Patient/" + dx.PatientId);
        if (dx.EncounterId is { } encounterId) Reference(json, "encounter", "Encounter/" + encounterId);
        json.WriteString("onsetDateTime", dx.DiagnosedAt);
        json.WriteString("recordedDate", dx.DiagnosedAt);
        End("Condition");
    }

    private void WriteProcedure(ProcedureEvent px)
    {
        var json = Begin("Procedure", px.EventId);
        json.WriteString("status", px.Status.Code());
        json.WriteStartObject("code");
        Codings(json, px.CodeSystem.FhirSystem(), px.Code.Code, px.Code.Description);
        json.WriteString("text", px.Code.Description);
        json.WriteEndObject();
        Reference(json, "subject", "Patient/" + px.PatientId);
        if (px.EncounterId is { } encounterId) Reference(json, "encounter", "Encounter/" + encounterId);
        if (px.PerformedEndAt is { } end)
        {
            json.WriteStartObject("performedPeriod");
            json.WriteString("start", px.PerformedAt);
            json.WriteString("end", end);
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("performedDateTime", px.PerformedAt);
        }

        End("Procedure");
    }

    private static void Identifier(Utf8JsonWriter json, string typeCode, string typeDisplay, string system, string value)
    {
        json.WriteStartObject();
        json.WriteStartObject("type");
        Codings(json, "http://terminology.hl7.org/CodeSystem/v2-0203", typeCode, typeDisplay);
        json.WriteEndObject();
        json.WriteString("system", system);
        json.WriteString("value", value);
        json.WriteEndObject();
    }

    private static void OmbExtension(Utf8JsonWriter json, string url, (string Code, string Display)? category, string text)
    {
        json.WriteStartObject();
        json.WriteString("url", url);
        json.WriteStartArray("extension");
        if (category is { } c)
        {
            json.WriteStartObject();
            json.WriteString("url", "ombCategory");
            json.WriteStartObject("valueCoding");
            json.WriteString("system", "urn:oid:2.16.840.1.113883.6.238");
            json.WriteString("code", c.Code);
            json.WriteString("display", c.Display);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartObject();
        json.WriteString("url", "text");
        json.WriteString("valueString", text);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Reference(Utf8JsonWriter json, string name, string reference)
    {
        json.WriteStartObject(name);
        json.WriteString("reference", reference);
        json.WriteEndObject();
    }

    private static void Codings(Utf8JsonWriter json, string system, string code, string? display)
    {
        json.WriteStartArray("coding");
        Coding(json, system, code, display);
        json.WriteEndArray();
    }

    private static void Coding(Utf8JsonWriter json, string system, string code, string? display)
    {
        json.WriteStartObject();
        json.WriteString("system", system);
        json.WriteString("code", code);
        if (display is not null) json.WriteString("display", display);
        json.WriteEndObject();
    }

    private static void ValueQuantity(Utf8JsonWriter json, string name, double value, string unit)
    {
        json.WriteStartObject(name);
        json.WriteNumber("value", value);
        json.WriteString("unit", unit);
        json.WriteString("system", Ucum);
        json.WriteString("code", unit);
        json.WriteEndObject();
    }
}
