using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CareLake.Warehouse.Postgres;

/// <summary>
/// CareLake's private PostgreSQL cluster for local mode: initialised from the operating system's
/// PostgreSQL binaries inside the data directory, reached over a Unix socket only (no TCP port),
/// started on demand and reused. As root, the cluster runs as the <c>postgres</c> user.
/// </summary>
public sealed class LocalPostgres
{
    public const string SuperUser = "carelake";
    public const string DefaultDatabase = "carelake";
    private const string ServiceUser = "postgres";
    private const int Port = 5432;

    // The socket path (directory + "/.s.PGSQL.5432") must fit in sockaddr_un.sun_path (108 bytes).
    private const int MaxSocketDirectoryLength = 90;

    private readonly string? _binDirectory;
    private readonly Action<string> _log;

    public LocalPostgres(string dataDirectory, string? binDirectory = null, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ClusterDirectory = Path.Combine(Path.GetFullPath(dataDirectory), "postgres");
        _binDirectory = binDirectory;
        _log = log ?? (_ => { });
        SocketDirectory = ChooseSocketDirectory(ClusterDirectory);
    }

    public string ClusterDirectory { get; }
    public string DataPath => Path.Combine(ClusterDirectory, "data");
    public string LogPath => Path.Combine(ClusterDirectory, "postgres.log");
    public string SocketDirectory { get; }

    private static bool IsRoot => Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows();
    private static string? RunAs => IsRoot ? ServiceUser : null;

    public string ConnectionString(string database = DefaultDatabase) => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = SuperUser,
        Database = database,
        ApplicationName = "carelake",
    }.ConnectionString;

    /// <summary>Initialises the cluster if needed and starts it if it is not running.</summary>
    /// <returns>True when this call started the server.</returns>
    public async Task<bool> EnsureStartedAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(ClusterDirectory);
        await using var gate = await FileGate.AcquireAsync(Path.Combine(ClusterDirectory, "..", "postgres.lock"), cancellationToken);
        if (!File.Exists(Path.Combine(DataPath, "PG_VERSION")))
        {
            await InitAsync(cancellationToken);
        }

        if (await IsRunningAsync(cancellationToken))
        {
            return false;
        }

        await WriteConfigurationAsync(cancellationToken);
        _log("starting local PostgreSQL");
        var (code, output) = await PgCtlAsync(["-D", DataPath, "-l", LogPath, "-w", "-t", "120", "start"], cancellationToken);
        if (code != 0)
        {
            throw new WarehouseException($"Local PostgreSQL did not start (pg_ctl exit {code}): {output}\n{Tail(LogPath)}");
        }

        await EnsureDatabaseAsync(DefaultDatabase, cancellationToken);
        return true;
    }

    public async Task<bool> IsRunningAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(DataPath, "PG_VERSION"))) return false;
        var (code, _) = await PgCtlAsync(["-D", DataPath, "status"], cancellationToken);
        return code == 0;
    }

    /// <summary>Stops the server (fast shutdown: open transactions roll back, committed data is safe).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!await IsRunningAsync(cancellationToken)) return;
        // Pooled connections to this server would be broken after a restart.
        NpgsqlConnection.ClearAllPools();
        var (code, output) = await PgCtlAsync(["-D", DataPath, "-m", "fast", "-w", "-t", "120", "stop"], cancellationToken);
        if (code != 0)
        {
            throw new WarehouseException($"Local PostgreSQL did not stop (pg_ctl exit {code}): {output}");
        }
    }

    /// <summary>Stops the server unless clients other than the caller's own connections are attached.</summary>
    public async Task StopIfUnusedAsync(CancellationToken cancellationToken = default)
    {
        if (!await IsRunningAsync(cancellationToken)) return;
        NpgsqlConnection.ClearAllPools();
        var maintenance = new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false };
        await using (var connection = new NpgsqlConnection(maintenance.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()", connection);
            // A backend leaves pg_stat_activity a moment after its client closed the connection: a connection this process
            // has just closed is not another user, so wait briefly for it before deciding.
            var deadline = DateTime.UtcNow.AddSeconds(3);
            long others;
            while ((others = (long)(await command.ExecuteScalarAsync(cancellationToken))!) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }

            if (others > 0)
            {
                _log($"local PostgreSQL left running: {others} other connection(s) in use");
                return;
            }
        }

        NpgsqlConnection.ClearAllPools();
        _log("stopping local PostgreSQL");
        await StopAsync(cancellationToken);
    }

    public Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        DatabaseAdmin.CreateIfMissingAsync(ConnectionString(), database, cancellationToken);

    public Task DropDatabaseAsync(string database, CancellationToken cancellationToken = default) =>
        DatabaseAdmin.DropIfExistsAsync(ConnectionString(), database, cancellationToken);

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        _log($"initialising local PostgreSQL in {DataPath}");
        if (Directory.Exists(DataPath) && Directory.EnumerateFileSystemEntries(DataPath).Any())
        {
            throw new WarehouseException($"{DataPath} exists but holds no PostgreSQL cluster (no PG_VERSION). Move it away or choose another CARELAKE_DATA_DIR.");
        }

        Directory.CreateDirectory(DataPath);
        await PrepareOwnershipAsync(cancellationToken);
        var (code, output) = await ProcessRunner.RunAsync(Binary("initdb"),
            ["-D", DataPath, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"],
            RunAs, cancellationToken);
        if (code != 0)
        {
            throw new WarehouseException($"initdb failed (exit {code}): {output}");
        }

        await File.AppendAllTextAsync(Path.Combine(DataPath, "postgresql.conf"), "\ninclude_if_exists = 'carelake.conf'\n", cancellationToken);
    }

    // Rewritten at every start so that a new CareLake version's settings apply.
    private async Task WriteConfigurationAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(SocketDirectory);
        var conf = string.Create(CultureInfo.InvariantCulture, $"""
            # Written by CareLake at every start of the local cluster; edits here are overwritten.
            listen_addresses = ''
            unix_socket_directories = '{SocketDirectory}'
            port = {Port}
            max_connections = 100
            shared_buffers = 256MB
            work_mem = 16MB
            maintenance_work_mem = 256MB
            max_wal_size = 4GB
            checkpoint_timeout = 15min
            track_commit_timestamp = on
            log_min_messages = warning
            log_line_prefix = '%m [%p] '

            """);
        var path = Path.Combine(DataPath, "carelake.conf");
        await File.WriteAllTextAsync(path, conf, cancellationToken);
        if (IsRoot)
        {
            await ChownAsync(path, cancellationToken);
            await ChownAsync(SocketDirectory, cancellationToken);
        }
    }

    private async Task PrepareOwnershipAsync(CancellationToken cancellationToken)
    {
        if (!IsRoot || OperatingSystem.IsWindows()) return;
        var (exists, _) = await ProcessRunner.RunAsync("id", ["-u", ServiceUser], null, cancellationToken);
        if (exists != 0)
        {
            throw new WarehouseException($"Running as root, the local cluster runs as the '{ServiceUser}' user, which does not exist. Install PostgreSQL (scripts/setup.sh) or set CARELAKE_DATABASE_URL.");
        }

        await ChownAsync(ClusterDirectory, cancellationToken);
        // The service user must be able to reach the data directory through every parent folder.
        var (reachable, _) = await ProcessRunner.RunAsync("test", ["-w", ClusterDirectory], ServiceUser, cancellationToken);
        if (reachable == 0) return;
        for (var dir = Directory.GetParent(ClusterDirectory); dir is not null; dir = dir.Parent)
        {
            var mode = File.GetUnixFileMode(dir.FullName);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                _log($"granting traverse permission (o+x) on {dir.FullName} so that the '{ServiceUser}' user can reach the data directory");
                File.SetUnixFileMode(dir.FullName, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    private async Task ChownAsync(string path, CancellationToken cancellationToken)
    {
        var (code, output) = await ProcessRunner.RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", path], null, cancellationToken);
        if (code != 0) throw new WarehouseException($"chown {path} failed: {output}");
    }

    private Task<(int, string)> PgCtlAsync(string[] arguments, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync(Binary("pg_ctl"), arguments, RunAs, cancellationToken, TimeSpan.FromMinutes(3));

    private string Binary(string name)
    {
        var dir = _binDirectory ?? FindBinDirectory()
            ?? throw new WarehouseException("No PostgreSQL server binaries found under /usr/lib/postgresql. Run scripts/setup.sh (it installs postgresql-15), set CARELAKE_PG_BIN, or set CARELAKE_DATABASE_URL to use an existing server.");
        var path = Path.Combine(dir, name);
        return File.Exists(path) ? path : throw new WarehouseException($"{path} does not exist; check CARELAKE_PG_BIN.");
    }

    private static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.EnumerateDirectories(root)
            .Select(d => (dir: Path.Combine(d, "bin"), version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.dir, "initdb")))
            .OrderByDescending(d => d.version)
            .Select(d => d.dir)
            .FirstOrDefault();
    }

    private static string ChooseSocketDirectory(string clusterDirectory)
    {
        var inside = Path.Combine(clusterDirectory, "run");
        if (inside.Length <= MaxSocketDirectoryLength) return inside;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clusterDirectory)))[..12];
        return Path.Combine(Path.GetTempPath(), $"carelake-pg-{hash}");
    }

    private static string Tail(string path)
    {
        try
        {
            return string.Join('\n', File.ReadLines(path).TakeLast(20));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
