using CareLake.Generator.DirtyData;

namespace CareLake.Generator;

/// <summary>
/// One message of the contract event stream, ready to publish: <paramref name="Payload"/> is the exact UTF-8 JSON
/// (or, for dirty events, the defective bytes) and <paramref name="Key"/> the Kafka key (the patient id, or the
/// user id for access-log events without a patient).
/// </summary>
public sealed record GeneratedEvent(string Topic, string Key, string EventId, DateTimeOffset OccurredAt, byte[] Payload)
{
    /// <summary>The defects deliberately put into this message (none for clean events).</summary>
    public DirtyDataKind Dirt { get; init; }

    /// <summary>The contract <c>event_type</c> of the event this message carries.</summary>
    public string EventType { get; init; } = "";
}
