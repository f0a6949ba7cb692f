namespace CareLake.Interop.Synthea;

/// <summary>The Synthea CSV files CareLake imports, in the order an export is imported (patients before their events).</summary>
public enum SyntheaFileKind
{
    Patients,
    Encounters,
    Conditions,
    Procedures,
    Observations,
}

/// <summary>
/// What CareLake expects of each imported Synthea file: its name, its silver stream and the columns it cannot do
/// without. Columns are matched by header name, case-insensitively; extra columns are ignored and the others are
/// optional, because Synthea's layout changed across versions (e.g. MIDDLE, FIPS and INCOME in patients, SYSTEM in
/// conditions, CATEGORY in observations, DATE instead of START/STOP in older procedures).
/// </summary>
public static class SyntheaLayouts
{
    /// <summary>The header that carries a record's CSV header line (UTF-8, exactly as in the file).</summary>
    public const string HeaderKey = "csv.header";

    /// <summary>The prefix of every Synthea stream name: <c>synthea.patients</c>, <c>synthea.encounters</c>, ….</summary>
    public const string StreamPrefix = "synthea.";

    public static IReadOnlyList<SyntheaFileKind> All { get; } =
        [SyntheaFileKind.Patients, SyntheaFileKind.Encounters, SyntheaFileKind.Conditions, SyntheaFileKind.Procedures, SyntheaFileKind.Observations];

    /// <summary>The kind's name as it appears in file and stream names: <c>patients</c>, <c>encounters</c>, ….</summary>
    public static string Name(SyntheaFileKind kind) => kind switch
    {
        SyntheaFileKind.Patients => "patients",
        SyntheaFileKind.Encounters => "encounters",
        SyntheaFileKind.Conditions => "conditions",
        SyntheaFileKind.Procedures => "procedures",
        SyntheaFileKind.Observations => "observations",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The file Synthea writes the kind to, e.g. <c>patients.csv</c>.</summary>
    public static string FileName(SyntheaFileKind kind) => Name(kind) + ".csv";

    /// <summary>The silver stream of the kind's records, e.g. <c>synthea.patients</c>.</summary>
    public static string Stream(SyntheaFileKind kind) => StreamPrefix + Name(kind);

    /// <summary>The kind of a file by its name (case-insensitive, any folder); null for files CareLake does not import.</summary>
    public static SyntheaFileKind? FromFileName(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        foreach (var kind in All)
        {
            if (string.Equals(name, FileName(kind), StringComparison.OrdinalIgnoreCase)) return kind;
        }

        return null;
    }

    /// <summary>The kind of a stream name (<c>synthea.patients</c> …); null for any other stream.</summary>
    public static SyntheaFileKind? FromStream(string stream)
    {
        foreach (var kind in All)
        {
            if (string.Equals(stream, Stream(kind), StringComparison.Ordinal)) return kind;
        }

        return null;
    }

    /// <summary>
    /// The columns a file of the kind must have. Each entry lists alternatives, any one of which will do (older
    /// procedures exports have <c>DATE</c> where newer ones have <c>START</c>).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> RequiredColumns(SyntheaFileKind kind) => kind switch
    {
        SyntheaFileKind.Patients => [["Id"], ["BIRTHDATE"], ["GENDER"]],
        SyntheaFileKind.Encounters => [["Id"], ["START"], ["PATIENT"], ["ENCOUNTERCLASS"]],
        SyntheaFileKind.Conditions => [["START"], ["PATIENT"], ["CODE"]],
        SyntheaFileKind.Procedures => [["PATIENT"], ["CODE"], ["START", "DATE"]],
        SyntheaFileKind.Observations => [["DATE"], ["PATIENT"], ["CODE"], ["VALUE"]],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The required columns a header lacks, each as its alternatives joined by " or "; empty when the layout is known.</summary>
    public static IReadOnlyList<string> MissingColumns(SyntheaFileKind kind, SyntheaColumns header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var missing = new List<string>();
        foreach (var alternatives in RequiredColumns(kind))
        {
            if (!alternatives.Any(header.Has)) missing.Add(string.Join(" or ", alternatives));
        }

        return missing;
    }
}

/// <summary>A file whose layout CareLake cannot read: the file and what is wrong, for the CLI to print.</summary>
/// <param name="File">The file's path.</param>
/// <param name="MissingColumns">The required columns the header lacks (alternatives joined by " or "); empty when the header itself is missing.</param>
public sealed record SyntheaLayoutError(string File, IReadOnlyList<string> MissingColumns)
{
    public string Message => MissingColumns.Count == 0
        ? $"{File}: no header line; a Synthea CSV file starts with its column names"
        : $"{File}: unknown Synthea layout, missing required column{(MissingColumns.Count == 1 ? "" : "s")} {string.Join(", ", MissingColumns)}";

    public override string ToString() => Message;
}
