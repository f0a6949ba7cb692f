using System.Text;
using CareLake.Generator;
using CareLake.Ingest.Bronze;

namespace CareLake.Orchestration.Sources;

/// <summary>
/// The built-in synthetic hospital as a source: its events become messages of the same topics, spread
/// over a fixed number of partitions by patient and numbered per partition. The numbering depends only
/// on the generator's options, so a restarted feed lines up with what bronze already holds.
/// </summary>
public static class GeneratorFeed
{
    public const string SourceName = "generator";
    public const int Partitions = 8;

    public static IEnumerable<RawMessage> Messages(IEnumerable<GeneratedEvent> events, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        var next = new Dictionary<(string Topic, int Partition), long>();
        foreach (var e in events)
        {
            var key = Encoding.UTF8.GetBytes(e.Key);
            var partition = (int)(Fnv1a(key) % Partitions);
            var position = next.GetValueOrDefault((e.Topic, partition));
            next[(e.Topic, partition)] = position + 1;
            yield return new RawMessage(SourceName, e.Topic, partition, position, key, null, null, e.Payload, null, time.GetUtcNow());
        }
    }

    // A stable hash (string.GetHashCode differs between processes).
    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        foreach (var b in bytes) hash = unchecked((hash ^ b) * 16777619u);
        return hash;
    }
}
