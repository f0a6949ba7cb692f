namespace CareLake.Interop;

/// <summary>Newline-delimited content as its lines' exact bytes, streaming; blank lines are skipped.</summary>
public static class NdjsonLines
{
    /// <summary>Each non-blank line without its terminator (LF or CRLF); a UTF-8 byte order mark at the start is dropped.</summary>
    public static IEnumerable<byte[]> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var lines = new ByteLineReader(stream);
        var first = true;
        while (lines.TryReadLine(out var line))
        {
            ReadOnlySpan<byte> content = line;
            if (first && content.StartsWith("\uFEFF"u8)) content = content[3..];
            first = false;
            if (content.EndsWith("\n"u8)) content = content[..^1];
            if (content.EndsWith("\r"u8)) content = content[..^1];
            if (!content.Trim(" \t"u8).IsEmpty) yield return content.ToArray();
        }
    }
}
