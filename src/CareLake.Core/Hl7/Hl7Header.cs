namespace CareLake.Core.Hl7;

/// <summary>
/// The message header (MSH) fields a receiver routes, deduplicates and acknowledges by. Application and facility
/// values are the first component of their HD field (the namespace id), or the second (the universal id) when the
/// first is empty. Values not sent are null.
/// </summary>
public sealed record Hl7Header
{
    public required Hl7Delimiters Delimiters { get; init; }

    /// <summary>MSH-3.</summary>
    public string? SendingApplication { get; init; }

    /// <summary>MSH-4.</summary>
    public string? SendingFacility { get; init; }

    /// <summary>MSH-5.</summary>
    public string? ReceivingApplication { get; init; }

    /// <summary>MSH-6.</summary>
    public string? ReceivingFacility { get; init; }

    /// <summary>MSH-7 as sent (see <see cref="Hl7DateTime"/>).</summary>
    public string? MessageDateTime { get; init; }

    /// <summary>MSH-9.1, e.g. <c>ADT</c>.</summary>
    public string? MessageCode { get; init; }

    /// <summary>MSH-9.2, e.g. <c>A01</c>; null when not sent (as in a bare <c>ACK</c>).</summary>
    public string? TriggerEvent { get; init; }

    /// <summary>MSH-9.3, e.g. <c>ADT_A01</c>; null before v2.3.1 and whenever the sender leaves it out.</summary>
    public string? MessageStructure { get; init; }

    /// <summary>MSH-10, echoed in MSA-2 of the acknowledgment.</summary>
    public string? ControlId { get; init; }

    /// <summary>MSH-11.1: P production, T training, D debugging.</summary>
    public string? ProcessingId { get; init; }

    /// <summary>MSH-12.1, e.g. <c>2.5.1</c>.</summary>
    public string? Version { get; init; }

    /// <summary>MSH-15 (AL, NE, ER, SU); null in original acknowledgment mode.</summary>
    public string? AcceptAcknowledgmentType { get; init; }

    /// <summary>MSH-16 (AL, NE, ER, SU).</summary>
    public string? ApplicationAcknowledgmentType { get; init; }

    /// <summary>MSH-3 to MSH-6 as sent (all components, escapes kept), for an acknowledgment that swaps them.</summary>
    internal RawParties? Raw { get; init; }

    /// <summary><c>ADT^A01</c> (code and trigger), or the code alone.</summary>
    public string MessageType => TriggerEvent is { Length: > 0 } trigger ? $"{MessageCode}^{trigger}" : MessageCode ?? "";

    internal sealed record RawParties(string SendingApplication, string SendingFacility, string ReceivingApplication, string ReceivingFacility);

    /// <summary>Reads what the MSH segment holds; missing fields stay null.</summary>
    internal static Hl7Header From(Hl7Segment msh) => new()
    {
        Delimiters = msh.Delimiters,
        SendingApplication = HierarchicDesignator(msh, 3),
        SendingFacility = HierarchicDesignator(msh, 4),
        ReceivingApplication = HierarchicDesignator(msh, 5),
        ReceivingFacility = HierarchicDesignator(msh, 6),
        MessageDateTime = Valued(msh.Get(7)),
        MessageCode = Valued(msh.Get(9, 0, 1)),
        TriggerEvent = Valued(msh.Get(9, 0, 2)),
        MessageStructure = Valued(msh.Get(9, 0, 3)),
        ControlId = Valued(msh.Get(10)),
        ProcessingId = Valued(msh.Get(11)),
        Version = Valued(msh.Get(12)),
        AcceptAcknowledgmentType = Valued(msh.Get(15)),
        ApplicationAcknowledgmentType = Valued(msh.Get(16)),
        Raw = new RawParties(msh.Raw(3) ?? "", msh.Raw(4) ?? "", msh.Raw(5) ?? "", msh.Raw(6) ?? ""),
    };

    private static string? HierarchicDesignator(Hl7Segment msh, int field) => Valued(msh.Get(field, 0, 1)) ?? Valued(msh.Get(field, 0, 2));

    private static string? Valued(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
