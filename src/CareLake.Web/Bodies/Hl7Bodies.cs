namespace CareLake.Web.Bodies;

/// <summary>
/// HL7 v2 messages in ER7 text: a message starts at each segment beginning with <c>MSH</c> at the start of a line
/// (segments end with CR, LF or CRLF) and runs to the next one. Each payload is the message's bytes as sent, up to and
/// including its last segment's terminator; blank lines between messages belong to none.
/// </summary>
public static class Hl7Bodies
{
    public static BodySplit Messages(ReadOnlySpan<byte> body)
    {
        var content = Bytes.WithoutBom(body);
        var starts = MessageStarts(content);
        if (starts.Count == 0) return BodySplit.Malformed("The body holds no HL7 v2 message: no line starts with an MSH segment.");
        if (!Bytes.IsBlank(content[..starts[0]])) return BodySplit.Malformed("The body must start with an MSH segment; other text stands before the first one.");

        var payloads = new List<byte[]>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : content.Length;
            payloads.Add(WithoutTrailingBlankLines(content[starts[i]..end]).ToArray());
        }

        return BodySplit.Of(payloads);
    }

    private static List<int> MessageStarts(ReadOnlySpan<byte> content)
    {
        var starts = new List<int>();
        for (var i = 0; i <= content.Length - 3; i++)
        {
            var atLineStart = i == 0 || content[i - 1] is (byte)'\r' or (byte)'\n';
            if (atLineStart && content[i..].StartsWith("MSH"u8)) starts.Add(i);
        }

        return starts;
    }

    /// <summary>The message up to the end of its last non-blank line, with that line's terminator (CR, LF or CRLF).</summary>
    private static ReadOnlySpan<byte> WithoutTrailingBlankLines(ReadOnlySpan<byte> message)
    {
        var end = message.Length;
        while (true)
        {
            var contentEnd = end;
            while (contentEnd > 0 && message[contentEnd - 1] is (byte)'\r' or (byte)'\n') contentEnd--;
            var lineStart = message[..contentEnd].LastIndexOfAny((byte)'\r', (byte)'\n') + 1;
            if (lineStart == 0 || !Bytes.IsBlank(message[lineStart..contentEnd]))
            {
                return message[..TerminatorEnd(message, contentEnd, end)];
            }

            end = lineStart;
        }
    }

    private static int TerminatorEnd(ReadOnlySpan<byte> message, int contentEnd, int end)
    {
        if (contentEnd < end && message[contentEnd] == '\r') contentEnd++;
        if (contentEnd < end && message[contentEnd] == '\n') contentEnd++;
        return contentEnd;
    }
}
