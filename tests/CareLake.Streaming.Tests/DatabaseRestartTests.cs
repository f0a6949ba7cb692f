using CareLake.Warehouse.Migrations;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Streaming.Tests;

/// <summary>
/// PostgreSQL itself goes away mid-stream (fast shutdown: connections cut, open transactions rolled back,
/// a commit in flight either made or not) and comes back. On a cluster of its own, so other tests keep theirs.
/// </summary>
public class DatabaseRestartTests
{
    [Fact]
    public async Task A_database_restart_mid_stream_loses_and_doubles_nothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), "carelake-restart-" + Guid.NewGuid().ToString("N")[..8]);
        var cluster = new LocalPostgres(directory);
        try
        {
            await cluster.EnsureStartedAsync();
            var connectionString = await DatabaseAdmin.RecreateAsync(cluster.ConnectionString(), "restart");
            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            {
                await MigrationRunner.ApplyAsync(dataSource);
            }

            var statistics = await StreamUnderFault.RunAsync(connectionString, "restart", seed: 17, faultAfter: 3000, async _ =>
            {
                await cluster.StopAsync();
                await Task.Delay(TimeSpan.FromSeconds(3));
                await cluster.EnsureStartedAsync();
            });
            Assert.True(statistics.Retries > 0, "no batch met the outage");
        }
        finally
        {
            if (await cluster.IsRunningAsync()) await cluster.StopAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
