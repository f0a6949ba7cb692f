using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using CareLake.Warehouse.Postgres;

namespace CareLake.Warehouse.Migrations;

/// <summary>A versioned schema change: <c>Migrations/NNNN_name.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

/// <summary>
/// Applies the embedded migrations in order, each in its own transaction, under an advisory lock so
/// that workers starting together migrate once. An applied migration whose file changed is an error.
/// </summary>
public static class MigrationRunner
{
    private const long LockKey = 0x4341_5245_4c41_4b45; // "CARELAKE"

    public static IReadOnlyList<Migration> All { get; } = SqlResources.Warehouse.Names("Migrations")
        .Select(path =>
        {
            var file = Path.GetFileNameWithoutExtension(path);
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            return new Migration(int.Parse(file[..underscore], CultureInfo.InvariantCulture), file[(underscore + 1)..], SqlResources.Warehouse.Load(path));
        })
        .OrderBy(m => m.Version)
        .ToList();

    /// <returns>The migrations this call applied.</returns>
    public static async Task<IReadOnlyList<Migration>> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_lock($1)", cancellationToken, LockKey);
        try
        {
            await Execute(connection, """
                CREATE SCHEMA IF NOT EXISTS carelake;
                CREATE TABLE IF NOT EXISTS carelake.schema_migrations (
                    version     integer     PRIMARY KEY,
                    name        text        NOT NULL,
                    checksum    text        NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken);

            var applied = new Dictionary<int, string>();
            await using (var read = new NpgsqlCommand("SELECT version, checksum FROM carelake.schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) applied[reader.GetInt32(0)] = reader.GetString(1);
            }

            var newlyApplied = new List<Migration>();
            foreach (var migration in All)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new WarehouseException($"Migration {migration.Version:0000}_{migration.Name} was changed after it was applied to this database. Migrations are append-only: add a new one instead.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await Execute(connection, migration.Sql, cancellationToken);
                await Execute(connection, "INSERT INTO carelake.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    cancellationToken, migration.Version, migration.Name, migration.Checksum);
                await transaction.CommitAsync(cancellationToken);
                newlyApplied.Add(migration);
            }

            var unknown = applied.Keys.Where(v => All.All(m => m.Version != v)).ToList();
            if (unknown.Count > 0)
            {
                throw new WarehouseException($"This database has migrations {string.Join(", ", unknown)} that this CareLake does not know: it was migrated by a newer version.");
            }

            return newlyApplied;
        }
        finally
        {
            await Execute(connection, "SELECT pg_advisory_unlock($1)", CancellationToken.None, LockKey);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
