namespace CareLake.Ingest.Bronze;

/// <summary>One message exactly as a source delivered it, with where it came from.</summary>
/// <param name="Source">The kind of source: <c>kafka</c>, <c>generator</c>, ….</param>
/// <param name="Stream">The topic or stream name.</param>
/// <param name="Position">The offset (Kafka) or sequence number within the partition.</param>
/// <param name="HeaderKeys">Header names, parallel to <paramref name="HeaderValues"/>; null when there are none.</param>
/// <param name="MessageTimestamp">The source's own timestamp of the message, when it has one.</param>
public sealed record RawMessage(
    string Source,
    string Stream,
    int Partition,
    long Position,
    byte[]? Key,
    string[]? HeaderKeys,
    byte[]?[]? HeaderValues,
    byte[] Payload,
    DateTimeOffset? MessageTimestamp,
    DateTimeOffset ReceivedAt);
