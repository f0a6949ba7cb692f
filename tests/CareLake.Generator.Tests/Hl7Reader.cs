namespace CareLake.Generator.Tests;

/// <summary>A minimal HL7 v2 reader for the tests: splits on the delimiters the message declares in MSH-1 and MSH-2.</summary>
internal sealed class Hl7Reader
{
    private readonly string[][] _segments;
    private readonly char _component;

    public Hl7Reader(string message)
    {
        Text = message;
        if (!message.StartsWith("MSH", StringComparison.Ordinal)) throw new FormatException("a message starts with MSH");
        FieldSeparator = message[3];
        var encoding = message[4..8];
        _component = encoding[0];
        _segments = message.Split('\r', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split(FieldSeparator)).ToArray();
    }

    public string Text { get; }
    public char FieldSeparator { get; }
    public IEnumerable<string> SegmentIds => _segments.Select(s => s[0]);

    /// <summary>Field n of the first segment with the id (MSH counts MSH-1 as the separator itself).</summary>
    public string Field(string segment, int n)
    {
        var s = _segments.FirstOrDefault(x => x[0] == segment) ?? throw new KeyNotFoundException(segment);
        var index = segment == "MSH" ? n - 1 : n;
        return index < s.Length ? s[index] : "";
    }

    public IEnumerable<string[]> Segments(string id) => _segments.Where(s => s[0] == id);

    public string Component(string segment, int field, int component)
    {
        var parts = Field(segment, field).Split(_component);
        return component - 1 < parts.Length ? parts[component - 1] : "";
    }

    /// <summary>Splits a file of concatenated messages at each MSH segment.</summary>
    public static IEnumerable<string> SplitMessages(string file)
    {
        var start = 0;
        while (start < file.Length)
        {
            var next = file.IndexOf("\rMSH|", start, StringComparison.Ordinal);
            var end = next < 0 ? file.Length : next + 1;
            yield return file[start..end];
            start = end;
        }
    }
}
