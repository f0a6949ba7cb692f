using Npgsql;

namespace CareLake.Quality;

/// <summary>The tables and columns the database has: every identifier of a suite is checked here before any SQL names it.</summary>
internal sealed class TableCatalog
{
    private readonly Dictionary<string, Dictionary<string, string>> _tables;

    private TableCatalog(Dictionary<string, Dictionary<string, string>> tables) => _tables = tables;

    public static async Task<TableCatalog> LoadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns " +
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            if (!tables.TryGetValue(table, out var columns)) tables[table] = columns = new Dictionary<string, string>(StringComparer.Ordinal);
            columns[reader.GetString(1)] = reader.GetString(2);
        }

        return new TableCatalog(tables);
    }

    private static readonly HashSet<string> Numeric = new(StringComparer.Ordinal) { "smallint", "integer", "bigint", "numeric", "real", "double precision" };
    private static readonly HashSet<string> Temporal = new(StringComparer.Ordinal) { "timestamp with time zone", "timestamp without time zone", "date" };

    /// <summary>Null when every identifier the check uses exists with a fitting type; otherwise what is wrong.</summary>
    public string? Problem(QualitySuite suite, QualityCheck? check)
    {
        if (!_tables.TryGetValue(suite.Table, out var columns)) return $"table {suite.Table} does not exist";
        foreach (var k in suite.Key)
        {
            if (!columns.ContainsKey(k)) return $"key column {k} is not a column of {suite.Table}";
        }

        if (check is null) return null;
        if (check.Column is { } column)
        {
            if (!columns.TryGetValue(column, out var type)) return $"column {column} is not a column of {suite.Table}";
            if (check.Type is CheckTypes.Range || (check.Type == CheckTypes.Drift && check.Metric == "mean"))
            {
                if (!Numeric.Contains(type)) return $"{check.Type} needs a numeric column; {column} is {type}";
            }

            if (check.Type == CheckTypes.Freshness && !Temporal.Contains(type)) return $"freshness needs a timestamp or date column; {column} is {type}";
        }

        foreach (var c in check.Columns)
        {
            if (!columns.ContainsKey(c)) return $"column {c} is not a column of {suite.Table}";
        }

        if (check.Type == CheckTypes.Relationships)
        {
            if (!_tables.TryGetValue(check.To!, out var target)) return $"table {check.To} does not exist";
            if (!target.ContainsKey(check.Field!)) return $"column {check.Field} is not a column of {check.To}";
        }

        return null;
    }

    public bool HasColumn(string table, string column) => _tables.TryGetValue(table, out var columns) && columns.ContainsKey(column);
}
