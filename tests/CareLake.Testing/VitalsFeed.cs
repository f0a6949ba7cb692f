using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;

namespace CareLake.Testing;

/// <summary>What the pipeline must make of one produced message.</summary>
public enum Expectation
{
    Valid,
    Duplicate,
    Quarantined,
}

/// <summary>One message for a test topic, with the outcome the pipeline must reach for it.</summary>
public sealed record FeedMessage(string Key, byte[] Payload, string? EventId, Expectation Expectation, string? Reason = null);

/// <summary>
/// A deterministic stream of vital-sign events for pipeline tests: realistic sets for a number of
/// patients (most low NEWS2, some deteriorating), mixed with bad records of every kind the contracts
/// reject, and exact re-sends. Each message carries the outcome the pipeline must reach.
/// </summary>
public static class VitalsFeed
{
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<FeedMessage> Create(int count, int patients, int seed = 1, double dirtyRate = 0.05, DateTimeOffset? start = null)
    {
        var random = new Random(seed);
        var t0 = start ?? DefaultStart;
        var messages = new List<FeedMessage>(count);
        var clock = new Dictionary<int, DateTimeOffset>();
        var valid = new List<FeedMessage>();
        for (var i = 0; messages.Count < count; i++)
        {
            var patient = random.Next(patients);
            var key = $"MRN{patient:D7}";
            var at = clock.TryGetValue(patient, out var last) ? last.AddMinutes(random.Next(30, 240)) : t0.AddMinutes(random.Next(0, 600));
            clock[patient] = at;
            var eventId = $"vs-{seed}-{i:D8}";
            var json = VitalSet(random, eventId, key, at, deteriorating: patient % 17 == 0);
            if (random.NextDouble() < dirtyRate)
            {
                messages.Add(Dirty(random, key, eventId, json, valid));
                continue;
            }

            var message = new FeedMessage(key, Encoding.UTF8.GetBytes(json.ToJsonString()), eventId, Expectation.Valid);
            messages.Add(message);
            valid.Add(message);
        }

        return messages;
    }

    private static JsonObject VitalSet(Random random, string eventId, string patientId, DateTimeOffset at, bool deteriorating)
    {
        // Sources send UTC or local time with an offset; both mean the same instant.
        var ts = random.Next(3) == 0
            ? at.ToOffset(TimeSpan.FromHours(-5)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
            : at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var sick = deteriorating && random.NextDouble() < 0.6;
        var o = new JsonObject
        {
            ["event_id"] = eventId,
            ["event_type"] = "vital_signs",
            ["schema_version"] = 1,
            ["occurred_at"] = ts,
            ["patient_id"] = patientId,
            ["encounter_id"] = "ENC" + patientId[3..],
            ["device_id"] = "MON-" + random.Next(1, 40),
            ["measured_at"] = ts,
            ["heart_rate"] = sick ? random.Next(105, 150) : random.Next(58, 96),
            ["respiratory_rate"] = sick ? random.Next(21, 32) : random.Next(12, 20),
            ["spo2"] = sick ? random.Next(86, 94) : random.Next(95, 100),
            ["spo2_scale"] = 1,
            ["on_supplemental_oxygen"] = sick && random.NextDouble() < 0.7,
            ["systolic_bp"] = sick ? random.Next(80, 105) : random.Next(108, 150),
            ["diastolic_bp"] = sick ? random.Next(45, 65) : random.Next(62, 90),
            ["temperature"] = Math.Round(sick ? 38.2 + random.NextDouble() * 1.6 : 36.2 + random.NextDouble() * 1.5, 1),
            ["temperature_unit"] = "Cel",
            ["consciousness"] = sick && random.NextDouble() < 0.2 ? "C" : "A",
        };
        switch (random.Next(20))
        {
            case 0: // a partial set: NEWS2 incomplete
                o.Remove("temperature");
                o.Remove("temperature_unit");
                break;
            case 1: // °F, still valid
                o["temperature"] = Math.Round((double)o["temperature"]!.GetValue<double>() * 9 / 5 + 32, 1);
                o["temperature_unit"] = "[degF]";
                break;
        }

        return o;
    }

    private static FeedMessage Dirty(Random random, string key, string eventId, JsonObject json, List<FeedMessage> valid)
    {
        FeedMessage Bad(string payload, string reason, string? id = null) => new(key, Encoding.UTF8.GetBytes(payload), id, Expectation.Quarantined, reason);
        JsonObject Changed(Action<JsonObject> change)
        {
            var copy = json.DeepClone().AsObject();
            change(copy);
            return copy;
        }

        switch (random.Next(8))
        {
            case 0:
                return Bad("{\"event_id\":\"" + eventId + "\",\"heart_rate\":", "malformed_json");
            case 1:
                return Bad(Changed(o => o["heart_rate"] = "fast").ToJsonString(), "wrong_type", eventId);
            case 2:
                return Bad(Changed(o => o.Remove("measured_at")).ToJsonString(), "missing_field", eventId);
            case 3:
                return Bad(Changed(o => o["spo2"] = 140).ToJsonString(), "implausible_value", eventId);
            case 4:
                return Bad(Changed(o => o["event_type"] = "vitals_v2").ToJsonString(), "unknown_event_type", eventId);
            case 5:
                var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
                bytes[bytes.Length / 2] = 0xFF;
                return new FeedMessage(key, bytes, null, Expectation.Quarantined, "invalid_utf8");
            case 6 when valid.Count > 0:
                var original = valid[random.Next(valid.Count)];
                return original with { Expectation = Expectation.Duplicate };
            default:
                return Bad(Changed(o => { o["systolic_bp"] = 80; o["diastolic_bp"] = 95; }).ToJsonString(), "inconsistent_values", eventId);
        }
    }
}

/// <summary>The silver and gold content a feed must produce, computed independently of the pipeline's SQL.</summary>
public sealed class ExpectedWarehouse
{
    public ExpectedWarehouse(IEnumerable<FeedMessage> messages)
    {
        var parser = new VitalSignsParser();
        var firstSeen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in messages)
        {
            if (m.Expectation == Expectation.Quarantined)
            {
                QuarantinedByReason[m.Reason!] = QuarantinedByReason.GetValueOrDefault(m.Reason!) + 1;
                continue;
            }

            if (!firstSeen.Add(m.EventId!))
            {
                Duplicates++;
                continue;
            }

            var vitals = parser.Parse(m.Payload, DateTimeOffset.MaxValue.AddDays(-2)).Value ?? throw new InvalidOperationException($"feed marked {m.EventId} valid but it does not parse");
            var news2 = News2.Score(vitals.News2Input);
            Rows.Add((vitals, news2, ClinicalAlertRule.Evaluate(news2)));
        }
    }

    public List<(VitalSigns Vitals, News2Result News2, ClinicalAlert? Alert)> Rows { get; } = [];
    public Dictionary<string, long> QuarantinedByReason { get; } = new(StringComparer.Ordinal);
    public long Duplicates { get; }
    public long Alerts => Rows.Count(r => r.Alert is not null);

    public Dictionary<string, long> BandCounts => Rows.Where(r => r.News2.Band is not null)
        .GroupBy(r => r.News2.Band!.Value.Code()).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

    /// <summary>gold.patient_risk_snapshot as the model defines it: the 24-hour window ends at the patient's latest set.</summary>
    public Dictionary<string, RiskSnapshot> Gold()
    {
        var result = new Dictionary<string, RiskSnapshot>(StringComparer.Ordinal);
        foreach (var patient in Rows.GroupBy(r => r.Vitals.PatientId))
        {
            var ordered = patient.OrderByDescending(r => r.Vitals.MeasuredAt).ThenByDescending(r => r.Vitals.EventId, StringComparer.Ordinal).ToList();
            var latest = ordered[0];
            var complete = ordered.FirstOrDefault(r => r.News2.IsComplete);
            var windowStart = latest.Vitals.MeasuredAt.AddHours(-24);
            var window = ordered.Where(r => r.Vitals.MeasuredAt > windowStart).ToList();
            result[patient.Key] = new RiskSnapshot(
                latest.Vitals.EventId,
                latest.Vitals.MeasuredAt,
                complete.News2?.Total,
                complete.News2?.Band?.Code(),
                complete.Vitals?.MeasuredAt,
                window.Where(r => r.News2.Total is not null).Select(r => r.News2.Total).Max(),
                window.Count(r => r.Alert is not null),
                window.Count);
        }

        return result;
    }
}

public sealed record RiskSnapshot(string LatestEventId, DateTimeOffset LatestMeasuredAt, int? LatestScore, string? LatestBand,
    DateTimeOffset? LastCompleteSetAt, int? Max24h, int Alerts24h, int Sets24h);
