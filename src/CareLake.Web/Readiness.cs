using CareLake.Warehouse.Migrations;
using Npgsql;

namespace CareLake.Web;

/// <summary>Whether the warehouse answers and carries every migration this CareLake knows.</summary>
internal static class Readiness
{
    /// <returns>Null when ready, otherwise what is wrong.</returns>
    public static async Task<string?> ProblemAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var applied = new HashSet<int>();
        try
        {
            await using var command = dataSource.CreateCommand("SELECT version FROM carelake.schema_migrations");
            await using var reader = await command.ExecuteReaderAsync(timeout.Token);
            while (await reader.ReadAsync(timeout.Token)) applied.Add(reader.GetInt32(0));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return "The warehouse is not migrated yet.";
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return "The warehouse database does not answer.";
        }

        var missing = MigrationRunner.All.Where(m => !applied.Contains(m.Version)).Select(m => $"{m.Version:0000}_{m.Name}").ToList();
        return missing.Count == 0 ? null : $"Migrations not applied yet: {string.Join(", ", missing)}.";
    }
}
