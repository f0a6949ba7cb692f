using Npgsql;

namespace CareLake.Warehouse.Silver;

/// <summary>Silver and gold as a whole: both are derived from bronze and can be emptied and derived again.</summary>
public static class DerivedLayers
{
    /// <summary>Empties every silver and gold table (bronze, source positions and imported files are kept).</summary>
    public static async Task ClearAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand(SqlResources.Warehouse.Load("Silver/clear_derived_layers.sql"));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
