using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace CareLake.Interop.Synthea;

/// <summary>The columns of a Synthea CSV header, found by name (case-insensitive; surrounding spaces and a byte order mark ignored).</summary>
public sealed class SyntheaColumns
{
    private readonly Dictionary<string, int> _index;

    public SyntheaColumns(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        Names = names;
        _index = new Dictionary<string, int>(names.Count, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++) _index.TryAdd(names[i].Trim().Trim('\uFEFF'), i);
    }

    /// <summary>The column names as the header spells them, in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    public bool Has(string name) => _index.ContainsKey(name);

    /// <summary>The position of the first column of that name; null when the header has none.</summary>
    public int? IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : null;

    /// <summary>The columns of a header line; null when the text holds no CSV record.</summary>
    public static SyntheaColumns? Parse(string headerLine)
    {
        var records = CsvText.Records(headerLine);
        return records.Count == 0 ? null : new SyntheaColumns(records[0]);
    }
}

/// <summary>RFC 4180 field splitting of CSV text already cut into records (quoted fields may hold commas, quotes and line breaks).</summary>
internal static class CsvText
{
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        HasHeaderRecord = false,
        Mode = CsvMode.RFC4180,
        BadDataFound = null,
        MissingFieldFound = null,
        DetectColumnCountChanges = false,
        IgnoreBlankLines = true,
        TrimOptions = TrimOptions.None,
    };

    /// <summary>The records of the text, each as its fields (unquoted and unescaped); blank lines are not records.</summary>
    public static List<string[]> Records(string text)
    {
        var records = new List<string[]>(1);
        if (!text.Contains('"', StringComparison.Ordinal))
        {
            // Without quotes, RFC 4180 reduces to splitting lines on line breaks and fields on commas.
            foreach (var line in text.Split('\n'))
            {
                var content = line.EndsWith('\r') ? line[..^1] : line;
                if (content.Length > 0) records.Add(content.Split(','));
            }

            return records;
        }

        using var reader = new StringReader(text);
        using var parser = new CsvParser(reader, Configuration);
        while (parser.Read())
        {
            if (parser.Record is { } record) records.Add(record);
        }

        return records;
    }
}
