using System.Globalization;
using System.Text;

namespace CareLake.Bench.Scenarios;

/// <summary>
/// Vital-sign events shaped like the contract example (~450 bytes), fast to make: the benchmark measures
/// the pipeline, not the generator. About one set in ten is high-risk, so alerts and gold updates happen.
/// </summary>
internal static class BenchFeed
{
    public static IEnumerable<(string Key, byte[] Payload)> Events(long count, int patients, int seed, DateTimeOffset start, string? eventIdPrefix = null)
    {
        var random = new Random(seed);
        var prefix = eventIdPrefix ?? $"bench-{seed}-";
        for (long i = 0; i < count; i++)
        {
            var patient = random.Next(patients);
            yield return ($"MRN{patient:D7}", Encoding.UTF8.GetBytes(Json(random, prefix + i.ToString(CultureInfo.InvariantCulture), patient, start.AddSeconds(i * 0.5))));
        }
    }

    public static string Json(Random random, string eventId, int patient, DateTimeOffset at, bool? sick = null)
    {
        var ill = sick ?? random.Next(10) == 0;
        var ts = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"event_id\":\"{eventId}\",\"event_type\":\"vital_signs\",\"schema_version\":1,\"occurred_at\":\"{ts}\"," +
            $"\"patient_id\":\"MRN{patient:D7}\",\"encounter_id\":\"ENC{patient:D7}\",\"device_id\":\"MON-{patient % 64:D2}\",\"measured_at\":\"{ts}\"," +
            $"\"heart_rate\":{(ill ? random.Next(110, 140) : random.Next(60, 95))},\"respiratory_rate\":{(ill ? random.Next(22, 30) : random.Next(12, 20))}," +
            $"\"spo2\":{(ill ? random.Next(88, 94) : random.Next(95, 100))},\"spo2_scale\":1,\"on_supplemental_oxygen\":{(ill ? "true" : "false")}," +
            $"\"systolic_bp\":{(ill ? random.Next(85, 105) : random.Next(110, 145))},\"diastolic_bp\":{(ill ? random.Next(45, 60) : random.Next(65, 90))}," +
            $"\"temperature\":{(ill ? 38.6 : 36.8).ToString("0.0", CultureInfo.InvariantCulture)},\"temperature_unit\":\"Cel\",\"consciousness\":\"A\",\"source_system\":\"bench\"}}");
    }
}
