using System.Globalization;

namespace CareLake.Quality;

/// <summary>
/// The SQL of a check, built only from a suite whose identifiers were validated against the database's catalogue
/// (<see cref="TableCatalog"/>) and are quoted; values travel as parameters. The <c>where</c> and <c>custom_sql</c>
/// texts come from the suite files, which are part of the program, not from users at run time.
/// </summary>
internal sealed class CheckSql
{
    private readonly QualitySuite _suite;
    private readonly QualityCheck _check;
    private readonly string _prefix;

    /// <param name="prefix">Parameter names' prefix, distinct per check when several checks share one statement.</param>
    public CheckSql(QualitySuite suite, QualityCheck check, string prefix = "dq")
    {
        _suite = suite;
        _check = check;
        _prefix = prefix;
    }

    public Dictionary<string, object> Parameters { get; } = new(StringComparer.Ordinal);

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string QuoteTable(string table)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        return Quote(table[..dot]) + "." + Quote(table[(dot + 1)..]);
    }

    private string Table => QuoteTable(_suite.Table);

    private string Col(string alias = "t") => alias + "." + Quote(_check.Column!);

    private string Param(string name, object value)
    {
        Parameters[_prefix + "_" + name] = value;
        return "@" + _prefix + "_" + name;
    }

    /// <summary>The condition true of a failing row of <c>t</c> (row-level checks), plus the check's filter and an optional scope.</summary>
    public string FailingPredicate(string? scope = null)
    {
        var predicate = _check.Type switch
        {
            CheckTypes.NotNull => $"{Col()} IS NULL",
            CheckTypes.AcceptedValues => $"{Col()} IS NOT NULL AND {Col()}::text <> ALL({Param("values", _check.Values.ToArray())})",
            CheckTypes.Range => string.Join(" OR ", new[]
            {
                _check.Min is { } min ? $"{Col()} < {Param("min", min)}" : null,
                _check.Max is { } max ? $"{Col()} > {Param("max", max)}" : null,
            }.Where(p => p is not null)),
            CheckTypes.Regex => $"{Col()} IS NOT NULL AND {Col()}::text !~ {Param("pattern", _check.Pattern!)}",
            CheckTypes.Relationships => $"{Col()} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {QuoteTable(_check.To!)} r WHERE r.{Quote(_check.Field!)} = {Col()})",
            CheckTypes.Unique => $"({string.Join(", ", _check.Columns.Select(c => "t." + Quote(c)))}) IN (SELECT {string.Join(", ", _check.Columns.Select(Quote))} FROM {Table} " +
                $"{(_check.Where is { } w ? $"WHERE ({w}) " : "")}GROUP BY {string.Join(", ", _check.Columns.Select(Quote))} HAVING count(*) > 1)",
            // Correlated on the key, so that a check of a few rows (a stream batch) probes the key's index instead of running the whole query.
            CheckTypes.CustomSql => $"EXISTS (SELECT 1 FROM ({_check.Sql!.TrimEnd().TrimEnd(';')}) f WHERE {string.Join(" AND ", _suite.Key.Select(k => $"f.{Quote(k)} = t.{Quote(k)}"))})",
            _ => throw new InvalidOperationException($"{_check.Type} is not a row-level check."),
        };
        predicate = "(" + predicate + ")";
        if (_check.Where is { } where) predicate += $" AND ({where})";
        if (scope is not null) predicate += " AND " + scope;
        return predicate;
    }

    /// <summary>The failing row's key as JSON (the whole row when the suite has no key).</summary>
    public string KeyJson(string alias) => _suite.Key.Count == 0
        ? $"to_jsonb({alias})"
        : $"jsonb_build_object({string.Join(", ", _suite.Key.Select(k => $"'{k}', {alias}.{Quote(k)}"))})";

    public string CountFailing(string? scope = null) => $"SELECT count(*) FROM {Table} t WHERE {FailingPredicate(scope)}";

    public string InsertFailures(string? scope = null) =>
        $"INSERT INTO ops.dq_failures (result_id, dq_run_id, table_name, row_key) SELECT @result_id, @dq_run_id, @table_name, {KeyJson("t")} FROM {Table} t WHERE {FailingPredicate(scope)}";

    public string MoveToQuarantine(string? scope = null) =>
        $"WITH moved AS (DELETE FROM {Table} AS t WHERE {FailingPredicate(scope)} RETURNING t.*) " +
        $"INSERT INTO ops.dq_quarantine (result_id, table_name, reason, row_key, row_data) SELECT @result_id, @table_name, @reason, {KeyJson("m")}, to_jsonb(m) FROM moved m";

    private string Filter => _check.Where is { } w ? $" WHERE ({w})" : "";

    /// <summary>The measured value of a table-level check (a double, or null on an empty table for freshness).</summary>
    public string Measure(string? metric = null) => (metric ?? _check.Type) switch
    {
        CheckTypes.RowCount or "row_count" => $"SELECT count(*)::float8 FROM {Table} t{Filter}",
        CheckTypes.Freshness => $"SELECT extract(epoch FROM (now() - max({Col()})::timestamptz))::float8 FROM {Table} t{Filter}",
        CheckTypes.NullPct or "null_pct" => $"SELECT CASE WHEN count(*) = 0 THEN 0 ELSE 100.0 * count(*) FILTER (WHERE {Col()} IS NULL) / count(*) END::float8 FROM {Table} t{Filter}",
        "mean" => $"SELECT avg({Col()})::float8 FROM {Table} t{Filter}",
        var other => throw new InvalidOperationException($"No measure for {other}."),
    };

    public static string Describe(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
