using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Quality;

/// <summary>What the row-level checks found in one micro-batch.</summary>
public sealed record BatchQualityOutcome(int FailedChecks, long FailingRows, long QuarantinedRows)
{
    public static BatchQualityOutcome None { get; } = new(0, 0, 0);
}

/// <summary>
/// The silver suites' per-row checks (not_null, accepted_values, range, regex, custom_sql) applied to the rows one
/// micro-batch wrote, inside the batch's transaction: one query per silver table with such checks, restricted to the
/// batch's bronze ids. Only tables with a <c>bronze_id</c> and an <c>event_id</c> take part (the derived tables, e.g.
/// <c>silver.encounters</c>, are checked by <c>carelake dq</c>). Nothing is recorded for a clean batch. A failing check is
/// recorded in a <c>stream</c> run of <c>ops.dq_runs</c> with its failing rows' keys and an operational alert;
/// <c>quarantine</c> moves the failing rows from the silver table to <c>silver.quarantine</c> (reason
/// <c>dq:&lt;suite&gt;.&lt;check&gt;</c>); <c>error</c> keeps the rows and blocks the table through <see cref="QualityGate"/>
/// until a later run passes; <c>warn</c> only records. The batch always commits: one bad record never stops a worker.
/// </summary>
public sealed class BatchQualityChecks
{
    private readonly IReadOnlyList<QualitySuite> _suites;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<TablePlan>? _plans;

    public BatchQualityChecks(IReadOnlyList<QualitySuite> suites)
    {
        ArgumentNullException.ThrowIfNull(suites);
        _suites = suites
            .Where(s => s.Schema == "silver")
            .Select(s => s with { Checks = s.Checks.Where(c => CheckTypes.IsPerRow(c.Type)).ToList() })
            .Where(s => s.Checks.Count > 0)
            .ToList();
    }

    /// <summary>The shipped silver suites' per-row checks.</summary>
    public static BatchQualityChecks Shipped { get; } = new(QualitySuites.All);

    private sealed record TablePlan(QualitySuite Suite, IReadOnlyList<(QualityCheck Check, CheckSql Sql)> Checks, string CountSql);

    private const string Scope = "t.bronze_id = ANY(@dq_batch)";

    private async Task<IReadOnlyList<TablePlan>> PlansAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_plans is not null) return _plans;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_plans is not null) return _plans;
            var catalog = await TableCatalog.LoadAsync(connection, cancellationToken);
            var plans = new List<TablePlan>();
            foreach (var suite in _suites)
            {
                if (!catalog.HasColumn(suite.Table, "bronze_id") || !catalog.HasColumn(suite.Table, "event_id")) continue;
                var checks = suite.Checks.Where(c => catalog.Problem(suite, c) is null)
                    .Select((c, i) => (c, new CheckSql(suite, c, "dq" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))))
                    .ToList();
                if (checks.Count == 0) continue;
                var counts = string.Join(", ", checks.Select(c => $"count(*) FILTER (WHERE {c.Item2.FailingPredicate()})"));
                plans.Add(new TablePlan(suite, checks, $"SELECT {counts} FROM {CheckSql.QuoteTable(suite.Table)} t WHERE {Scope}"));
            }

            return _plans = plans;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="bronzeIds">The bronze ids of the batch's messages (what silver wrote rows for).</param>
    /// <param name="runId">Recorded as the run id of a stream run: the worker.</param>
    public async Task<BatchQualityOutcome> ApplyAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(bronzeIds);
        if (bronzeIds.Count == 0) return BatchQualityOutcome.None;
        var plans = await PlansAsync(connection, cancellationToken);
        if (plans.Count == 0) return BatchQualityOutcome.None;
        var ids = bronzeIds as long[] ?? bronzeIds.ToArray();
        var found = new List<(TablePlan Plan, QualityCheck Check, CheckSql Sql, long Failing)>();
        await using (var batch = new NpgsqlBatch(connection))
        {
            // Small, index-driven queries: compiling them (JIT) would cost more than running them.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL jit = off"));
            foreach (var plan in plans)
            {
                var command = new NpgsqlBatchCommand(plan.CountSql);
                command.Parameters.Add(new NpgsqlParameter("dq_batch", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = ids });
                foreach (var (_, sql) in plan.Checks)
                {
                    foreach (var (name, value) in sql.Parameters) command.Parameters.Add(new NpgsqlParameter(name, value));
                }

                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            foreach (var plan in plans)
            {
                await reader.ReadAsync(cancellationToken);
                for (var i = 0; i < plan.Checks.Count; i++)
                {
                    var failing = reader.GetInt64(i);
                    if (failing > 0) found.Add((plan, plan.Checks[i].Check, plan.Checks[i].Sql, failing));
                }

                await reader.NextResultAsync(cancellationToken);
            }
        }

        if (found.Count == 0) return BatchQualityOutcome.None;
        return await RecordAsync(connection, ids, runId, found, cancellationToken);
    }

    private static async Task<BatchQualityOutcome> RecordAsync(NpgsqlConnection connection, long[] ids, string runId,
        List<(TablePlan Plan, QualityCheck Check, CheckSql Sql, long Failing)> found, CancellationToken cancellationToken)
    {
        long dqRunId;
        await using (var start = new NpgsqlCommand("INSERT INTO ops.dq_runs (run_id, trigger) VALUES (@run, 'stream') RETURNING dq_run_id", connection))
        {
            start.Parameters.AddWithValue("run", runId);
            dqRunId = (long)(await start.ExecuteScalarAsync(cancellationToken))!;
        }

        var scope = new Dictionary<string, object>(StringComparer.Ordinal) { ["dq_batch"] = ids };
        long quarantined = 0;
        int warned = 0, failed = 0, moved = 0;
        foreach (var (plan, check, sql, failing) in found)
        {
            var status = QualityRunner.FailedStatus(check.Severity);
            var result = await QualityRunner.RecordAsync(connection, null, dqRunId, plan.Suite, check, status, failing, failing,
                $"{failing:N0} rows of a micro-batch fail", Stopwatch.StartNew(), sql, cancellationToken, Scope, scope, moveRows: false);
            if (check.Severity == QualitySeverity.Quarantine)
            {
                var parameters = new Dictionary<string, object>(sql.Parameters, StringComparer.Ordinal)
                {
                    ["dq_batch"] = ids,
                    ["reason"] = $"dq:{plan.Suite.Name}.{check.Name}",
                    ["message"] = $"failed data-quality check {plan.Suite.Name}.{check.Name}: {check.Threshold} (ops.dq_results {result.ResultId})",
                    ["field"] = (object?)check.Column ?? DBNull.Value,
                };
                await QualityRunner.ExecuteAsync(connection, null,
                    $"WITH moved AS (DELETE FROM {CheckSql.QuoteTable(plan.Suite.Table)} AS t WHERE {sql.FailingPredicate(Scope)} RETURNING t.bronze_id, t.event_id) " +
                    "INSERT INTO silver.quarantine (bronze_id, stream, event_id, reason_code, message, field, quarantined_at) " +
                    "SELECT m.bronze_id, b.stream, m.event_id, @reason, @message, @field, now() FROM moved m JOIN bronze.raw_events b ON b.id = m.bronze_id " +
                    "ON CONFLICT (bronze_id) DO NOTHING", parameters, cancellationToken);
                quarantined += failing;
                moved++;
            }
            else if (check.Severity == QualitySeverity.Warn)
            {
                warned++;
            }
            else
            {
                failed++;
            }
        }

        await using (var finish = new NpgsqlCommand(
            "UPDATE ops.dq_runs SET finished_at = clock_timestamp(), checks = @c, warned = @w, failed = @f, quarantined = @q WHERE dq_run_id = @id", connection))
        {
            finish.Parameters.AddWithValue("c", found.Count);
            finish.Parameters.AddWithValue("w", warned);
            finish.Parameters.AddWithValue("f", failed);
            finish.Parameters.AddWithValue("q", moved);
            finish.Parameters.AddWithValue("id", dqRunId);
            await finish.ExecuteNonQueryAsync(cancellationToken);
        }

        return new BatchQualityOutcome(found.Count, found.Sum(f => f.Failing), quarantined);
    }
}
