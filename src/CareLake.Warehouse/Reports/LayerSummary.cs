using Npgsql;

namespace CareLake.Warehouse.Reports;

/// <summary>Row counts per layer (Reports/layer_summary.sql): what a run left in bronze, silver and gold.</summary>
public sealed class LayerSummary
{
    private readonly List<(string Section, string Item, long Rows)> _rows;

    private LayerSummary(List<(string, string, long)> rows) => _rows = rows;

    public IEnumerable<(string Item, long Rows)> Section(string section) =>
        _rows.Where(r => r.Section == section).Select(r => (r.Item, r.Rows));

    public long Count(string section, string item) =>
        _rows.FirstOrDefault(r => r.Section == section && r.Item == item).Rows;

    public long Total(string section) => _rows.Where(r => r.Section == section).Sum(r => r.Rows);

    public static async Task<LayerSummary> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var rows = new List<(string, string, long)>();
        await using var command = dataSource.CreateCommand(SqlResources.Warehouse.Load("Reports/layer_summary.sql"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return new LayerSummary(rows);
    }
}
