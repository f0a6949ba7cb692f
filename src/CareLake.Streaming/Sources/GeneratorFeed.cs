using System.Text;
using CareLake.Core.Hashing;
using CareLake.Generator;
using CareLake.Ingest.Bronze;

namespace CareLake.Streaming.Sources;

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
            var partition = (int)(StableHash.Of(e.Key) % Partitions);
            var position = next.GetValueOrDefault((e.Topic, partition));
            next[(e.Topic, partition)] = position + 1;
            yield return new RawMessage(SourceName, e.Topic, partition, position, Encoding.UTF8.GetBytes(e.Key), null, null, e.Payload, null, time.GetUtcNow());
        }
    }
}
