using CareLake.Warehouse.Migrations;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Testing;

/// <summary>
/// A real PostgreSQL server for tests: <c>CARELAKE_TEST_DATABASE_URL</c> when set, otherwise a local cluster
/// (CareLake's own <see cref="LocalPostgres"/>) in <c>CARELAKE_TEST_DATA_DIR</c> or a shared folder under /tmp,
/// started on first use. Every test class gets its own freshly migrated database, so tests never see
/// each other's rows.
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _serverConnectionString;

    /// <summary>The local cluster's data folder when tests run on one; null with an external server.</summary>
    public static string? LocalDataDirectory { get; private set; }

    /// <summary>Creates (or recreates) a migrated database and returns its connection string.</summary>
    public static async Task<string> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var server = await ServerAsync(cancellationToken);
        var database = "test_" + new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        if (database.Length > 60) database = database[..60];
        var connectionString = await DatabaseAdmin.RecreateAsync(server, database, cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await MigrationRunner.ApplyAsync(dataSource, cancellationToken);
        return connectionString;
    }

    private static async Task<string> ServerAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (_serverConnectionString is not null) return _serverConnectionString;
            var url = Environment.GetEnvironmentVariable("CARELAKE_TEST_DATABASE_URL");
            if (!string.IsNullOrWhiteSpace(url))
            {
                return _serverConnectionString = DatabaseUrl.ToConnectionString(url);
            }

            LocalDataDirectory = Environment.GetEnvironmentVariable("CARELAKE_TEST_DATA_DIR") is { Length: > 0 } dir
                ? dir
                : Path.Combine(Path.GetTempPath(), "carelake-test-postgres");
            var local = new LocalPostgres(LocalDataDirectory);
            await local.EnsureStartedAsync(cancellationToken);
            return _serverConnectionString = local.ConnectionString();
        }
        finally
        {
            Gate.Release();
        }
    }
}
