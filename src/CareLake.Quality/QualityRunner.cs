using System.Diagnostics;
using System.Text.Json.Nodes;
using CareLake.Core.Configuration;
using CareLake.Warehouse.Operations;
using Npgsql;

namespace CareLake.Quality;

/// <param name="RunId">The caller's run id (a DAG run, a CLI invocation), recorded with the results.</param>
/// <param name="Tables">Tables or suites to check, e.g. <c>gold.fact_encounter</c>; null checks every suite.</param>
public sealed record QualityRunRequest(string RunId, IReadOnlyList<string>? Tables);

/// <param name="BlockedTables">Tables with a failing error-severity check: what reads them must not run or be published.</param>
public sealed record QualityRunOutcome(long DqRunId, int Checks, int Passed, int Warned, int Failed, int Quarantined, IReadOnlyList<string> BlockedTables);

/// <summary>One check's result, as recorded in <c>ops.dq_results</c>.</summary>
public sealed record QualityCheckResult(
    long ResultId, string Suite, string Table, string Check, string Type, QualitySeverity Severity, string Status,
    double? Observed, string Threshold, long FailingRows, string? Message, long DurationMs);

/// <summary>How a run is made beyond the request: which suites, settings, what started it, and who watches.</summary>
public sealed record QualityRunSettings
{
    /// <summary>The suites to choose from (default: <see cref="QualitySuites.All"/>).</summary>
    public IReadOnlyList<QualitySuite>? Suites { get; init; }

    public QualityOptions Options { get; init; } = new();

    /// <summary>What started the run: <c>dag</c> (the default), <c>cli</c>, <c>test</c>.</summary>
    public string Trigger { get; init; } = "dag";

    /// <summary>Called after each check with its result and the number of checks in the run.</summary>
    public Action<QualityCheckResult, int>? Progress { get; init; }
}

/// <summary>Status values of <c>ops.dq_results</c>.</summary>
public static class CheckStatus
{
    public const string Passed = "passed";
    public const string Warned = "warned";
    public const string Failed = "failed";
    public const string Quarantined = "quarantined";
    public const string Errored = "errored";
}

/// <summary>
/// Runs expectation suites against the warehouse and records every result in <c>ops.dq_results</c> and every failing
/// row's key in <c>ops.dq_failures</c>. Each check runs in its own transaction: a quarantine check's failing rows are
/// moved to <c>ops.dq_quarantine</c> in the same transaction that records them. A check that cannot run (a missing
/// column, broken SQL) is recorded as <c>errored</c> and counts as failed. Breaches raise an operational alert.
/// </summary>
public static class QualityRunner
{
    public static Task<QualityRunOutcome> RunAsync(NpgsqlDataSource dataSource, QualityRunRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(dataSource, request, new QualityRunSettings(), cancellationToken);

    /// <exception cref="QualitySuiteException">The request names a table no suite checks.</exception>
    public static async Task<QualityRunOutcome> RunAsync(NpgsqlDataSource dataSource, QualityRunRequest request, QualityRunSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        var suites = QualitySuites.Select(settings.Suites ?? QualitySuites.All, request.Tables);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (settings.Options.RetentionDays > 0) await ApplyRetentionAsync(connection, settings.Options.RetentionDays, cancellationToken);

        long dqRunId;
        await using (var start = new NpgsqlCommand("INSERT INTO ops.dq_runs (run_id, trigger) VALUES (@run, @trigger) RETURNING dq_run_id", connection))
        {
            start.Parameters.AddWithValue("run", request.RunId);
            start.Parameters.AddWithValue("trigger", settings.Trigger);
            dqRunId = (long)(await start.ExecuteScalarAsync(cancellationToken))!;
        }

        var catalog = await TableCatalog.LoadAsync(connection, cancellationToken);
        var total = suites.Sum(s => s.Checks.Count);
        var results = new List<QualityCheckResult>(total);
        foreach (var suite in suites)
        {
            foreach (var check in suite.Checks)
            {
                var result = await RunCheckAsync(connection, catalog, dqRunId, suite, check, settings.Options, cancellationToken);
                results.Add(result);
                settings.Progress?.Invoke(result, total);
            }
        }

        var outcome = new QualityRunOutcome(
            dqRunId, results.Count,
            results.Count(r => r.Status == CheckStatus.Passed),
            results.Count(r => r.Status == CheckStatus.Warned),
            results.Count(r => r.Status is CheckStatus.Failed or CheckStatus.Errored),
            results.Count(r => r.Status == CheckStatus.Quarantined),
            results.Where(r => r.Severity == QualitySeverity.Error && r.Status is CheckStatus.Failed or CheckStatus.Errored)
                .Select(r => r.Table).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
        await using (var finish = new NpgsqlCommand(
            "UPDATE ops.dq_runs SET finished_at = clock_timestamp(), checks = @c, passed = @p, warned = @w, failed = @f, quarantined = @q WHERE dq_run_id = @id", connection))
        {
            finish.Parameters.AddWithValue("c", outcome.Checks);
            finish.Parameters.AddWithValue("p", outcome.Passed);
            finish.Parameters.AddWithValue("w", outcome.Warned);
            finish.Parameters.AddWithValue("f", outcome.Failed);
            finish.Parameters.AddWithValue("q", outcome.Quarantined);
            finish.Parameters.AddWithValue("id", dqRunId);
            await finish.ExecuteNonQueryAsync(cancellationToken);
        }

        return outcome;
    }

    /// <summary>The results of one recorded run, in the order they ran.</summary>
    public static async Task<IReadOnlyList<QualityCheckResult>> ResultsAsync(NpgsqlDataSource dataSource, long dqRunId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(
            "SELECT result_id, suite, table_name, check_name, check_type, severity, status, observed_value, threshold, failing_rows, message, duration_ms " +
            "FROM ops.dq_results WHERE dq_run_id = $1 ORDER BY result_id");
        command.Parameters.AddWithValue(dqRunId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<QualityCheckResult>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new QualityCheckResult(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                ParseSeverity(reader.GetString(5)), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.IsDBNull(8) ? "" : reader.GetString(8), reader.GetInt64(9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.GetInt64(11)));
        }

        return results;
    }

    internal static QualitySeverity ParseSeverity(string text) => text switch
    {
        "warn" => QualitySeverity.Warn,
        "quarantine" => QualitySeverity.Quarantine,
        _ => QualitySeverity.Error,
    };

    internal static string SeverityText(QualitySeverity severity) => severity switch
    {
        QualitySeverity.Warn => "warn",
        QualitySeverity.Quarantine => "quarantine",
        _ => "error",
    };

    private static async Task ApplyRetentionAsync(NpgsqlConnection connection, int days, CancellationToken cancellationToken)
    {
        // Whole runs at a time; results, failures and quarantined rows' records follow by ON DELETE CASCADE. The gold
        // columns' null-share history is quality history too.
        await using var command = new NpgsqlCommand(
            "DELETE FROM ops.dq_runs WHERE started_at < now() - make_interval(days => @days);" +
            "DELETE FROM ops.gold_completeness_history WHERE measured_at < now() - make_interval(days => @days)", connection);
        command.Parameters.AddWithValue("days", days);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<QualityCheckResult> RunCheckAsync(NpgsqlConnection connection, TableCatalog catalog, long dqRunId, QualitySuite suite, QualityCheck check, QualityOptions options, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (catalog.Problem(suite, check) is { } problem)
        {
            return await RecordAsync(connection, null, dqRunId, suite, check, CheckStatus.Errored, null, 0, $"cannot run: {problem}", watch, null, cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var sql = new CheckSql(suite, check);
            QualityCheckResult result;
            if (check.IsRowLevel)
            {
                var failing = await ScalarAsync<long>(connection, transaction, sql.CountFailing(), sql.Parameters, cancellationToken);
                var status = failing == 0 ? CheckStatus.Passed : FailedStatus(check.Severity);
                result = await RecordAsync(connection, transaction, dqRunId, suite, check, status, failing, failing,
                    failing == 0 ? null : $"{failing:N0} rows fail", watch, sql, cancellationToken);
            }
            else
            {
                var (observed, pass, message) = await MeasureAsync(connection, transaction, suite, check, sql, options, cancellationToken);
                result = await RecordAsync(connection, transaction, dqRunId, suite, check, pass ? CheckStatus.Passed : FailedStatus(check.Severity),
                    observed, 0, message, watch, null, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (PostgresException e) when (!e.IsTransient && e.SqlState is not ("57P01" or "57P02" or "57P03"))
        {
            await transaction.RollbackAsync(cancellationToken);
            return await RecordAsync(connection, null, dqRunId, suite, check, CheckStatus.Errored, null, 0, $"cannot run: {e.SqlState}: {e.MessageText}", watch, null, cancellationToken);
        }
    }

    internal static string FailedStatus(QualitySeverity severity) => severity switch
    {
        QualitySeverity.Warn => CheckStatus.Warned,
        QualitySeverity.Quarantine => CheckStatus.Quarantined,
        _ => CheckStatus.Failed,
    };

    private static async Task<(double? Observed, bool Pass, string? Message)> MeasureAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, QualitySuite suite, QualityCheck check, CheckSql sql, QualityOptions options, CancellationToken cancellationToken)
    {
        switch (check.Type)
        {
            case CheckTypes.RowCount:
            {
                var rows = await ScalarAsync<double?>(connection, transaction, sql.Measure(), sql.Parameters, cancellationToken) ?? 0;
                var pass = (check.Min is null || rows >= check.Min) && (check.Max is null || rows <= check.Max);
                return (rows, pass, pass ? null : $"{rows:N0} rows, outside {check.Threshold}");
            }

            case CheckTypes.Freshness:
            {
                var age = await ScalarAsync<double?>(connection, transaction, sql.Measure(), sql.Parameters, cancellationToken);
                if (age is null) return (null, false, "the table has no rows to be fresh");
                var pass = age.Value <= check.MaxAgeHours!.Value * 3600;
                return (age, pass, pass ? null : $"newest {check.Column} is {age.Value / 3600:0.#} h old");
            }

            case CheckTypes.NullPct:
            {
                var pct = await ScalarAsync<double?>(connection, transaction, sql.Measure(), sql.Parameters, cancellationToken) ?? 0;
                var pass = pct <= check.Max!.Value;
                return (pct, pass, pass ? null : $"{pct:0.##}% of {check.Column} is null");
            }

            case CheckTypes.Drift:
            {
                var value = await ScalarAsync<double?>(connection, transaction, sql.Measure(check.Metric), sql.Parameters, cancellationToken);
                if (value is null) return (null, true, "no values to compare");
                var history = await HistoryAsync(connection, transaction, suite, check, check.Runs ?? options.DriftRuns, cancellationToken);
                if (history.Count < 2) return (value, true, $"baseline: {history.Count} earlier runs");
                var z = DriftScore(value.Value, history);
                var pass = z <= check.MaxZ;
                return (value, pass, $"{check.Metric} {value.Value:0.####} against {history.Average():0.####} over {history.Count} runs: z = {z:0.##}");
            }

            default:
                throw new InvalidOperationException($"{check.Type} is not a table-level check.");
        }
    }

    /// <summary>
    /// How far a value lies from earlier runs' values, in their standard deviations. The deviation is floored at 1% of
    /// the mean's magnitude (and a tiny absolute amount), so that perfectly stable history does not make any change an
    /// infinite drift.
    /// </summary>
    public static double DriftScore(double value, IReadOnlyCollection<double> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var mean = history.Average();
        var variance = history.Sum(h => (h - mean) * (h - mean)) / Math.Max(1, history.Count - 1);
        var deviation = Math.Max(Math.Sqrt(variance), Math.Max(Math.Abs(mean) * 0.01, 1e-9));
        return Math.Abs(value - mean) / deviation;
    }

    private static async Task<List<double>> HistoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, QualitySuite suite, QualityCheck check, int runs, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT observed_value FROM ops.dq_results WHERE suite = @suite AND check_name = @check AND status <> 'errored' AND observed_value IS NOT NULL " +
            "ORDER BY result_id DESC LIMIT @runs", connection, transaction);
        command.Parameters.AddWithValue("suite", suite.Name);
        command.Parameters.AddWithValue("check", check.Name);
        command.Parameters.AddWithValue("runs", runs);
        var values = new List<double>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetDouble(0));
        return values;
    }

    internal static async Task<QualityCheckResult> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, long dqRunId, QualitySuite suite, QualityCheck check, string status,
        double? observed, long failing, string? message, Stopwatch watch, CheckSql? sql, CancellationToken cancellationToken,
        string? scope = null, IReadOnlyDictionary<string, object>? scopeParameters = null, bool moveRows = true)
    {
        long resultId;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO ops.dq_results (dq_run_id, suite, table_name, check_name, check_type, severity, status, observed_value, threshold, failing_rows, message, duration_ms) " +
            "VALUES (@run, @suite, @table, @check, @type, @severity, @status, @observed, @threshold, @failing, @message, @ms) RETURNING result_id", connection, transaction))
        {
            insert.Parameters.AddWithValue("run", dqRunId);
            insert.Parameters.AddWithValue("suite", suite.Name);
            insert.Parameters.AddWithValue("table", suite.Table);
            insert.Parameters.AddWithValue("check", check.Name);
            insert.Parameters.AddWithValue("type", check.Type);
            insert.Parameters.AddWithValue("severity", SeverityText(check.Severity));
            insert.Parameters.AddWithValue("status", status);
            insert.Parameters.AddWithValue("observed", NpgsqlTypes.NpgsqlDbType.Double, (object?)observed ?? DBNull.Value);
            insert.Parameters.AddWithValue("threshold", check.Threshold);
            insert.Parameters.AddWithValue("failing", failing);
            insert.Parameters.AddWithValue("message", NpgsqlTypes.NpgsqlDbType.Text, (object?)message ?? DBNull.Value);
            insert.Parameters.AddWithValue("ms", watch.ElapsedMilliseconds);
            resultId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        if (sql is not null && failing > 0)
        {
            var extra = new Dictionary<string, object>(sql.Parameters, StringComparer.Ordinal)
            {
                ["result_id"] = resultId,
                ["dq_run_id"] = dqRunId,
                ["table_name"] = suite.Table,
            };
            foreach (var (k, v) in scopeParameters ?? new Dictionary<string, object>()) extra[k] = v;
            await ExecuteAsync(connection, transaction, sql.InsertFailures(scope), extra, cancellationToken);
            if (check.Severity == QualitySeverity.Quarantine && moveRows)
            {
                extra["reason"] = $"dq:{suite.Name}.{check.Name}";
                await ExecuteAsync(connection, transaction, sql.MoveToQuarantine(scope), extra, cancellationToken);
            }
        }

        if (status is not CheckStatus.Passed)
        {
            var alertSeverity = status switch
            {
                CheckStatus.Failed or CheckStatus.Errored when check.Severity == QualitySeverity.Error => "high",
                CheckStatus.Warned => "info",
                _ => "warning",
            };
            await OperationalEvents.RaiseAsync(connection, new OperationalAlert(
                "dq_breach", alertSeverity, $"dq_breach:{suite.Name}.{check.Name}",
                $"Data-quality check {suite.Name}.{check.Name} ({check.Type}, {SeverityText(check.Severity)}) {status}: {message ?? check.Threshold}",
                new JsonObject { ["table"] = "ops.dq_results", ["id"] = resultId }), cancellationToken);
        }

        return new QualityCheckResult(resultId, suite.Name, suite.Table, check.Name, check.Type, check.Severity, status, observed, check.Threshold, failing, message, watch.ElapsedMilliseconds);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default! : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, IReadOnlyDictionary<string, object> parameters, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
