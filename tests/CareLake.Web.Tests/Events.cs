using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CareLake.Testing;

namespace CareLake.Web.Tests;

/// <summary>Contract events for the tests: valid vital-sign sets from the test feed, and ways to spoil them.</summary>
internal static class Events
{
    public static List<byte[]> Valid(int count, int seed) =>
        VitalsFeed.Create(count, patients: Math.Max(1, count / 4), seed: seed, dirtyRate: 0).Select(m => m.Payload).ToList();

    public static byte[] Changed(byte[] payload, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(payload)!.AsObject();
        change(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    public static string EventId(byte[] payload) => JsonNode.Parse(payload)!["event_id"]!.GetValue<string>();

    public static byte[] Ndjson(IEnumerable<byte[]> payloads, string newline = "\n")
    {
        using var body = new MemoryStream();
        foreach (var p in payloads)
        {
            body.Write(p);
            body.Write(Encoding.ASCII.GetBytes(newline));
        }

        return body.ToArray();
    }

    public static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
