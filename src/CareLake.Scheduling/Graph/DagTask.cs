namespace CareLake.Scheduling.Graph;

/// <summary>The stage of the pipeline a task belongs to, in data-flow order.</summary>
public enum DagStage
{
    Source,
    Silver,
    Gold,
    Quality,
    Export,
}

/// <summary>What a task reports when it succeeds.</summary>
/// <param name="Rows">Rows it wrote or checked, when it counts them.</param>
/// <param name="BlockedTables">For a quality step: the tables with a failing error-severity check.</param>
public sealed record TaskResult(long? Rows = null, IReadOnlyList<string>? BlockedTables = null)
{
    public static TaskResult None { get; } = new();
}

/// <summary>What a task is given when it runs.</summary>
/// <param name="RunId">The run it belongs to.</param>
/// <param name="Attempt">1 for the first try.</param>
/// <param name="Range">A backfill's days, or null.</param>
/// <param name="FullRefresh">Rebuild rather than update incrementally.</param>
public sealed record TaskContext(string RunId, int Attempt, DateRange? Range, bool FullRefresh);

/// <summary>A closed range of days.</summary>
public sealed record DateRange(DateOnly From, DateOnly To)
{
    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}

/// <summary>
/// A node of the DAG: a named piece of work with the tasks it waits for.
/// </summary>
/// <param name="Name">Unique, e.g. <c>gold.fact_encounter</c>, <c>quality.gold.fact_encounter</c>, <c>export.parquet</c>.</param>
/// <param name="Table">The table the task builds or checks, when it has one; a quality step that blocks this table
/// skips the tasks downstream of the task building it.</param>
public sealed record DagTask(string Name, DagStage Stage, IReadOnlyList<string> DependsOn, Func<TaskContext, CancellationToken, Task<TaskResult>> Execute, string? Table = null);
