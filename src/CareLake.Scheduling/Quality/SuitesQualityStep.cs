using CareLake.Core.Configuration;
using CareLake.Quality;
using Npgsql;

namespace CareLake.Scheduling.Quality;

/// <summary>The DAG's quality steps run by CareLake's expectation suites (<see cref="QualityRunner"/>).</summary>
public sealed class SuitesQualityStep(NpgsqlDataSource dataSource, QualityOptions options, IReadOnlyList<QualitySuite>? suites = null) : IQualityStep
{
    private readonly IReadOnlyList<QualitySuite> _suites = suites ?? QualitySuites.All;

    public IReadOnlySet<string> Tables => _suites.Select(s => s.Table).ToHashSet(StringComparer.Ordinal);

    public async Task<QualityStepOutcome> RunAsync(string runId, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var outcome = await QualityRunner.RunAsync(dataSource, new QualityRunRequest(runId, tables),
            new QualityRunSettings { Suites = _suites, Options = options, Trigger = "dag" }, cancellationToken);
        return new QualityStepOutcome(outcome.Checks, outcome.Failed, outcome.BlockedTables);
    }
}
