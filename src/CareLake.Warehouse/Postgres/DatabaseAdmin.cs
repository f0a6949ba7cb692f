using Npgsql;

namespace CareLake.Warehouse.Postgres;

/// <summary>Creating and dropping databases on a server, through its <c>postgres</c> maintenance database.</summary>
public static class DatabaseAdmin
{
    /// <param name="serverConnectionString">Any connection string to the server; its database part is ignored.</param>
    public static async Task CreateIfMissingAsync(string serverConnectionString, string database, CancellationToken cancellationToken = default)
    {
        await using var maintenance = await OpenMaintenanceAsync(serverConnectionString, cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", maintenance) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)}", maintenance);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Created concurrently by another process.
        }
    }

    /// <summary>Drops the database, disconnecting its sessions, if it exists.</summary>
    public static async Task DropIfExistsAsync(string serverConnectionString, string database, CancellationToken cancellationToken = default)
    {
        NpgsqlConnection.ClearAllPools();
        await using var maintenance = await OpenMaintenanceAsync(serverConnectionString, cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {QuoteIdentifier(database)} WITH (FORCE)", maintenance);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An empty database of that name; returns its connection string.</summary>
    public static async Task<string> RecreateAsync(string serverConnectionString, string database, CancellationToken cancellationToken = default)
    {
        await DropIfExistsAsync(serverConnectionString, database, cancellationToken);
        await CreateIfMissingAsync(serverConnectionString, database, cancellationToken);
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ConnectionString;
    }

    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<NpgsqlConnection> OpenMaintenanceAsync(string serverConnectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = "postgres", Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
