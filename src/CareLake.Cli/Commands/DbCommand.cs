using System.CommandLine;
using System.Diagnostics;
using CareLake.Warehouse.Postgres;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake db</c>: the local PostgreSQL cluster of local mode (status, start, stop, psql).</summary>
public static class DbCommand
{
    public static Command Create()
    {
        var database = new Option<string>("--database")
        {
            Description = $"Database to open. Default {LocalPostgres.DefaultDatabase} (the demo's is {DemoCommand.DemoDatabase}).",
            DefaultValueFactory = _ => LocalPostgres.DefaultDatabase,
        };
        var psql = new Command("psql", "Open psql on the local warehouse (starting the cluster if needed, stopping it afterwards unless others use it).") { database };
        psql.SetAction(async (context, parseResult) =>
        {
            var local = Local(context);
            await local.EnsureStartedAsync(context.Stopping);
            try
            {
                using var process = Process.Start(new ProcessStartInfo("psql")
                {
                    ArgumentList = { "-h", local.SocketDirectory, "-U", LocalPostgres.SuperUser, "-d", parseResult.GetValue(database)! },
                    UseShellExecute = false,
                }) ?? throw new InvalidOperationException("could not start psql");
                await process.WaitForExitAsync(context.Stopping);
                return process.ExitCode;
            }
            finally
            {
                await local.StopIfUnusedAsync(CancellationToken.None);
            }
        });

        var status = new Command("status", "Say whether the local cluster is running, and where it lives.");
        status.SetAction(async (context, _) =>
        {
            var local = Local(context);
            var running = await local.IsRunningAsync(context.Stopping);
            Console.WriteLine($"local PostgreSQL: {(running ? "running" : "stopped")}; data {local.DataPath}; socket {local.SocketDirectory}");
            return 0;
        });

        var start = new Command("start", "Start the local cluster and leave it running (for psql or BI tools on its socket) until `carelake db stop`.");
        start.SetAction(async (context, _) =>
        {
            var local = Local(context);
            await local.EnsureStartedAsync(context.Stopping);
            await local.EnsureDatabaseAsync(LocalPostgres.DefaultDatabase, context.Stopping);
            Console.WriteLine($"running; connect with: psql \"host={local.SocketDirectory} user={LocalPostgres.SuperUser} dbname={LocalPostgres.DefaultDatabase}\"");
            return 0;
        });

        var stop = new Command("stop", "Stop the local cluster (committed data is kept).");
        stop.SetAction(async (context, _) =>
        {
            await Local(context).StopAsync(context.Stopping);
            return 0;
        });

        return new Command("db", "Manage local mode's private PostgreSQL cluster (in the data directory, CARELAKE_DATA_DIR).") { status, start, stop, psql };
    }

    private static LocalPostgres Local(CliContext context)
    {
        if (!context.Options.IsLocalMode)
        {
            throw new Core.Configuration.ConfigurationException("CARELAKE_DATABASE_URL is set: CareLake uses that server, not a local cluster.");
        }

        return new LocalPostgres(context.Options.DataDirectory, context.Options.PostgresBinDirectory, CliContext.Log);
    }
}
