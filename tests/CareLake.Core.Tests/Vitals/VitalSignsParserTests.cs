using System.Text;
using System.Text.Json.Nodes;
using CareLake.Core.Contracts;
using CareLake.Core.Parsing;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;

namespace CareLake.Core.Tests.Vitals;

public class VitalSignsParserTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly VitalSignsParser _parser = new();

    // The example of reference/event-contracts.md.
    internal const string ContractExample =
        """
        {"event_id":"vs-000001","event_type":"vital_signs","schema_version":1,
         "occurred_at":"2026-11-02T08:15:00Z","patient_id":"MRN0001234",
         "encounter_id":"ENC778","device_id":"MON-4B-07","measured_at":"2026-11-02T08:15:00Z",
         "heart_rate":118,"respiratory_rate":24,"spo2":93,"spo2_scale":1,
         "on_supplemental_oxygen":true,"systolic_bp":98,"diastolic_bp":60,
         "temperature":38.4,"temperature_unit":"Cel","consciousness":"A"}
        """;

    [Fact]
    public void Contract_example_parses_into_typed_values()
    {
        var result = Parse(ContractExample);

        Assert.True(result.IsSuccess, result.Rejection?.Message);
        var v = result.Value!;
        Assert.Equal(("vs-000001", "MRN0001234", "ENC778", "MON-4B-07"), (v.EventId, v.PatientId, v.EncounterId, v.DeviceId));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 8, 15, 0, TimeSpan.Zero), v.MeasuredAt);
        Assert.Equal((118m, 24m, 93m, 1, true), (v.HeartRate, v.RespiratoryRate, v.Spo2, v.Spo2Scale, v.OnSupplementalOxygen));
        Assert.Equal((98m, 60m, 38.4m, TemperatureUnit.Celsius), (v.SystolicBp, v.DiastolicBp, v.TemperatureCelsius, v.TemperatureUnitReceived));
        Assert.Equal(Consciousness.Alert, v.Consciousness);
        Assert.Equal(11, News2.Score(v.News2Input).Total);
    }

    [Theory]
    [InlineData("[degF]", "101.3", "38.50")]
    [InlineData("F", "98.6", "37.00")]
    [InlineData(null, "98.6", "37.00")] // unlabelled 70–120 is read as °F (clinical.md §10)
    [InlineData(null, "37.2", "37.2")]
    [InlineData("Cel", "36.5", "36.5")]
    public void Temperature_is_normalised_to_celsius(string? unit, string value, string expectedCelsius)
    {
        var json = With(ContractExample, o =>
        {
            o["temperature"] = JsonNode.Parse(value);
            if (unit is null) o.Remove("temperature_unit");
            else o["temperature_unit"] = unit;
        });

        var result = Parse(json);

        Assert.True(result.IsSuccess, result.Rejection?.Message);
        Assert.Equal(decimal.Parse(expectedCelsius, System.Globalization.CultureInfo.InvariantCulture), result.Value!.TemperatureCelsius);
    }

    [Fact]
    public void Unlabelled_fahrenheit_is_marked_as_inferred()
    {
        var result = Parse(With(ContractExample, o => { o["temperature"] = 100.4; o.Remove("temperature_unit"); }));
        Assert.Equal(TemperatureUnit.FahrenheitInferred, result.Value!.TemperatureUnitReceived);
        Assert.Equal(38.0m, result.Value.TemperatureCelsius);
    }

    [Fact]
    public void Scale_defaults_to_1_and_missing_parameters_stay_null()
    {
        var result = Parse("""{"event_id":"e","event_type":"vital_signs","schema_version":1,"occurred_at":"2026-11-02T08:15:00+01:00","patient_id":"p","measured_at":"2026-11-02T08:15:00.123456789-05:00","heart_rate":80}""");

        Assert.True(result.IsSuccess, result.Rejection?.Message);
        Assert.Equal(1, result.Value!.Spo2Scale);
        Assert.Null(result.Value.Spo2);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 13, 15, 0, 123, TimeSpan.Zero).AddTicks(4567), result.Value.MeasuredAt.ToUniversalTime());
    }

    public static TheoryData<string, string, string?> BadRecords => new()
    {
        { "not json at all", "malformed_json", null },
        { "{\"event_id\":\"e1\",", "malformed_json", null },
        { "[1,2,3]", "not_an_object", null },
        { "\"vital_signs\"", "not_an_object", null },
        { With(ContractExample, o => o.Remove("event_id")), "missing_field", "event_id" },
        { With(ContractExample, o => o.Remove("patient_id")), "missing_field", "patient_id" },
        { With(ContractExample, o => o.Remove("measured_at")), "missing_field", "measured_at" },
        { With(ContractExample, o => o.Remove("occurred_at")), "missing_field", "occurred_at" },
        { With(ContractExample, o => o["event_id"] = ""), "invalid_value", "event_id" },
        { With(ContractExample, o => o["event_id"] = new string('x', 129)), "invalid_value", "event_id" },
        { With(ContractExample, o => o["patient_id"] = new string('x', 65)), "invalid_value", "patient_id" },
        { With(ContractExample, o => o["event_id"] = 42), "wrong_type", "event_id" },
        { With(ContractExample, o => o["heart_rate"] = "118"), "wrong_type", "heart_rate" },
        { With(ContractExample, o => o["on_supplemental_oxygen"] = "yes"), "wrong_type", "on_supplemental_oxygen" },
        { With(ContractExample, o => o["schema_version"] = "1"), "wrong_type", "schema_version" },
        { With(ContractExample, o => o["schema_version"] = 2), "unsupported_schema_version", "schema_version" },
        { With(ContractExample, o => o["event_type"] = "vitals_v9"), "unknown_event_type", "event_type" },
        { With(ContractExample, o => o["event_type"] = "admit"), "wrong_topic", "event_type" },
        { With(ContractExample, o => o["measured_at"] = "2026-11-02 08:15"), "invalid_value", "measured_at" },
        { With(ContractExample, o => o["measured_at"] = "2026-11-02T08:15:00"), "invalid_value", "measured_at" },
        { With(ContractExample, o => o["measured_at"] = "2026-13-45T08:15:00Z"), "invalid_value", "measured_at" },
        { With(ContractExample, o => o["consciousness"] = "alert"), "invalid_value", "consciousness" },
        { With(ContractExample, o => o["spo2_scale"] = 3), "invalid_value", "spo2_scale" },
        { With(ContractExample, o => o["temperature_unit"] = "K"), "invalid_value", "temperature_unit" },
        { With(ContractExample, o => o["heart_rate"] = 400), "implausible_value", "heart_rate" },
        { With(ContractExample, o => o["heart_rate"] = 0), "implausible_value", "heart_rate" },
        { With(ContractExample, o => o["respiratory_rate"] = 0), "implausible_value", "respiratory_rate" },
        { With(ContractExample, o => o["spo2"] = 101), "implausible_value", "spo2" },
        { With(ContractExample, o => o["spo2"] = 12), "implausible_value", "spo2" },
        { With(ContractExample, o => o["systolic_bp"] = 20), "implausible_value", "systolic_bp" },
        { With(ContractExample, o => o["diastolic_bp"] = 250), "implausible_value", "diastolic_bp" },
        { With(ContractExample, o => o["temperature"] = 98.6), "implausible_value", "temperature" }, // labelled Cel
        { With(ContractExample, o => { o["temperature"] = 130; o["temperature_unit"] = "[degF]"; }), "implausible_value", "temperature" },
        { With(ContractExample, o => o["diastolic_bp"] = 98), "inconsistent_values", "diastolic_bp" },
        { With(ContractExample, o => o["measured_at"] = "2026-11-04T08:15:00Z"), "timestamp_in_future", "measured_at" },
        {
            """{"event_id":"e","event_type":"vital_signs","schema_version":1,"occurred_at":"2026-11-02T08:15:00Z","patient_id":"p","measured_at":"2026-11-02T08:15:00Z","device_id":"d"}""",
            "no_measurements", null
        },
        {
            """{"event_id":"e","event_type":"vital_signs","schema_version":1,"occurred_at":"2026-11-02T08:15:00Z","patient_id":"p","measured_at":"2026-11-02T08:15:00Z","spo2":99,"spo2":80}""",
            "malformed_json", "spo2"
        },
        { ContractExample.Replace("\"spo2\":93", "\"spo2\":93,\"sp\\u006f2\":80", StringComparison.Ordinal), "malformed_json", "spo2" }, // the same name, escaped
        { ContractExample.Replace("\"device_id\"", "\"extra\":{\"a\":1,\"a\":2},\"device_id\"", StringComparison.Ordinal), "malformed_json", "a" },
        { ContractExample.Replace("\"device_id\"", "\"extra\":[{\"a\":1},{\"b\":1,\"b\":2}],\"device_id\"", StringComparison.Ordinal), "malformed_json", "b" },
        { With(ContractExample, o => { for (var i = 0; i < 40; i++) o[$"x{i}"] = i; }).Replace("\"x39\"", "\"x3\"", StringComparison.Ordinal), "malformed_json", "x3" }, // a large object
        { With(ContractExample, o => o["heart_rate"] = JsonNode.Parse("1e400")), "implausible_value", "heart_rate" },
        { ContractExample.Replace("MRN0001234", "MRN\\u0000X", StringComparison.Ordinal), "invalid_value", "patient_id" },
        { ContractExample.Replace("vs-000001", "vs-\\ud800", StringComparison.Ordinal), "invalid_value", "event_id" },
    };

    [Fact]
    public void A_repeated_name_is_rejected_with_the_records_event_id()
    {
        var result = Parse(ContractExample.Replace("\"spo2\":93", "\"spo2\":93,\"spo2\":80", StringComparison.Ordinal));

        Assert.Equal(("malformed_json", "spo2", "vs-000001"), (result.Rejection!.Code, result.Rejection.Field, result.Rejection.EventId));
        Assert.Null(Parse(ContractExample.Replace("\"event_id\":\"vs-000001\"", "\"event_id\":\"a\",\"event_id\":\"b\"", StringComparison.Ordinal)).Rejection!.EventId);
    }

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void Bad_records_are_rejected_with_a_reason(string json, string reason, string? field)
    {
        var result = Parse(json);

        Assert.False(result.IsSuccess);
        Assert.Equal(reason, result.Rejection!.Code);
        Assert.Equal(field, result.Rejection.Field);
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection.Message));
    }

    [Fact]
    public void Rejections_carry_the_event_id_when_it_was_readable()
    {
        var result = Parse(With(ContractExample, o => o["heart_rate"] = 999));
        Assert.Equal("vs-000001", result.Rejection!.EventId);
    }

    [Fact]
    public void Invalid_utf8_is_rejected_before_parsing()
    {
        var bytes = Encoding.UTF8.GetBytes(ContractExample).Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        var result = _parser.Parse(bytes, ReceivedAt);
        Assert.Equal("invalid_utf8", result.Rejection!.Code);

        var inString = Encoding.UTF8.GetBytes(ContractExample.Replace("MON-4B-07", "MON-\u00ff", StringComparison.Ordinal));
        inString[Array.IndexOf(inString, (byte)0xC3)] = 0xFF;
        Assert.Equal("invalid_utf8", _parser.Parse(inString, ReceivedAt).Rejection!.Code);
    }

    [Fact]
    public void Oversized_payloads_are_rejected_without_parsing()
    {
        var huge = Encoding.UTF8.GetBytes(With(ContractExample, o => o["note"] = new string('x', 5 * 1024 * 1024)));
        var result = _parser.Parse(huge, ReceivedAt);
        Assert.Equal("payload_too_large", result.Rejection!.Code);
        Assert.Contains("5,", result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var result = Parse(With(ContractExample, o => o["ward_colour"] = "blue"));
        Assert.True(result.IsSuccess);
    }

    [Fact]
    public void Limits_are_configurable()
    {
        var strict = new VitalSignsParser(PlausibilityLimits.Adult with { HeartRate = new PlausibleRange(30, 200) });
        var result = strict.Parse(Encoding.UTF8.GetBytes(ContractExample.Replace("\"heart_rate\":118", "\"heart_rate\":210", StringComparison.Ordinal)), ReceivedAt);
        Assert.Equal("implausible_value", result.Rejection!.Code);
    }

    private ParseResult<VitalSigns> Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json), ReceivedAt);

    internal static string With(string json, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }
}
