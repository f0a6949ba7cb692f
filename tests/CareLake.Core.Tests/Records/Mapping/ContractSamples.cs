using System.Text.Json.Nodes;

namespace CareLake.Core.Tests.Records.Mapping;

/// <summary>One valid event of every contract type, and a way to damage one field of it.</summary>
internal static class ContractSamples
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 2, 20, 0, 0, TimeSpan.Zero);

    public const string Admit =
        """
        {"event_id":"adt-0001","event_type":"admit","schema_version":1,"occurred_at":"2026-11-02T08:00:00-05:00",
         "patient_id":"MRN0001234","encounter_id":"ENC778","source_system":"FAC1-EHR",
         "patient":{"given_name":"Ada","family_name":"Byron","birth_date":"1950-12-10","sex":"female","race":"white",
          "ethnicity":"non_hispanic","marital_status":"M","language":"en","phone":"555-0100","ssn":"999-00-1234",
          "address":{"line1":"1 Main St","city":"Springfield","state":"IL","postal_code":"62701","country":"US"}},
         "encounter":{"encounter_id":"ENC778","class":"inpatient","facility_id":"FAC1","unit":"4B","room":"412","bed":"A",
          "admit_source":"emergency","admitted_at":"2026-11-02T07:55:00-05:00","attending_provider_id":"PRV-9"}}
        """;

    public const string Transfer =
        """
        {"event_id":"adt-0002","event_type":"transfer","schema_version":1,"occurred_at":"2026-11-02T11:00:00-05:00",
         "patient_id":"MRN0001234","encounter_id":"ENC778","source_system":"FAC1-EHR",
         "encounter":{"encounter_id":"ENC778","class":"inpatient","facility_id":"FAC1","unit":"4B","room":"412","bed":"A",
          "admitted_at":"2026-11-02T07:55:00-05:00","attending_provider_id":"PRV-9"},
         "from":{"unit":"4B","room":"412","bed":"A"},"to":{"unit":"ICU","room":"2","bed":"1"}}
        """;

    public const string Discharge =
        """
        {"event_id":"adt-0003","event_type":"discharge","schema_version":1,"occurred_at":"2026-11-02T14:00:00-05:00",
         "patient_id":"MRN0001234","encounter_id":"ENC778","source_system":"FAC1-EHR",
         "encounter":{"encounter_id":"ENC778","class":"inpatient","facility_id":"FAC1","unit":"ICU","room":"2","bed":"1",
          "admitted_at":"2026-11-02T07:55:00-05:00","discharged_at":"2026-11-02T13:50:00-05:00",
          "discharge_disposition":"home_health","attending_provider_id":"PRV-9"}}
        """;

    public const string Update =
        """
        {"event_id":"adt-0004","event_type":"update","schema_version":1,"occurred_at":"2026-11-02T09:00:00-05:00",
         "patient_id":"MRN0001234","source_system":"FAC1-EHR",
         "patient":{"given_name":"Ada","family_name":"King","birth_date":"1950-12-10","sex":"female"}}
        """;

    public const string Diagnosis =
        """
        {"event_id":"dx-0001","event_type":"diagnosis","schema_version":1,"occurred_at":"2026-11-02T10:00:00Z",
         "patient_id":"MRN0001234","encounter_id":"ENC778","source_system":"FAC1-EHR","code_system":"ICD-10-CM",
         "code":"I50.9","description":"Heart failure, unspecified","rank":1,"present_on_admission":"Y",
         "diagnosed_at":"2026-11-02T09:45:00Z"}
        """;

    public const string Procedure =
        """
        {"event_id":"px-0001","event_type":"procedure","schema_version":1,"occurred_at":"2026-11-02T12:00:00Z",
         "patient_id":"MRN0001234","encounter_id":"ENC778","code_system":"SNOMED-CT","code":"40701008",
         "description":"Echocardiography","performed_at":"2026-11-02T11:00:00Z","performed_end_at":"2026-11-02T11:40:00Z",
         "status":"completed"}
        """;

    public const string LabResult =
        """
        {"event_id":"lab-0001","event_type":"lab_result","schema_version":1,"occurred_at":"2026-11-02T10:30:00Z",
         "patient_id":"MRN0001234","encounter_id":"ENC778","source_system":"FAC1-LIS","loinc_code":"2823-3",
         "test_name":"Potassium","value":5.9,"unit":"mmol/L","reference_low":3.5,"reference_high":5.1,
         "abnormal_flag":"H","specimen_collected_at":"2026-11-02T09:50:00Z","resulted_at":"2026-11-02T10:25:00Z",
         "status":"final"}
        """;

    public const string EhrAccess =
        """
        {"event_id":"audit-0001","event_type":"ehr_access","schema_version":1,"occurred_at":"2026-11-02T10:31:00Z",
         "patient_id":"MRN0001234","source_system":"FAC1-EHR-AUDIT","user_id":"u-nurse-17","user_role":"nurse",
         "action":"view","resource_type":"lab_result","resource_id":"lab-0001","workstation":"WS-4B-02",
         "source_ip":"10.1.4.22","outcome":"success"}
        """;

    /// <summary>The example of reference/event-contracts.md.</summary>
    public const string VitalSignsExample =
        """
        {"event_id":"vs-000001","event_type":"vital_signs","schema_version":1,
         "occurred_at":"2026-11-02T08:15:00Z","patient_id":"MRN0001234",
         "encounter_id":"ENC778","device_id":"MON-4B-07","measured_at":"2026-11-02T08:15:00Z",
         "heart_rate":118,"respiratory_rate":24,"spo2":93,"spo2_scale":1,
         "on_supplemental_oxygen":true,"systolic_bp":98,"diastolic_bp":60,
         "temperature":38.4,"temperature_unit":"Cel","consciousness":"A"}
        """;

    public static IReadOnlyDictionary<string, string> ByName { get; } = new Dictionary<string, string>
    {
        ["admit"] = Admit,
        ["transfer"] = Transfer,
        ["discharge"] = Discharge,
        ["update"] = Update,
        ["diagnosis"] = Diagnosis,
        ["procedure"] = Procedure,
        ["lab_result"] = LabResult,
        ["ehr_access"] = EhrAccess,
        ["vital_signs"] = VitalSignsExample,
    };

    /// <summary>The sample with <paramref name="path"/> (dotted, e.g. <c>patient.address.city</c>) set to a JSON value, or removed when null.</summary>
    public static string WithField(string json, string path, string? jsonValue)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var names = path.Split('.');
        var parent = root;
        foreach (var name in names[..^1])
        {
            parent = parent[name]!.AsObject();
        }

        if (jsonValue is null) parent.Remove(names[^1]);
        else parent[names[^1]] = JsonNode.Parse(jsonValue);
        return root.ToJsonString();
    }

    public static string With(string json, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        edit(root);
        return root.ToJsonString();
    }
}
