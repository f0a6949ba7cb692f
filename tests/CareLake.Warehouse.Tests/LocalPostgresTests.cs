using CareLake.Core.Configuration;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Warehouse.Tests;

public sealed class LocalPostgresTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "carelake-localpg-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Initialises_starts_stops_and_reuses_a_private_cluster_without_tcp()
    {
        var local = new LocalPostgres(_dataDirectory);

        Assert.True(await local.EnsureStartedAsync());
        Assert.False(await local.EnsureStartedAsync()); // already running: reused, not started again
        await Execute(local.ConnectionString(), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives a restart')");
        Assert.Equal("", await Scalar(local.ConnectionString(), "SHOW listen_addresses"));
        Assert.True(File.Exists(Path.Combine(local.SocketDirectory, ".s.PGSQL.5432")));

        await local.StopAsync();
        Assert.False(await local.IsRunningAsync());

        Assert.True(await local.EnsureStartedAsync());
        Assert.Equal("survives a restart", await Scalar(local.ConnectionString(), "SELECT v FROM kept"));
    }

    [Fact]
    public async Task Local_mode_warehouse_is_migrated_and_stopped_on_dispose()
    {
        var options = CareLakeOptions.Load(null, new Dictionary<string, string?> { ["CARELAKE_DATA_DIR"] = _dataDirectory });
        Assert.True(options.IsLocalMode);

        string connectionString;
        await using (var warehouse = await Postgres.Warehouse.OpenAsync(options))
        {
            connectionString = warehouse.ConnectionString;
            Assert.Equal(1L, await Scalar(connectionString, "SELECT count(*) FROM carelake.schema_migrations WHERE version = 1"));
        }

        Assert.False(await new LocalPostgres(_dataDirectory).IsRunningAsync());
    }

    [Fact]
    public async Task A_long_data_directory_gets_a_short_socket_directory()
    {
        var deep = Path.Combine(_dataDirectory, new string('d', 60), new string('e', 60));
        var local = new LocalPostgres(deep);
        Assert.True(local.SocketDirectory.Length <= 90, local.SocketDirectory);
        Assert.StartsWith(Path.GetTempPath(), local.SocketDirectory, StringComparison.Ordinal);
        await local.EnsureStartedAsync();
        Assert.Equal(1, await Scalar(local.ConnectionString(), "SELECT 1"));
        await local.StopAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var dir in new[] { _dataDirectory, Path.Combine(_dataDirectory, new string('d', 60), new string('e', 60)) })
        {
            var local = new LocalPostgres(dir);
            if (await local.IsRunningAsync()) await local.StopAsync();
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
