using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CareLake.Core.Contracts;
using CareLake.Generator.Model;
using CareLake.Generator.Outputs;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.DirtyData;

/// <summary>
/// Damages clean messages at the configured rates. Each message gets at most one content defect (malformed JSON,
/// a missing required field, a wrong type, an implausible vital sign, or a °F temperature) and at most one delivery
/// defect (duplicate, late, out of order). Deterministic: draws come from their own stream, one per message.
/// </summary>
internal sealed class DirtyDataInjector(DirtyDataOptions options, ulong seed)
{
    private static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = ContractJson.WriterOptions.Encoder };
    private readonly DeterministicRandom _random = new(seed, RandomStreams.DirtyData);

    public DirtyDataKind DrawContentDefect(HospitalEvent e)
    {
        var roll = _random.NextDouble();
        var vitals = e is VitalSignsEvent;
        var threshold = options.MalformedJsonRate;
        if (roll < threshold) return DirtyDataKind.MalformedJson;
        if (roll < (threshold += options.MissingFieldRate)) return DirtyDataKind.MissingField;
        if (roll < (threshold += options.WrongTypeRate)) return DirtyDataKind.WrongType;
        if (vitals && roll < (threshold += options.ImplausibleValueRate)) return DirtyDataKind.ImplausibleValue;
        if (e is VitalSignsEvent { TemperatureCelsius: not null } && roll < threshold + options.FahrenheitRate) return DirtyDataKind.Fahrenheit;
        return DirtyDataKind.None;
    }

    public DirtyDataKind DrawDeliveryDefect()
    {
        var roll = _random.NextDouble();
        if (roll < options.DuplicateRate) return DirtyDataKind.Duplicate;
        if (roll < options.DuplicateRate + options.LateRate) return DirtyDataKind.Late;
        if (roll < options.DuplicateRate + options.LateRate + options.OutOfOrderRate) return DirtyDataKind.OutOfOrder;
        return DirtyDataKind.None;
    }

    public TimeSpan LateBy() => TimeSpan.FromMinutes(_random.Uniform(10, Math.Max(11, options.MaxLateness.TotalMinutes)));

    public TimeSpan DuplicateDelay() => _random.Chance(0.5) ? TimeSpan.Zero : TimeSpan.FromSeconds(_random.Uniform(5, 1800));

    public byte[] Damage(byte[] clean, HospitalEvent e, DirtyDataKind kind) => kind switch
    {
        DirtyDataKind.MalformedJson => Malform(clean),
        DirtyDataKind.MissingField => Edit(clean, o => o.Remove(_random.Pick(RequiredFields(e)))),
        DirtyDataKind.WrongType => Edit(clean, o => WrongType(o, e)),
        DirtyDataKind.ImplausibleValue => Edit(clean, Implausible),
        DirtyDataKind.Fahrenheit => Edit(clean, Fahrenheit),
        _ => clean,
    };

    private byte[] Malform(byte[] clean)
    {
        switch (_random.Next(3))
        {
            case 0:
                // Truncated in transit.
                return clean[..Math.Max(1, (int)(clean.Length * _random.Uniform(0.3, 0.9)))];
            case 1:
                // Closing brace lost.
                return clean[..^1];
            default:
                // A stray byte where a key/value separator belongs.
                var copy = (byte[])clean.Clone();
                var separator = copy.AsSpan(copy.Length / 3).IndexOf("\":"u8);
                if (separator < 0) return clean[..^1];
                copy[copy.Length / 3 + separator + 1] = (byte)';';
                return copy;
        }
    }

    private static IReadOnlyList<string> RequiredFields(HospitalEvent e) => e switch
    {
        VitalSignsEvent => ["event_id", "event_type", "schema_version", "occurred_at", "patient_id", "measured_at"],
        DiagnosisEvent => ["event_id", "event_type", "occurred_at", "patient_id", "encounter_id", "code"],
        ProcedureEvent => ["event_id", "event_type", "occurred_at", "patient_id", "encounter_id", "code", "performed_at"],
        LabResultEvent => ["event_id", "event_type", "occurred_at", "patient_id", "loinc_code"],
        AdtEvent { Kind: AdtKind.Admit or AdtKind.Register or AdtKind.Update } => ["event_id", "occurred_at", "patient_id", "patient"],
        AdtEvent => ["event_id", "occurred_at", "patient_id", "encounter"],
        _ => ["event_id", "event_type", "occurred_at", "user_id"],
    };

    private void WrongType(JsonObject o, HospitalEvent e)
    {
        var choices = new List<Action>
        {
            () => o["schema_version"] = EventTypes.SchemaVersion.ToString(CultureInfo.InvariantCulture),
        };
        if (o["patient_id"] is JsonValue patient)
        {
            choices.Add(() => o["patient_id"] = long.Parse(patient.GetValue<string>().AsSpan(3), CultureInfo.InvariantCulture));
        }

        if (e is VitalSignsEvent v)
        {
            if (v.HeartRate is { } hr) choices.Add(() => o["heart_rate"] = hr.ToString(CultureInfo.InvariantCulture));
            if (v.Spo2 is { } spo2) choices.Add(() => o["spo2"] = spo2.ToString(CultureInfo.InvariantCulture) + "%");
            if (v.OnSupplementalOxygen is { } onOxygen) choices.Add(() => o["on_supplemental_oxygen"] = onOxygen ? "yes" : "no");
            choices.Add(() => o["measured_at"] = v.MeasuredAt.ToUnixTimeSeconds());
        }
        else if (e is DiagnosisEvent dx)
        {
            choices.Add(() => o["rank"] = dx.Rank.ToString(CultureInfo.InvariantCulture));
        }
        else if (e is ProcedureEvent px)
        {
            choices.Add(() => o["performed_at"] = px.PerformedAt.ToUnixTimeSeconds());
        }

        choices[_random.Next(choices.Count)]();
    }

    private void Implausible(JsonObject o)
    {
        var choices = new List<Action>();
        if (o.ContainsKey("heart_rate")) choices.Add(() => o["heart_rate"] = _random.Chance(0.5) ? 0 : _random.Next(320, 500));
        if (o.ContainsKey("respiratory_rate")) choices.Add(() => o["respiratory_rate"] = _random.Chance(0.5) ? 0 : _random.Next(80, 150));
        if (o.ContainsKey("spo2")) choices.Add(() => o["spo2"] = _random.Next(101, 160));
        if (o.ContainsKey("systolic_bp")) choices.Add(() => o["systolic_bp"] = _random.Next(320, 480));
        if (o.ContainsKey("temperature")) choices.Add(() => o["temperature"] = Math.Round(_random.Uniform(50, 70), 1));
        choices[_random.Next(choices.Count)]();
    }

    private void Fahrenheit(JsonObject o)
    {
        var celsius = o["temperature"]!.GetValue<double>();
        o["temperature"] = Math.Round(celsius * 9 / 5 + 32, 1);
        if (_random.Chance(0.7)) o["temperature_unit"] = "[degF]";
        else o.Remove("temperature_unit");
    }

    private static byte[] Edit(byte[] clean, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(clean)!.AsObject();
        edit(node);
        return JsonSerializer.SerializeToUtf8Bytes(node, SerializerOptions);
    }
}
