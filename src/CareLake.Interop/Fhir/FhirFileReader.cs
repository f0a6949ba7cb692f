using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CareLake.Interop.Fhir;

/// <summary>
/// Splits a FHIR R4 JSON file into bronze records: a Bundle (its entries' resources), a single resource, or bulk-export
/// NDJSON (one resource per line, read line by line so files of any size stream). Each record's payload is one resource
/// as its bytes stand in the file, or several adjacent vital-sign Observations of one measurement (same subject,
/// encounter and effective time) joined with <c>\n</c>, since NEWS2 scores vitals taken together. Content that is not
/// valid JSON (or not UTF-8) still becomes a record of its own, for silver to quarantine; only I/O failures throw.
/// </summary>
public static class FhirFileReader
{
    /// <summary>The stream every FHIR record belongs to.</summary>
    public const string StreamName = "fhir";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>The file's records in file order, lazily; positions count from 0.</summary>
    public static IEnumerable<FileRecord> Read(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return ReadRecords(file);
    }

    private static IEnumerable<FileRecord> ReadRecords(Stream file)
    {
        var lines = new ByteLineReader(file);
        byte[]? firstLine = null;
        byte[]? firstLineRaw = null;
        while (firstLine is null && lines.TryReadLine(out var line))
        {
            var raw = WithoutBom(line);
            var content = LineContent(raw);
            if (!IsBlank(content))
            {
                firstLine = content;
                firstLineRaw = raw;
            }
        }

        if (firstLine is null || firstLineRaw is null) yield break;

        var grouper = new RecordGrouper();
        if (StartsIncompleteJson(firstLine))
        {
            var whole = Concat(firstLineRaw, lines.ReadToEnd());
            foreach (var resource in ResourcesOfDocument(whole))
            {
                if (grouper.Add(resource) is { } record) yield return record;
            }
        }
        else
        {
            foreach (var resource in ResourcesOfLine(firstLine))
            {
                if (grouper.Add(resource) is { } record) yield return record;
            }

            while (lines.TryReadLine(out var line))
            {
                var content = LineContent(line);
                if (IsBlank(content)) continue;
                foreach (var resource in ResourcesOfLine(content))
                {
                    if (grouper.Add(resource) is { } record) yield return record;
                }
            }
        }

        if (grouper.Flush() is { } last) yield return last;
    }

    /// <summary>A whole JSON file: a Bundle's entries, or the document itself (a resource, or content silver rejects).</summary>
    private static List<FhirFileResource> ResourcesOfDocument(byte[] whole)
    {
        if (!Utf8.IsValid(whole)) return [FhirFileResource.Unreadable(TrimWhitespace(whole))];
        try
        {
            using var document = JsonDocument.Parse(whole, DocumentOptions);
            return ResourcesOf(document.RootElement);
        }
        catch (JsonException)
        {
            return [FhirFileResource.Unreadable(TrimWhitespace(whole))];
        }
    }

    private static List<FhirFileResource> ResourcesOfLine(byte[] line)
    {
        if (!Utf8.IsValid(line)) return [FhirFileResource.Unreadable(line)];
        try
        {
            using var document = JsonDocument.Parse(line, DocumentOptions);
            return ResourcesOf(document.RootElement);
        }
        catch (JsonException)
        {
            return [FhirFileResource.Unreadable(line)];
        }
    }

    private static List<FhirFileResource> ResourcesOf(JsonElement root)
    {
        if (FhirJson.ResourceType(root) == "Bundle" && root.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            return ResourcesOfBundle(entries);
        }

        return [FhirFileResource.Of(root, fullUrl: null, FullUrlIndex.Empty)];
    }

    private static List<FhirFileResource> ResourcesOfBundle(JsonElement entries)
    {
        var index = FullUrlIndex.Of(entries);
        var resources = new List<FhirFileResource>();
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("resource", out var resource)) continue;
            resources.Add(FhirFileResource.Of(resource, FhirJson.String(entry, "fullUrl"), index));
        }

        return resources;
    }

    /// <summary>
    /// True when the line opens a JSON value it does not close (a pretty-printed document): the file is then one JSON
    /// document rather than NDJSON. A complete value, or text that is not JSON at all, means NDJSON.
    /// </summary>
    private static bool StartsIncompleteJson(byte[] line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    return false;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] LineContent(byte[] line)
    {
        var length = line.Length;
        if (length > 0 && line[length - 1] == '\n') length--;
        if (length > 0 && line[length - 1] == '\r') length--;
        return length == line.Length ? line : line[..length];
    }

    private static byte[] WithoutBom(byte[] line) =>
        line.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? line[Encoding.UTF8.Preamble.Length..] : line;

    private static bool IsBlank(ReadOnlySpan<byte> content) => content.Trim(" \t\r\n"u8).IsEmpty;

    private static byte[] TrimWhitespace(byte[] content) => content.AsSpan().Trim(" \t\r\n"u8).ToArray();

    private static byte[] Concat(byte[] first, byte[] rest)
    {
        var whole = new byte[first.Length + rest.Length];
        first.CopyTo(whole, 0);
        rest.CopyTo(whole, first.Length);
        return whole;
    }

    /// <summary>The raw UTF-8 of a parsed value, byte for byte as in the source.</summary>
    internal static byte[] RawBytes(JsonElement element) => JsonMarshal.GetRawUtf8Value(element).ToArray();
}
