using CareLake.Quality;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Streaming;

/// <summary>What every stream worker writes with: the warehouse, the silver stages, the clock and a log.</summary>
/// <param name="GoldRefreshInterval">How often queued patients' gold rows are recomputed (at least). Default 500 ms.</param>
public sealed record PipelineContext(
    NpgsqlDataSource DataSource,
    IReadOnlyList<ISilverStage> Stages,
    TimeProvider Time,
    Action<string> Log,
    TimeSpan? GoldRefreshInterval = null)
{
    /// <summary>The silver suites' row-level checks applied inside every micro-batch's transaction (docs/quality.md); null turns them off. Default: the shipped suites.</summary>
    public BatchQualityChecks? QualityChecks { get; init; } = BatchQualityChecks.Shipped;

    /// <summary>How long <c>ops.stream_batches</c> keeps each committed batch (the committers delete older rows about hourly). Default 7 days.</summary>
    public TimeSpan BatchHistoryRetention { get; init; } = BatchCommitter.DefaultHistoryRetention;

    /// <summary>Called after every committed batch with what it did (e.g. in-process metrics); must be quick and must not throw.</summary>
    public Action<CommittedBatch>? BatchCommitted { get; init; }

    public BatchCommitter CreateCommitter(string workerId) => new(DataSource, Stages, Time, workerId, Log, QualityChecks, BatchHistoryRetention, BatchCommitted);

    public GoldRefresher CreateGoldRefresher() => new(DataSource, Time, GoldRefreshInterval ?? TimeSpan.FromMilliseconds(500), Log);
}
