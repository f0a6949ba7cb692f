namespace CareLake.Scheduling.Quality;

/// <summary>What a quality step found.</summary>
/// <param name="Checks">Checks run.</param>
/// <param name="Failed">Checks that failed.</param>
/// <param name="BlockedTables">Tables with a failing error-severity check; the tasks downstream of them are skipped.</param>
public sealed record QualityStepOutcome(int Checks, int Failed, IReadOnlyList<string> BlockedTables);

/// <summary>
/// The data-quality suites as the DAG sees them: which tables have a suite, and running the suites of some tables.
/// The DAG puts a quality step after each task that builds a table listed in <see cref="Tables"/>.
/// </summary>
public interface IQualityStep
{
    /// <summary>Tables with a suite, schema-qualified (<c>gold.fact_encounter</c>, <c>silver.vital_signs</c>).</summary>
    IReadOnlySet<string> Tables { get; }

    Task<QualityStepOutcome> RunAsync(string runId, IReadOnlyList<string> tables, CancellationToken cancellationToken);
}

/// <summary>No suites: the DAG has no quality steps.</summary>
public sealed class NoQualitySuites : IQualityStep
{
    public static NoQualitySuites Instance { get; } = new();

    public IReadOnlySet<string> Tables { get; } = new HashSet<string>(StringComparer.Ordinal);

    public Task<QualityStepOutcome> RunAsync(string runId, IReadOnlyList<string> tables, CancellationToken cancellationToken) =>
        Task.FromResult(new QualityStepOutcome(0, 0, []));
}
