using System.Diagnostics;
using CareLake.Core.Configuration;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Bench.Scenarios;

/// <summary>The database a benchmark runs on: CARELAKE_DATABASE_URL, or a local cluster in a scratch folder.</summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly LocalPostgres? _local;

    private BenchEnvironment(string server, LocalPostgres? local)
    {
        ServerConnectionString = server;
        _local = local;
    }

    public string ServerConnectionString { get; }

    public static async Task<BenchEnvironment> StartAsync()
    {
        var options = CareLakeOptions.FromEnvironment();
        if (!options.IsLocalMode) return new BenchEnvironment(DatabaseUrl.ToConnectionString(options.DatabaseUrl!), null);
        var local = new LocalPostgres(Path.Combine(Path.GetTempPath(), "carelake-bench"), options.PostgresBinDirectory, m => Console.Error.WriteLine(m));
        await local.EnsureStartedAsync();
        return new BenchEnvironment(local.ConnectionString(), local);
    }

    /// <summary>A new, migrated database.</summary>
    public async Task<NpgsqlDataSource> FreshDatabaseAsync(string name)
    {
        var dataSource = NpgsqlDataSource.Create(await DatabaseAdmin.RecreateAsync(ServerConnectionString, name));
        await CareLake.Warehouse.Migrations.MigrationRunner.ApplyAsync(dataSource);
        return dataSource;
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    public static long PeakWorkingSetMiB() => PeakWorkingSetBytes() >> 20;

    public static long PeakWorkingSetBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        if (_local is not null) await _local.StopIfUnusedAsync();
    }
}
