using System.Text;

namespace CareLake.Interop.Synthea;

/// <summary>
/// Reads one Synthea CSV file as bronze records, streaming: one record per row, except that in
/// <c>observations.csv</c> the vital-sign rows of the same PATIENT, ENCOUNTER and DATE form one record, since NEWS2
/// scores a set of vitals taken together (see <see cref="VitalSetGrouper"/>). Every record carries the file's header line under
/// <see cref="SyntheaLayouts.HeaderKey"/>, so it can be mapped on its own.
/// </summary>
public static class SyntheaCsvReader
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Reads only the header of a file and checks it has the columns its kind requires; null when it does.</summary>
    /// <exception cref="ArgumentException">The file is not one CareLake imports (see <see cref="SyntheaLayouts.FromFileName"/>).</exception>
    public static SyntheaLayoutError? CheckLayout(string path)
    {
        var kind = KindOf(path);
        using var file = OpenFile(path);
        var header = new CsvRecordScanner(file).Next();
        var columns = header is null ? null : SyntheaColumns.Parse(Utf8.GetString(header));
        if (columns is null) return new SyntheaLayoutError(path, []);
        var missing = SyntheaLayouts.MissingColumns(kind, columns);
        return missing.Count == 0 ? null : new SyntheaLayoutError(path, missing);
    }

    /// <summary>
    /// The file's records in file order, positions 0, 1, 2, …; the kind is taken from the file name. Check the layout
    /// first (<see cref="CheckLayout"/> or <see cref="SyntheaExport.Open"/>): rows of an unknown layout are read all the
    /// same and rejected one by one when mapped. The file is opened when enumeration starts.
    /// </summary>
    /// <exception cref="ArgumentException">The file is not one CareLake imports.</exception>
    public static IEnumerable<FileRecord> Read(string path)
    {
        var kind = KindOf(path);
        return ReadFile(path, kind);
    }

    /// <summary>The records of CSV content of the given kind (the stream is read to its end, not disposed).</summary>
    public static IEnumerable<FileRecord> Read(Stream csv, SyntheaFileKind kind)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return ReadRecords(csv, kind);
    }

    private static IEnumerable<FileRecord> ReadFile(string path, SyntheaFileKind kind)
    {
        using var file = OpenFile(path);
        foreach (var record in ReadRecords(file, kind)) yield return record;
    }

    private static IEnumerable<FileRecord> ReadRecords(Stream csv, SyntheaFileKind kind)
    {
        var scanner = new CsvRecordScanner(csv);
        if (scanner.Next() is not { } header) yield break;

        var stream = SyntheaLayouts.Stream(kind);
        string[] headerKeys = [SyntheaLayouts.HeaderKey];
        byte[]?[] headerValues = [header];
        var rows = kind == SyntheaFileKind.Observations
            ? GroupVitalSigns(scanner, SyntheaColumns.Parse(Utf8.GetString(header)))
            : Rows(scanner);

        var position = 0L;
        foreach (var payload in rows)
        {
            yield return new FileRecord(stream, position++, payload, headerKeys, headerValues);
        }
    }

    private static IEnumerable<byte[]> Rows(CsvRecordScanner scanner)
    {
        while (scanner.Next() is { } row) yield return row;
    }

    /// <summary>Groups the vital-sign rows of one (PATIENT, ENCOUNTER, DATE) into one payload (see <see cref="VitalSetGrouper"/>).</summary>
    private static IEnumerable<byte[]> GroupVitalSigns(CsvRecordScanner scanner, SyntheaColumns? columns)
    {
        var grouper = new VitalSetGrouper(columns);
        while (scanner.Next() is { } row)
        {
            foreach (var payload in grouper.Add(row)) yield return payload;
        }

        foreach (var payload in grouper.Complete()) yield return payload;
    }

    private static SyntheaFileKind KindOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SyntheaLayouts.FromFileName(path)
            ?? throw new ArgumentException($"{path} is not a Synthea file CareLake imports ({string.Join(", ", SyntheaLayouts.All.Select(SyntheaLayouts.FileName))})", nameof(path));
    }

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
}
