using CareLake.Warehouse;

namespace CareLake.Quality;

/// <summary>
/// The suites shipped with the warehouse: <c>Gold/Models/&lt;model&gt;.yml</c> beside each gold model (the table is
/// <c>gold.&lt;model&gt;</c> unless the file names one), <c>Silver/Suites/*.yml</c> and <c>Bronze/Suites/*.yml</c>.
/// </summary>
public static class QualitySuites
{
    private static readonly string[] Folders = ["Bronze/Suites", "Silver/Suites", "Gold/Models"];

    public static IReadOnlyList<QualitySuite> All { get; } = Load();

    private static List<QualitySuite> Load()
    {
        var suites = new List<QualitySuite>();
        foreach (var folder in Folders)
        {
            foreach (var path in SqlResources.Warehouse.Names(folder, ".yml"))
            {
                var defaultTable = folder == "Gold/Models" ? "gold." + Path.GetFileNameWithoutExtension(path) : null;
                suites.Add(QualitySuiteParser.Parse(SqlResources.Warehouse.Load(path), path, defaultTable));
            }
        }

        var twice = suites.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new QualitySuiteException($"Two suites check {twice.Key}: {string.Join(", ", twice.Select(s => s.Origin))}.");
        return suites;
    }

    /// <summary>The suites a selection names: a table or suite name (<c>gold.fact_encounter</c>, or <c>fact_encounter</c> when only one schema has it), or a schema (<c>silver</c>).</summary>
    /// <exception cref="QualitySuiteException">A selector names no suite.</exception>
    public static IReadOnlyList<QualitySuite> Select(IReadOnlyList<QualitySuite> suites, IReadOnlyList<string>? selectors)
    {
        ArgumentNullException.ThrowIfNull(suites);
        if (selectors is null || selectors.Count == 0) return suites;
        var chosen = new HashSet<QualitySuite>();
        foreach (var selector in selectors.SelectMany(s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            var matches = suites.Where(s => s.Name == selector || s.Table == selector || s.Schema == selector || s.TableName == selector).ToList();
            if (matches.Count == 0)
            {
                throw new QualitySuiteException($"No suite checks '{selector}'. Suites: {string.Join(", ", suites.Select(s => s.Name))}.");
            }

            chosen.UnionWith(matches);
        }

        return suites.Where(chosen.Contains).ToList();
    }
}
