namespace CareLake.Core.Records;

/// <summary>A bronze message as a mapper sees it: its stream, raw bytes, headers and receive time.</summary>
/// <param name="Stream">The topic or stream, e.g. <c>patient_labs</c>, <c>fhir</c>, <c>synthea.observations</c>.</param>
/// <param name="HeaderKeys">Header names, parallel to <paramref name="HeaderValues"/>; null when there are none.</param>
public readonly record struct MessageContext(
    string Stream,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyList<string>? HeaderKeys,
    IReadOnlyList<byte[]?>? HeaderValues,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The first header of that name, as UTF-8 text; null when absent.</summary>
    public string? Header(string name)
    {
        if (HeaderKeys is null || HeaderValues is null) return null;
        for (var i = 0; i < HeaderKeys.Count; i++)
        {
            if (string.Equals(HeaderKeys[i], name, StringComparison.Ordinal))
            {
                return HeaderValues[i] is { } v ? System.Text.Encoding.UTF8.GetString(v) : null;
            }
        }

        return null;
    }
}

/// <summary>Maps one bronze message of a stream to typed records, without I/O. Failures are values (rejections), never exceptions.</summary>
public interface IRecordMapper
{
    Contracts.ParseResult<MappedMessage> Map(in MessageContext message);
}
