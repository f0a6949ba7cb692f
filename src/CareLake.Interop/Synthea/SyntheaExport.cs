namespace CareLake.Interop.Synthea;

/// <summary>One Synthea CSV file CareLake imports, whose header has been checked.</summary>
public sealed record SyntheaFile(SyntheaFileKind Kind, string Path)
{
    /// <summary>The silver stream of its records, e.g. <c>synthea.encounters</c>.</summary>
    public string Stream => SyntheaLayouts.Stream(Kind);

    /// <summary>Its records, streaming (see <see cref="SyntheaCsvReader.Read(string)"/>).</summary>
    public IEnumerable<FileRecord> Read() => SyntheaCsvReader.Read(Path);
}

/// <summary>
/// A folder of Synthea CSV files, as <c>carelake import synthea DIR</c> sees it: the files CareLake imports (patients,
/// encounters, conditions, procedures, observations), each with its header checked before anything is read; the
/// other CSV files (allergies, medications, claims, …), which are not imported; and the files whose layout is unknown.
/// </summary>
public sealed class SyntheaExport
{
    private SyntheaExport(string directory, IReadOnlyList<SyntheaFile> files, IReadOnlyList<string> ignored, IReadOnlyList<SyntheaLayoutError> errors)
    {
        Directory = directory;
        Files = files;
        Ignored = ignored;
        Errors = errors;
    }

    public string Directory { get; }

    /// <summary>The importable files with a known layout, patients first, then encounters, conditions, procedures, observations.</summary>
    public IReadOnlyList<SyntheaFile> Files { get; }

    /// <summary>The names of the folder's other CSV files, which CareLake does not import, in ordinal order.</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>The importable files whose layout CareLake cannot read (a required column is missing, or there is no header).</summary>
    public IReadOnlyList<SyntheaLayoutError> Errors { get; }

    /// <summary>True when every importable file has a known layout.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Finds the folder's CSV files (not its subfolders) and checks the headers of those CareLake imports.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static SyntheaExport Open(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"no such folder: {directory}");

        var csvFiles = System.IO.Directory.EnumerateFiles(directory)
            .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

        var files = new List<SyntheaFile>();
        var ignored = new List<string>();
        var errors = new List<SyntheaLayoutError>();
        foreach (var path in csvFiles)
        {
            if (SyntheaLayouts.FromFileName(path) is not { } kind)
            {
                ignored.Add(System.IO.Path.GetFileName(path));
            }
            else if (SyntheaCsvReader.CheckLayout(path) is { } error)
            {
                errors.Add(error);
            }
            else
            {
                files.Add(new SyntheaFile(kind, path));
            }
        }

        return new SyntheaExport(directory, [.. files.OrderBy(f => f.Kind)], ignored, errors);
    }
}
