using CareLake.Core.Configuration;
using CareLake.Warehouse.Migrations;
using Npgsql;

namespace CareLake.Warehouse.Postgres;

/// <summary>
/// The warehouse database, opened and migrated: the configured server, or in local mode CareLake's
/// own cluster (started if needed and stopped on dispose unless others still use it).
/// </summary>
public sealed class Warehouse : IAsyncDisposable
{
    private readonly Action<string> _log;

    private Warehouse(NpgsqlDataSource dataSource, LocalPostgres? local, Action<string> log)
    {
        DataSource = dataSource;
        Local = local;
        _log = log;
    }

    public NpgsqlDataSource DataSource { get; }
    public LocalPostgres? Local { get; }
    public string ConnectionString => DataSource.ConnectionString;

    /// <param name="localDatabase">In local mode, the database to use in CareLake's cluster (created when missing).</param>
    /// <param name="recreate">In local mode, drop <paramref name="localDatabase"/> first (the demo's fresh start).</param>
    public static async Task<Warehouse> OpenAsync(CareLakeOptions options, Action<string>? log = null, CancellationToken cancellationToken = default,
        string localDatabase = LocalPostgres.DefaultDatabase, bool recreate = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        log ??= _ => { };
        LocalPostgres? local = null;
        string connectionString;
        if (options.IsLocalMode)
        {
            local = new LocalPostgres(options.DataDirectory, options.PostgresBinDirectory, log);
            await local.EnsureStartedAsync(cancellationToken);
            if (recreate) await local.DropDatabaseAsync(localDatabase, cancellationToken);
            await local.EnsureDatabaseAsync(localDatabase, cancellationToken);
            connectionString = local.ConnectionString(localDatabase);
        }
        else
        {
            connectionString = DatabaseUrl.ToConnectionString(options.DatabaseUrl!);
        }

        var dataSource = await ConnectAsync(connectionString, cancellationToken);
        var warehouse = new Warehouse(dataSource, local, log);
        try
        {
            var applied = await MigrationRunner.ApplyAsync(dataSource, cancellationToken);
            foreach (var m in applied) log($"applied migration {m.Version:0000}_{m.Name}");
        }
        catch
        {
            await warehouse.DisposeAsync();
            throw;
        }

        return warehouse;
    }

    /// <summary>Opens a data source, creating the database when the server is reachable but it does not exist yet.</summary>
    public static async Task<NpgsqlDataSource> ConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        try
        {
            await using var probe = new NpgsqlConnection(builder.ConnectionString);
            await probe.OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await DatabaseAdmin.CreateIfMissingAsync(builder.ConnectionString, builder.Database!, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new WarehouseException($"Cannot connect to PostgreSQL at {builder.Host}:{builder.Port} (database {builder.Database}): {e.Message}. Check CARELAKE_DATABASE_URL, or unset it to use the local cluster.", e);
        }

        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        if (Local is not null)
        {
            try
            {
                await Local.StopIfUnusedAsync();
            }
            catch (Exception e) when (e is WarehouseException or NpgsqlException)
            {
                _log($"could not stop local PostgreSQL: {e.Message}");
            }
        }
    }
}
