using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Generator.Model;

namespace CareLake.Generator.Outputs;

/// <summary>
/// Renders events as the JSON of reference/event-contracts.md, schema version 1: the contract's field names and
/// types, RFC 3339 timestamps with the facility's offset, fields in a fixed order (so output is byte-stable).
/// </summary>
public static class ContractJson
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Render(HospitalEvent e, string facilityId)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        Write(writer, e, facilityId);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter json, HospitalEvent e, string facilityId)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(e);
        json.WriteStartObject();
        json.WriteString(Names.EventId, e.EventId);
        json.WriteString(Names.EventType, e.EventType);
        json.WriteNumber(Names.SchemaVersion, EventTypes.SchemaVersion);
        json.WriteString(Names.OccurredAt, e.OccurredAt);
        if (e.PatientId is { } patientId) json.WriteString(Names.PatientId, patientId);
        if (e.EncounterId is { } encounterId && e is not EhrAccessEvent && !(e is AdtEvent { Kind: AdtKind.Update })) json.WriteString(Names.EncounterId, encounterId);
        json.WriteString(Names.SourceSystem, SourceSystem(e, facilityId));
        switch (e)
        {
            case AdtEvent adt:
                WriteAdt(json, adt);
                break;
            case DiagnosisEvent dx:
                json.WriteString(Names.CodeSystem, "ICD-10-CM");
                json.WriteString(Names.Code, dx.Code.Code);
                json.WriteString(Names.Description, dx.Code.Description);
                json.WriteNumber(Names.Rank, dx.Rank);
                json.WriteString(Names.PresentOnAdmission, dx.PresentOnAdmission.Code());
                json.WriteString(Names.DiagnosedAt, dx.DiagnosedAt);
                break;
            case ProcedureEvent px:
                json.WriteString(Names.CodeSystem, px.CodeSystem.Code());
                json.WriteString(Names.Code, px.Code.Code);
                json.WriteString(Names.Description, px.Code.Description);
                json.WriteString(Names.PerformedAt, px.PerformedAt);
                if (px.PerformedEndAt is { } endedAt) json.WriteString(Names.PerformedEndAt, endedAt);
                json.WriteString(Names.Status, px.Status.Code());
                break;
            case LabResultEvent lab:
                json.WriteString(Names.LoincCode, lab.Test.Loinc);
                json.WriteString(Names.TestName, lab.Test.Name);
                json.WriteNumber(Names.Value, lab.Value);
                json.WriteString(Names.Unit, lab.Test.Unit);
                json.WriteNumber(Names.ReferenceLow, lab.ReferenceLow);
                json.WriteNumber(Names.ReferenceHigh, lab.ReferenceHigh);
                json.WriteString(Names.AbnormalFlag, lab.Flag.Code());
                json.WriteString(Names.SpecimenCollectedAt, lab.SpecimenCollectedAt);
                json.WriteString(Names.ResultedAt, lab.ResultedAt);
                json.WriteString(Names.Status, lab.Status.Code());
                break;
            case VitalSignsEvent v:
                json.WriteString(Names.DeviceId, v.DeviceId);
                json.WriteString(Names.MeasuredAt, v.MeasuredAt);
                if (v.HeartRate is { } hr) json.WriteNumber(Names.HeartRate, hr);
                if (v.RespiratoryRate is { } rr) json.WriteNumber(Names.RespiratoryRate, rr);
                if (v.Spo2 is { } spo2) json.WriteNumber(Names.Spo2, spo2);
                json.WriteNumber(Names.Spo2Scale, v.Spo2Scale);
                if (v.OnSupplementalOxygen is { } o2) json.WriteBoolean(Names.OnSupplementalOxygen, o2);
                if (v.SystolicBp is { } sbp) json.WriteNumber(Names.SystolicBp, sbp);
                if (v.DiastolicBp is { } dbp) json.WriteNumber(Names.DiastolicBp, dbp);
                if (v.TemperatureCelsius is { } t)
                {
                    json.WriteNumber(Names.Temperature, t);
                    json.WriteString(Names.TemperatureUnit, "Cel");
                }

                if (v.Consciousness is { } c) json.WriteString(Names.Consciousness, c.ToString());
                break;
            case EhrAccessEvent access:
                json.WriteString(Names.UserId, access.UserId);
                json.WriteString(Names.UserRole, access.UserRole);
                json.WriteString(Names.Action, access.Action.Code());
                if (access.ResourceType is { } resourceType) json.WriteString(Names.ResourceType, resourceType);
                if (access.ResourceId is { } resourceId) json.WriteString(Names.ResourceId, resourceId);
                json.WriteString(Names.Workstation, access.Workstation);
                json.WriteString(Names.SourceIp, access.SourceIp);
                json.WriteString(Names.Outcome, access.Success ? "success" : "failure");
                break;
        }

        json.WriteEndObject();
    }

    private static void WriteAdt(Utf8JsonWriter json, AdtEvent adt)
    {
        if (adt.Kind is AdtKind.Admit or AdtKind.Register or AdtKind.Update && adt.Demographics is { } d)
        {
            json.WriteStartObject(Names.Patient);
            json.WriteString(Names.GivenName, d.GivenName);
            json.WriteString(Names.FamilyName, d.FamilyName);
            json.WriteString(Names.BirthDate, d.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString(Names.Sex, d.Sex.Code());
            json.WriteString(Names.Race, d.Race.Code());
            json.WriteString(Names.Ethnicity, d.Ethnicity.Code());
            json.WriteString(Names.MaritalStatus, d.MaritalStatus.Code());
            json.WriteString(Names.Language, d.Language);
            json.WriteString(Names.Phone, d.Phone);
            json.WriteString(Names.Ssn, d.Ssn);
            json.WriteStartObject(Names.Address);
            json.WriteString(Names.Line1, d.Address.Line1);
            json.WriteString(Names.City, d.Address.City);
            json.WriteString(Names.State, d.Address.State);
            json.WriteString(Names.PostalCode, d.Address.PostalCode);
            json.WriteString(Names.Country, d.Address.Country);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        if (adt.Kind != AdtKind.Update && adt.Encounter is { } enc)
        {
            json.WriteStartObject(Names.Encounter);
            json.WriteString(Names.EncounterId, enc.EncounterId);
            json.WriteString(Names.Class, enc.Class.Code());
            json.WriteString(Names.FacilityId, enc.FacilityId);
            json.WriteString(Names.Unit, enc.Location.Unit);
            json.WriteString(Names.Room, enc.Location.Room);
            json.WriteString(Names.Bed, enc.Location.Bed);
            json.WriteString(Names.AdmitSource, enc.AdmitSource);
            json.WriteString(Names.AdmittedAt, enc.AdmittedAt);
            if (adt.Kind == AdtKind.Discharge)
            {
                if (enc.DischargedAt is { } dischargedAt) json.WriteString(Names.DischargedAt, dischargedAt);
                if (enc.Disposition is { } disposition) json.WriteString(Names.DischargeDisposition, disposition.Code());
            }

            json.WriteString(Names.AttendingProviderId, enc.AttendingProviderId);
            json.WriteEndObject();
        }

        if (adt.Kind == AdtKind.Transfer && adt.From is { } from && adt.To is { } to)
        {
            WriteLocation(json, "from", from);
            WriteLocation(json, "to", to);
        }
    }

    private static void WriteLocation(Utf8JsonWriter json, string name, BedLocation location)
    {
        json.WriteStartObject(name);
        json.WriteString(Names.Unit, location.Unit);
        json.WriteString(Names.Room, location.Room);
        json.WriteString(Names.Bed, location.Bed);
        json.WriteEndObject();
    }

    /// <summary>The sending system of each feed: ADT, coding and audit from the EHR, labs from the LIS, vitals from the device gateway.</summary>
    public static string SourceSystem(HospitalEvent e, string facilityId) => e switch
    {
        LabResultEvent => facilityId + "-LIS",
        VitalSignsEvent => facilityId + "-VITALS",
        EhrAccessEvent => facilityId + "-EHR-AUDIT",
        _ => facilityId + "-EHR",
    };

    /// <summary>Property names encoded once: writing them is then a copy.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText AbnormalFlag = JsonEncodedText.Encode("abnormal_flag");
        public static readonly JsonEncodedText Action = JsonEncodedText.Encode("action");
        public static readonly JsonEncodedText Address = JsonEncodedText.Encode("address");
        public static readonly JsonEncodedText AdmitSource = JsonEncodedText.Encode("admit_source");
        public static readonly JsonEncodedText AdmittedAt = JsonEncodedText.Encode("admitted_at");
        public static readonly JsonEncodedText AttendingProviderId = JsonEncodedText.Encode("attending_provider_id");
        public static readonly JsonEncodedText Bed = JsonEncodedText.Encode("bed");
        public static readonly JsonEncodedText BirthDate = JsonEncodedText.Encode("birth_date");
        public static readonly JsonEncodedText City = JsonEncodedText.Encode("city");
        public static readonly JsonEncodedText Class = JsonEncodedText.Encode("class");
        public static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
        public static readonly JsonEncodedText CodeSystem = JsonEncodedText.Encode("code_system");
        public static readonly JsonEncodedText Consciousness = JsonEncodedText.Encode("consciousness");
        public static readonly JsonEncodedText Country = JsonEncodedText.Encode("country");
        public static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
        public static readonly JsonEncodedText DeviceId = JsonEncodedText.Encode("device_id");
        public static readonly JsonEncodedText DiagnosedAt = JsonEncodedText.Encode("diagnosed_at");
        public static readonly JsonEncodedText DiastolicBp = JsonEncodedText.Encode("diastolic_bp");
        public static readonly JsonEncodedText DischargeDisposition = JsonEncodedText.Encode("discharge_disposition");
        public static readonly JsonEncodedText DischargedAt = JsonEncodedText.Encode("discharged_at");
        public static readonly JsonEncodedText Encounter = JsonEncodedText.Encode("encounter");
        public static readonly JsonEncodedText EncounterId = JsonEncodedText.Encode("encounter_id");
        public static readonly JsonEncodedText Ethnicity = JsonEncodedText.Encode("ethnicity");
        public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");
        public static readonly JsonEncodedText EventType = JsonEncodedText.Encode("event_type");
        public static readonly JsonEncodedText FacilityId = JsonEncodedText.Encode("facility_id");
        public static readonly JsonEncodedText FamilyName = JsonEncodedText.Encode("family_name");
        public static readonly JsonEncodedText GivenName = JsonEncodedText.Encode("given_name");
        public static readonly JsonEncodedText HeartRate = JsonEncodedText.Encode("heart_rate");
        public static readonly JsonEncodedText Language = JsonEncodedText.Encode("language");
        public static readonly JsonEncodedText Line1 = JsonEncodedText.Encode("line1");
        public static readonly JsonEncodedText LoincCode = JsonEncodedText.Encode("loinc_code");
        public static readonly JsonEncodedText MaritalStatus = JsonEncodedText.Encode("marital_status");
        public static readonly JsonEncodedText MeasuredAt = JsonEncodedText.Encode("measured_at");
        public static readonly JsonEncodedText OccurredAt = JsonEncodedText.Encode("occurred_at");
        public static readonly JsonEncodedText OnSupplementalOxygen = JsonEncodedText.Encode("on_supplemental_oxygen");
        public static readonly JsonEncodedText Outcome = JsonEncodedText.Encode("outcome");
        public static readonly JsonEncodedText Patient = JsonEncodedText.Encode("patient");
        public static readonly JsonEncodedText PatientId = JsonEncodedText.Encode("patient_id");
        public static readonly JsonEncodedText PerformedAt = JsonEncodedText.Encode("performed_at");
        public static readonly JsonEncodedText PerformedEndAt = JsonEncodedText.Encode("performed_end_at");
        public static readonly JsonEncodedText Phone = JsonEncodedText.Encode("phone");
        public static readonly JsonEncodedText PostalCode = JsonEncodedText.Encode("postal_code");
        public static readonly JsonEncodedText PresentOnAdmission = JsonEncodedText.Encode("present_on_admission");
        public static readonly JsonEncodedText Race = JsonEncodedText.Encode("race");
        public static readonly JsonEncodedText Rank = JsonEncodedText.Encode("rank");
        public static readonly JsonEncodedText ReferenceHigh = JsonEncodedText.Encode("reference_high");
        public static readonly JsonEncodedText ReferenceLow = JsonEncodedText.Encode("reference_low");
        public static readonly JsonEncodedText ResourceId = JsonEncodedText.Encode("resource_id");
        public static readonly JsonEncodedText ResourceType = JsonEncodedText.Encode("resource_type");
        public static readonly JsonEncodedText RespiratoryRate = JsonEncodedText.Encode("respiratory_rate");
        public static readonly JsonEncodedText ResultedAt = JsonEncodedText.Encode("resulted_at");
        public static readonly JsonEncodedText Room = JsonEncodedText.Encode("room");
        public static readonly JsonEncodedText SchemaVersion = JsonEncodedText.Encode("schema_version");
        public static readonly JsonEncodedText Sex = JsonEncodedText.Encode("sex");
        public static readonly JsonEncodedText SourceIp = JsonEncodedText.Encode("source_ip");
        public static readonly JsonEncodedText SourceSystem = JsonEncodedText.Encode("source_system");
        public static readonly JsonEncodedText SpecimenCollectedAt = JsonEncodedText.Encode("specimen_collected_at");
        public static readonly JsonEncodedText Spo2 = JsonEncodedText.Encode("spo2");
        public static readonly JsonEncodedText Spo2Scale = JsonEncodedText.Encode("spo2_scale");
        public static readonly JsonEncodedText Ssn = JsonEncodedText.Encode("ssn");
        public static readonly JsonEncodedText State = JsonEncodedText.Encode("state");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
        public static readonly JsonEncodedText SystolicBp = JsonEncodedText.Encode("systolic_bp");
        public static readonly JsonEncodedText Temperature = JsonEncodedText.Encode("temperature");
        public static readonly JsonEncodedText TemperatureUnit = JsonEncodedText.Encode("temperature_unit");
        public static readonly JsonEncodedText TestName = JsonEncodedText.Encode("test_name");
        public static readonly JsonEncodedText Unit = JsonEncodedText.Encode("unit");
        public static readonly JsonEncodedText UserId = JsonEncodedText.Encode("user_id");
        public static readonly JsonEncodedText UserRole = JsonEncodedText.Encode("user_role");
        public static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
        public static readonly JsonEncodedText Workstation = JsonEncodedText.Encode("workstation");
    }
}
