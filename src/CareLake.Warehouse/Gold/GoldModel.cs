using CareLake.Warehouse.Postgres;

namespace CareLake.Warehouse.Gold;

/// <summary>How a model's table is maintained.</summary>
public enum GoldMaterialization
{
    /// <summary>
    /// A large table keyed by patient: the runner fills the temporary table <c>model_patients</c> with the patients
    /// to recompute (those whose silver rows changed since the model's last run, or every patient in a full refresh)
    /// and the model's SQL replaces exactly their rows.
    /// </summary>
    PerPatient,

    /// <summary>A small table the model's SQL rebuilds whole on every run.</summary>
    Table,
}

/// <summary>
/// A gold model: <c>Gold/Models/&lt;table&gt;.sql</c> building <c>gold.&lt;table&gt;</c>, with its header comments
/// (what it holds, <c>-- depends_on:</c> its inputs, <c>-- materialized:</c> per_patient or table).
/// </summary>
public sealed record GoldModel(string Name, string Description, IReadOnlyList<string> DependsOn, GoldMaterialization Materialization, string Sql)
{
    /// <summary>The table the model builds.</summary>
    public string Table => "gold." + Name;

    /// <summary>The models this one reads (its <c>gold.*</c> inputs other than seeds), without the schema.</summary>
    public IEnumerable<string> GoldInputs => DependsOn
        .Where(d => d.StartsWith("gold.", StringComparison.Ordinal) && !d.StartsWith("gold.seed_", StringComparison.Ordinal))
        .Select(d => d["gold.".Length..]);

    /// <summary>Reads a model file's header.</summary>
    /// <exception cref="WarehouseException">The header lacks <c>materialized</c> or names an unknown materialization.</exception>
    public static GoldModel Parse(string name, string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var description = new List<string>();
        var dependsOn = new List<string>();
        GoldMaterialization? materialization = null;
        foreach (var raw in sql.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (!line.StartsWith("--", StringComparison.Ordinal)) break;
            var text = line[2..].Trim();
            if (text.StartsWith("depends_on:", StringComparison.Ordinal))
            {
                dependsOn.AddRange(text["depends_on:".Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
            else if (text.StartsWith("materialized:", StringComparison.Ordinal))
            {
                materialization = text["materialized:".Length..].Trim() switch
                {
                    "per_patient" => GoldMaterialization.PerPatient,
                    "table" => GoldMaterialization.Table,
                    var other => throw new WarehouseException($"Gold model {name}: materialized '{other}' is neither per_patient nor table."),
                };
            }
            else if (materialization is null && dependsOn.Count == 0)
            {
                description.Add(text);
            }
        }

        return new GoldModel(name, string.Join(' ', description), dependsOn,
            materialization ?? throw new WarehouseException($"Gold model {name}: the header has no '-- materialized: per_patient' or '-- materialized: table' line."),
            sql);
    }
}

/// <summary>How a model's run ended.</summary>
public enum GoldRunStatus
{
    Success,
    Error,

    /// <summary>Not run because one of its inputs failed or was skipped in the same run.</summary>
    Skipped,
}

/// <summary>One model's run.</summary>
/// <param name="Rows">Rows written: the recomputed patients' rows (per_patient) or the table's rows (table).</param>
/// <param name="Patients">Patients recomputed (per_patient models; null for tables).</param>
public sealed record GoldModelRun(string Model, long Rows, TimeSpan Duration, GoldRunStatus Status, string? Error, bool FullRefresh = false, int? Patients = null);

/// <summary>What a gold run reports as it goes: a model starting (<see cref="Finished"/> null) or finished.</summary>
public sealed record GoldModelProgress(string Model, int Position, int Total, GoldModelRun? Finished);

/// <summary>Which models to run, and how.</summary>
public sealed record GoldRunOptions
{
    /// <summary>
    /// Models to run: <c>name</c> (that model) or <c>name+</c> (it and everything downstream of it), with or without
    /// the <c>gold.</c> prefix. Empty (the default): every model.
    /// </summary>
    public IReadOnlyList<string> Select { get; init; } = [];

    /// <summary>Rebuild per_patient tables for every patient instead of the changed ones. Default false.</summary>
    public bool FullRefresh { get; init; }

    /// <summary>The models to choose from; default <see cref="GoldModels.All"/>.</summary>
    public IReadOnlyList<GoldModel>? Models { get; init; }

    /// <summary>Load the seed CSVs before running. Default true.</summary>
    public bool LoadSeeds { get; init; } = true;
}
