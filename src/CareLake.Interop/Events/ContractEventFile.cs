namespace CareLake.Interop.Events;

/// <summary>
/// NDJSON files of contract events (reference/event-contracts.md), one event per line, of any topic: each non-blank
/// line is one record of the <see cref="Stream"/> stream, whose silver stage routes it by its <c>event_type</c>.
/// </summary>
public static class ContractEventFile
{
    /// <summary>The stream of contract events that arrive outside Kafka (files, HTTP), whatever their topic.</summary>
    public const string Stream = "events";

    public static IEnumerable<FileRecord> Read(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        long position = 0;
        foreach (var line in NdjsonLines.Read(file))
        {
            yield return new FileRecord(Stream, position++, line);
        }
    }
}
