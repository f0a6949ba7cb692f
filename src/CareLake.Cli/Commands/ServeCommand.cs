using System.CommandLine;
using CareLake.Core.Configuration;
using CareLake.Warehouse.Postgres;
using CareLake.Web;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake serve</c>: the HTTP ingest API and the dashboard, answering each request once its records are durably committed.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "TCP port; 0 picks a free one. Default: http_port / CARELAKE_HTTP_PORT (8080)." };
        var host = new Option<string?>("--host") { Description = "IP address to listen on (0.0.0.0 for every interface). Default 127.0.0.1." };
        var workerId = new Option<string?>("--worker-id") { Description = "Name of this server in logs. Default: host-pid." };
        var database = new Option<string?>("--database")
        {
            Description = $"Local mode: the database of the local cluster to serve. Default {LocalPostgres.DefaultDatabase}; " +
                          $"{DemoCommand.DemoDatabase} serves what `carelake demo` built.",
        };
        var command = new Command("serve",
            "Run the HTTP ingest API and the dashboard: POST /v1/events/{topic} (JSON or NDJSON contract events), /v1/fhir (Bundle or NDJSON) and " +
            "/v1/hl7 (HL7 v2 messages). Each request is answered after its records are committed to bronze and silver, with every " +
            "record's fate; gold is kept up alongside. The dashboard at /ward, OpenAPI at /openapi/v1.json, a browsable reference at /scalar.")
        {
            port, host, workerId, database,
        };

        command.SetAction(async (context, parseResult) =>
        {
            var options = context.Options;
            var settings = WebServerSettings.From(options, parseResult.GetValue(host), parseResult.GetValue(port));
            settings.BindAddress();
            var localDatabase = parseResult.GetValue(database);
            if (localDatabase is not null && !options.IsLocalMode)
            {
                throw new ConfigurationException("--database names a database of the local cluster; with CARELAKE_DATABASE_URL set, name the database in the URL.");
            }

            var id = parseResult.GetValue(workerId) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping,
                localDatabase: localDatabase ?? LocalPostgres.DefaultDatabase);
            return await ServeAsync(warehouse, context, settings, id, fallBackToFreePort: false);
        });
        return command;
    }

    /// <summary>
    /// Serves the ingest API and the dashboard on an open warehouse until Ctrl-C/SIGTERM, with the alert dispatcher
    /// beside it; prints the dashboard's address. When the port is taken: with <paramref name="fallBackToFreePort"/>
    /// it says so and serves on a free port instead, otherwise it fails.
    /// </summary>
    internal static async Task<int> ServeAsync(Warehouse.Postgres.Warehouse warehouse, CliContext context, WebServerSettings settings, string workerId,
        bool fallBackToFreePort)
    {
        var pipeline = StreamCommand.Pipeline(warehouse, context.Options, context);
        await using var alerts = AlertsBeside.Start(warehouse.DataSource, context.Options, context);
        while (true)
        {
            try
            {
                await CareLakeServer.RunAsync(settings, pipeline, workerId, address =>
                {
                    var authority = address.GetLeftPart(UriPartial.Authority);
                    Console.WriteLine($"listening on {authority}");
                    Console.WriteLine($"dashboard: {authority}/ward — Ctrl-C to stop");
                    Console.Out.Flush();
                }, CliContext.Log, context.Stopping);
                break;
            }
            catch (IOException e) when (fallBackToFreePort && settings.Port != 0)
            {
                CliContext.Log($"port {settings.Port} on {settings.Host} is not free ({e.Message}); serving on a free port instead");
                settings = settings with { Port = 0 };
            }
            catch (IOException e)
            {
                CliContext.Log($"error: cannot listen on {settings.Host}:{settings.Port}: {e.Message}");
                return CommandRunner.Failed;
            }
        }

        CliContext.Log("stopped");
        return 0;
    }
}
