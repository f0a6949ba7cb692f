using System.Text.Json;

namespace CareLake.Web.Bodies;

/// <summary>
/// Contract events in a request body: one JSON event (<c>application/json</c>) or one per line
/// (<c>application/x-ndjson</c>). Each payload is the event's bytes as sent; whether an event is valid is silver's
/// call (it quarantines with a reason), so only a body that cannot be cut into events is malformed.
/// </summary>
public static class EventBodies
{
    // Depth is not limited here: a deeply nested but well-formed event is committed, and silver's own depth limit quarantines it.
    private static readonly JsonReaderOptions SyntaxOnly = new() { MaxDepth = int.MaxValue };

    /// <summary>The body as one event: a single JSON object, without the whitespace around it.</summary>
    public static BodySplit SingleEvent(ReadOnlySpan<byte> body)
    {
        var content = Bytes.WithoutBom(body).Trim(" \t\r\n"u8);
        if (content.IsEmpty) return BodySplit.Malformed("The body is empty: send one JSON event.");
        var reader = new Utf8JsonReader(content, SyntaxOnly);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return BodySplit.Malformed("An application/json body must be one JSON object (one event); send several as application/x-ndjson, one per line.");
            }

            reader.Skip();
            if (reader.Read()) return BodySplit.Malformed("An application/json body must hold one event only; send several as application/x-ndjson, one per line.");
        }
        catch (JsonException e)
        {
            return BodySplit.Malformed($"The body is not valid JSON: {FirstSentence(e.Message)}");
        }

        return BodySplit.Of([content.ToArray()]);
    }

    /// <summary>One payload per non-blank line (lines end with LF or CRLF; the terminator is not part of the payload).</summary>
    public static BodySplit Lines(ReadOnlySpan<byte> body)
    {
        var rest = Bytes.WithoutBom(body);
        var payloads = new List<byte[]>();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.EndsWith("\r"u8)) line = line[..^1];
            if (!Bytes.IsBlank(line)) payloads.Add(line.ToArray());
        }

        return payloads.Count == 0 ? BodySplit.Malformed("The body holds no event: send one JSON event per line.") : BodySplit.Of(payloads);
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
