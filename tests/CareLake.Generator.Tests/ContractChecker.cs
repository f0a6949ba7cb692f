using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CareLake.Core.Contracts;
using CareLake.Core.Vitals;

namespace CareLake.Generator.Tests;

/// <summary>
/// Checks a message against reference/event-contracts.md, field by field: names, JSON types, enumerations,
/// RFC 3339 timestamps with an offset. Vital-sign sets go through the core's <see cref="VitalSignsParser"/>.
/// Returns the problems found (none for a valid message).
/// </summary>
internal static partial class ContractChecker
{
    private static readonly VitalSignsParser VitalsParser = new();
    private static readonly string[] Sexes = ["female", "male", "other", "unknown"];
    private static readonly string[] Classes = ["inpatient", "emergency", "observation", "outpatient"];
    private static readonly string[] Dispositions = ["home", "home_health", "snf", "rehab", "transfer", "ama", "expired", "hospice", "other"];
    private static readonly string[] Poa = ["Y", "N", "U", "W"];
    private static readonly string[] Flags = ["N", "L", "H", "LL", "HH", "A"];
    private static readonly string[] LabStatuses = ["final", "preliminary", "corrected", "cancelled"];
    private static readonly string[] Actions = ["view", "create", "update", "delete", "print", "export", "login", "logout", "break_glass"];
    private static readonly string[] Outcomes = ["success", "failure"];
    private static readonly string[] ProcedureSystems = ["SNOMED-CT", "ICD-10-PCS", "CPT"];
    private static readonly string[] ProcedureStatuses = ["completed", "in-progress", "not-done", "entered-in-error"];

    public static List<string> Check(string topic, ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt)
    {
        var problems = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            problems.Add("malformed_json: " + e.Message);
            return problems;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add("not an object");
                return problems;
            }

            var p = new Problems(problems);
            var eventType = p.String(root, "event_type", required: true);
            p.String(root, "event_id", required: true, maxLength: 128);
            p.Integer(root, "schema_version", required: true, exactly: 1);
            p.Timestamp(root, "occurred_at", required: true);
            p.String(root, "patient_id", required: eventType != EventTypes.EhrAccess, maxLength: 64);
            p.String(root, "encounter_id", required: false);
            p.String(root, "source_system", required: false);
            if (eventType is not null && EventTypes.TopicOf(eventType) != topic) problems.Add($"wrong_topic: {eventType} on {topic}");
            switch (eventType)
            {
                case "admit" or "register" or "transfer" or "discharge" or "update" or "cancel_admit" or "cancel_discharge":
                    CheckAdt(p, root, eventType);
                    break;
                case EventTypes.Diagnosis:
                    p.String(root, "encounter_id", required: true);
                    if (p.String(root, "code_system", required: true) is { } system && system != "ICD-10-CM") problems.Add("invalid_value: code_system " + system);
                    if (p.String(root, "code", required: true) is { } code && !IcdCode().IsMatch(code)) problems.Add("invalid_value: code " + code);
                    p.String(root, "description", required: true);
                    if (p.Integer(root, "rank", required: true) is < 1) problems.Add("invalid_value: rank");
                    p.OneOf(root, "present_on_admission", Poa, required: true);
                    p.Timestamp(root, "diagnosed_at", required: true);
                    break;
                case EventTypes.Procedure:
                    CheckProcedure(p, root);
                    break;
                case EventTypes.LabResult:
                    p.String(root, "encounter_id", required: true);
                    if (p.String(root, "loinc_code", required: true) is { } loinc && !LoincCode().IsMatch(loinc)) problems.Add("invalid_value: loinc_code " + loinc);
                    p.String(root, "test_name", required: true);
                    if (!root.TryGetProperty("value", out var value) || value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String)) problems.Add("wrong_type: value");
                    p.String(root, "unit", required: true);
                    p.Number(root, "reference_low", required: true);
                    p.Number(root, "reference_high", required: true);
                    p.OneOf(root, "abnormal_flag", Flags, required: true);
                    p.Timestamp(root, "specimen_collected_at", required: true);
                    p.Timestamp(root, "resulted_at", required: true);
                    p.OneOf(root, "status", LabStatuses, required: true);
                    break;
                case EventTypes.VitalSigns:
                    var parsed = VitalsParser.Parse(payload, receivedAt);
                    if (!parsed.IsSuccess) problems.Add($"{parsed.Rejection!.Code}: {parsed.Rejection.Message}");
                    p.String(root, "encounter_id", required: true);
                    p.String(root, "device_id", required: true);
                    break;
                case EventTypes.EhrAccess:
                    p.String(root, "user_id", required: true);
                    p.String(root, "user_role", required: true);
                    p.OneOf(root, "action", Actions, required: true);
                    p.String(root, "resource_type", required: false);
                    p.String(root, "resource_id", required: false);
                    p.String(root, "workstation", required: true);
                    p.String(root, "source_ip", required: true);
                    p.OneOf(root, "outcome", Outcomes, required: true);
                    break;
                case null:
                    break;
                default:
                    problems.Add("unknown_event_type: " + eventType);
                    break;
            }
        }

        return problems;
    }

    private static void CheckProcedure(Problems p, JsonElement root)
    {
        p.String(root, "encounter_id", required: true);
        p.OneOf(root, "code_system", ProcedureSystems, required: true);
        var system = root.TryGetProperty("code_system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (p.String(root, "code", required: true) is { } code)
        {
            var shaped = system switch
            {
                "SNOMED-CT" => SnomedId().IsMatch(code),
                "ICD-10-PCS" => PcsCode().IsMatch(code),
                "CPT" => CptCode().IsMatch(code),
                _ => true,
            };
            if (!shaped) p.Add($"invalid_value: code {code} for {system}");
        }

        p.String(root, "description", required: true);
        var start = p.Timestamp(root, "performed_at", required: true);
        var end = p.Timestamp(root, "performed_end_at", required: false);
        if (start is { } performed && end is { } ended && ended < performed) p.Add("inconsistent: performed_end_at before performed_at");
        p.OneOf(root, "status", ProcedureStatuses, required: true);
    }

    private static void CheckAdt(Problems p, JsonElement root, string eventType)
    {
        if (eventType is "admit" or "register" or "update")
        {
            if (p.Object(root, "patient", required: true) is { } patient)
            {
                foreach (var name in new[] { "given_name", "family_name", "race", "ethnicity", "marital_status", "language", "phone" }) p.String(patient, name, required: true);
                p.String(patient, "ssn", required: false);
                if (p.String(patient, "birth_date", required: true) is { } birth && !DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    p.Add("invalid_value: birth_date " + birth);
                }

                p.OneOf(patient, "sex", Sexes, required: true);
                if (p.Object(patient, "address", required: true) is { } address)
                {
                    foreach (var name in new[] { "line1", "city", "state", "postal_code", "country" }) p.String(address, name, required: true);
                }
            }
        }

        if (eventType != "update" && p.Object(root, "encounter", required: true) is { } encounter)
        {
            foreach (var name in new[] { "encounter_id", "facility_id", "unit", "room", "bed", "admit_source", "attending_provider_id" }) p.String(encounter, name, required: true);
            p.OneOf(encounter, "class", Classes, required: true);
            p.Timestamp(encounter, "admitted_at", required: true);
            if (eventType == "discharge")
            {
                p.Timestamp(encounter, "discharged_at", required: true);
                p.OneOf(encounter, "discharge_disposition", Dispositions, required: true);
            }

            if (root.TryGetProperty("encounter_id", out var top) && encounter.TryGetProperty("encounter_id", out var inner) && top.GetString() != inner.GetString())
            {
                p.Add("inconsistent: encounter_id");
            }
        }

        if (eventType == "transfer")
        {
            foreach (var side in new[] { "from", "to" })
            {
                if (p.Object(root, side, required: true) is { } location)
                {
                    foreach (var name in new[] { "unit", "room", "bed" }) p.String(location, name, required: true);
                }
            }
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    public static partial Regex Rfc3339();

    [GeneratedRegex(@"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")]
    private static partial Regex IcdCode();

    [GeneratedRegex(@"^\d{1,7}-\d$")]
    private static partial Regex LoincCode();

    /// <summary>A SNOMED CT identifier: 6–18 digits, no leading zero.</summary>
    [GeneratedRegex(@"^[1-9]\d{5,17}$")]
    private static partial Regex SnomedId();

    /// <summary>ICD-10-PCS: seven characters of digits and letters other than I and O.</summary>
    [GeneratedRegex(@"^[0-9A-HJ-NP-Z]{7}$")]
    private static partial Regex PcsCode();

    [GeneratedRegex(@"^\d{4}[0-9A-Z]$")]
    private static partial Regex CptCode();

    private sealed class Problems(List<string> list)
    {
        public void Add(string problem) => list.Add(problem);

        public string? String(JsonElement obj, string name, bool required, int maxLength = int.MaxValue)
        {
            if (!Get(obj, name, required, out var v)) return null;
            if (v.ValueKind != JsonValueKind.String)
            {
                list.Add("wrong_type: " + name);
                return null;
            }

            var s = v.GetString()!;
            if (s.Length == 0 || s.Length > maxLength) list.Add("invalid_value: length of " + name);
            return s;
        }

        public long? Integer(JsonElement obj, string name, bool required, long? exactly = null)
        {
            if (!Get(obj, name, required, out var v)) return null;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
            {
                list.Add("wrong_type: " + name);
                return null;
            }

            if (exactly is { } e && n != e) list.Add($"invalid_value: {name} {n}");
            return n;
        }

        public void Number(JsonElement obj, string name, bool required)
        {
            if (Get(obj, name, required, out var v) && v.ValueKind != JsonValueKind.Number) list.Add("wrong_type: " + name);
        }

        public DateTimeOffset? Timestamp(JsonElement obj, string name, bool required)
        {
            if (String(obj, name, required) is not { } s) return null;
            if (Rfc3339().IsMatch(s)) return DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);
            list.Add($"invalid_value: {name} {s}");
            return null;
        }

        public void OneOf(JsonElement obj, string name, string[] allowed, bool required)
        {
            if (String(obj, name, required) is { } s && !allowed.Contains(s)) list.Add($"invalid_value: {name} {s}");
        }

        public JsonElement? Object(JsonElement obj, string name, bool required)
        {
            if (!Get(obj, name, required, out var v)) return null;
            if (v.ValueKind == JsonValueKind.Object) return v;
            list.Add("wrong_type: " + name);
            return null;
        }

        private bool Get(JsonElement obj, string name, bool required, out JsonElement value)
        {
            if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
            if (required) list.Add("missing_field: " + name);
            return false;
        }
    }
}
