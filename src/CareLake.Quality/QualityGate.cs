using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Quality;

/// <summary>
/// What an error-severity breach stops: the table itself, every gold model that reads it (directly or through other
/// models), and their Parquet export. The DAG asks before running a model, the export before writing a table.
/// </summary>
public static class QualityGate
{
    /// <summary>
    /// Tables whose latest result of some error-severity check is <c>failed</c> or <c>errored</c>. A later passing run of
    /// the same check lifts the block.
    /// </summary>
    public static async Task<IReadOnlyList<string>> BlockedTablesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT table_name
            FROM (SELECT DISTINCT ON (suite, check_name) table_name, severity, status
                  FROM ops.dq_results ORDER BY suite, check_name, result_id DESC) latest
            WHERE severity = 'error' AND status IN ('failed', 'errored')
            ORDER BY table_name
            """);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        return tables;
    }

    /// <summary>The blocked tables and every gold model's table downstream of them, ordered by name.</summary>
    public static IReadOnlyList<string> Downstream(IEnumerable<string> blockedTables, IReadOnlyList<GoldModel>? models = null)
    {
        ArgumentNullException.ThrowIfNull(blockedTables);
        var blocked = new HashSet<string>(blockedTables, StringComparer.Ordinal);
        // GoldModels.All is in dependency order, so one pass reaches every transitive reader.
        foreach (var model in models ?? GoldModels.All)
        {
            if (model.DependsOn.Any(input => blocked.Contains(input.Contains('.', StringComparison.Ordinal) ? input : "gold." + input))) blocked.Add(model.Table);
        }

        return blocked.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Tables that must not be built or published now: <see cref="Downstream"/> of <see cref="BlockedTablesAsync"/>.</summary>
    public static async Task<IReadOnlyList<string>> UnpublishableAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default) =>
        Downstream(await BlockedTablesAsync(dataSource, cancellationToken));
}
