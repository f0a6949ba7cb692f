namespace CareLake.Web.Bodies;

/// <summary>A request body cut into the payloads of its records, or why the request itself is malformed.</summary>
public sealed record BodySplit(IReadOnlyList<byte[]> Payloads, string? Error)
{
    public static BodySplit Of(IReadOnlyList<byte[]> payloads) => new(payloads, null);

    public static BodySplit Malformed(string error) => new([], error);

    public bool IsMalformed => Error is not null;
}

internal static class Bytes
{
    public static bool IsBlank(ReadOnlySpan<byte> content) => content.Trim(" \t\r\n"u8).IsEmpty;

    public static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> content) =>
        content.StartsWith("\uFEFF"u8) ? content[3..] : content;
}
