using System.Collections.Concurrent;
using System.Reflection;

namespace CareLake.Warehouse;

/// <summary>SQL kept in .sql files beside the code that runs it and embedded in that code's assembly.</summary>
public sealed class SqlResources(Assembly assembly)
{
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    /// <summary>The warehouse's own SQL: migrations, silver and gold.</summary>
    public static SqlResources Warehouse { get; } = new(typeof(SqlResources).Assembly);

    /// <param name="path">The file's path inside the project, e.g. <c>Gold/patient_risk_snapshot.sql</c>.</param>
    public string Load(string path) => _cache.GetOrAdd(path, p =>
    {
        using var stream = assembly.GetManifestResourceStream(p)
            ?? assembly.GetManifestResourceStream(p.Replace('/', '\\'))
            ?? throw new InvalidOperationException($"SQL resource {p} is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public IEnumerable<string> Names(string folder) => Names(folder, ".sql");

    /// <summary>The embedded files in <paramref name="folder"/> whose names end in <paramref name="extension"/>, in ordinal order.</summary>
    public IEnumerable<string> Names(string folder, string extension) =>
        assembly.GetManifestResourceNames()
            .Select(n => n.Replace('\\', '/'))
            .Where(n => n.StartsWith(folder + "/", StringComparison.Ordinal) && n.EndsWith(extension, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
