using CareLake.Export;
using CareLake.Scheduling.Quality;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Scheduling.Graph;

/// <summary>The pieces of the pipeline the DAG is built from; the sources are given by the host that knows them.</summary>
public sealed record PipelineParts
{
    /// <summary>Imports the configured files into bronze (and silver); null when none are configured.</summary>
    public Func<TaskContext, CancellationToken, Task<TaskResult>>? Imports { get; init; }

    /// <summary>Types the deferred silver queue; null to leave it to the stream workers.</summary>
    public Func<TaskContext, CancellationToken, Task<TaskResult>>? DrainSilver { get; init; }

    public IQualityStep Quality { get; init; } = NoQualitySuites.Instance;

    /// <summary>Where the Parquet export writes; null for no export task.</summary>
    public string? ExportDirectory { get; init; }

    /// <summary>The gold models; default <see cref="GoldModels.All"/>.</summary>
    public IReadOnlyList<GoldModel>? Models { get; init; }
}

/// <summary>
/// The pipeline's DAG: sources → silver → gold models (in the order of their <c>-- depends_on:</c> headers) →
/// quality steps (after each table that has a suite) → the Parquet export. A model reading a table with a suite
/// waits for that table's quality step, so a blocked table skips what is built from it.
/// </summary>
public static class PipelineDag
{
    public const string Imports = "source.imports";
    public const string DrainSilver = "silver.drain";
    public const string Seeds = "gold.seeds";
    public const string BackfillRange = "gold.backfill_range";
    public const string Export = "export.parquet";

    public static string QualityTask(string table) => "quality." + table;

    public static Dag Build(NpgsqlDataSource dataSource, PipelineParts parts)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(parts);
        var tasks = new List<DagTask>();
        var upstreamOfSilver = new List<string>();
        if (parts.Imports is { } imports)
        {
            tasks.Add(new DagTask(Imports, DagStage.Source, [], imports));
            upstreamOfSilver.Add(Imports);
        }

        var silverDone = new List<string>(upstreamOfSilver);
        if (parts.DrainSilver is { } drain)
        {
            tasks.Add(new DagTask(DrainSilver, DagStage.Silver, upstreamOfSilver, drain));
            silverDone = [DrainSilver];
        }

        // Bronze and silver tables with a suite get one step before gold reads them.
        var silverChecks = parts.Quality.Tables
            .Where(t => t.StartsWith("silver.", StringComparison.Ordinal) || t.StartsWith("bronze.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        if (silverChecks.Count > 0)
        {
            var name = QualityTask("silver");
            tasks.Add(new DagTask(name, DagStage.Quality, silverDone, QualityRun(parts.Quality, silverChecks)));
            silverDone = [name];
        }

        tasks.Add(new DagTask(BackfillRange, DagStage.Gold, silverDone, (context, ct) => Backfill.QueueRangeAsync(dataSource, context.Range, ct)));
        silverDone = [BackfillRange];
        tasks.Add(new DagTask(Seeds, DagStage.Gold, silverDone, async (_, ct) =>
        {
            await GoldModels.RunAsync(dataSource, new GoldRunOptions { Select = [], Models = [], LoadSeeds = true }, null, ct);
            return TaskResult.None;
        }));

        var models = parts.Models ?? GoldModels.All;
        var ready = new Dictionary<string, string>(StringComparer.Ordinal); // model → the task its readers wait for
        var leaves = new List<string>();
        foreach (var model in GoldModels.Order(models))
        {
            var name = "gold." + model.Name;
            var inputs = new List<string> { Seeds };
            inputs.AddRange(model.GoldInputs.Where(ready.ContainsKey).Select(i => ready[i]));
            tasks.Add(new DagTask(name, DagStage.Gold, inputs.Distinct(StringComparer.Ordinal).ToList(), GoldModelRun(dataSource, model, models), model.Table));
            ready[model.Name] = name;
            if (parts.Quality.Tables.Contains(model.Table))
            {
                var check = QualityTask(model.Table);
                tasks.Add(new DagTask(check, DagStage.Quality, [name], QualityRun(parts.Quality, [model.Table]), model.Table));
                ready[model.Name] = check;
            }
        }

        leaves.AddRange(ready.Values);
        if (parts.ExportDirectory is { } directory)
        {
            tasks.Add(new DagTask(Export, DagStage.Export, leaves, async (_, ct) =>
            {
                var exported = await ParquetExporter.ExportAsync(dataSource, directory, new ParquetExportOptions(), null, ct);
                return new TaskResult(exported.Sum(e => e.Rows));
            }));
        }

        return new Dag(tasks);
    }

    private static Func<TaskContext, CancellationToken, Task<TaskResult>> GoldModelRun(NpgsqlDataSource dataSource, GoldModel model, IReadOnlyList<GoldModel> models) =>
        async (context, ct) =>
        {
            var runs = await GoldModels.RunAsync(dataSource,
                new GoldRunOptions { Select = [model.Name], FullRefresh = context.FullRefresh, Models = models, LoadSeeds = false }, null, ct);
            var run = runs.Single();
            if (run.Status != GoldRunStatus.Success) throw new TaskFailedException($"gold.{model.Name}: {run.Error}");
            return new TaskResult(run.Rows);
        };

    private static Func<TaskContext, CancellationToken, Task<TaskResult>> QualityRun(IQualityStep quality, IReadOnlyList<string> tables) =>
        async (context, ct) =>
        {
            var outcome = await quality.RunAsync(context.RunId, tables, ct);
            return new TaskResult(outcome.Checks, outcome.BlockedTables);
        };
}

/// <summary>A task reports that its work failed (as opposed to the system failing under it).</summary>
public sealed class TaskFailedException(string message) : Exception(message);
