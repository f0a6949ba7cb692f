using System.CommandLine;
using CareLake.Web;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake serve</c>: the HTTP ingest API, answering each request once its records are durably committed.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int?>("--port") { Description = "TCP port; 0 picks a free one. Default: http_port / CARELAKE_HTTP_PORT (8080)." };
        var host = new Option<string?>("--host") { Description = "IP address to listen on (0.0.0.0 for every interface). Default 127.0.0.1." };
        var workerId = new Option<string?>("--worker-id") { Description = "Name of this server in logs. Default: host-pid." };
        var command = new Command("serve",
            "Run the HTTP ingest API: POST /v1/events/{topic} (JSON or NDJSON contract events), /v1/fhir (Bundle or NDJSON) and " +
            "/v1/hl7 (HL7 v2 messages). Each request is answered after its records are committed to bronze and silver, with every " +
            "record's fate; gold is kept up alongside. OpenAPI at /openapi/v1.json, a browsable reference at /scalar.")
        {
            port, host, workerId,
        };

        command.SetAction(async (context, parseResult) =>
        {
            var options = context.Options;
            var settings = WebServerSettings.From(options, parseResult.GetValue(host), parseResult.GetValue(port));
            settings.BindAddress();
            var id = parseResult.GetValue(workerId) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping);
            var pipeline = StreamCommand.Pipeline(warehouse, options, context);
            await using var alerts = AlertsBeside.Start(warehouse.DataSource, options, context);
            try
            {
                await CareLakeServer.RunAsync(settings, pipeline, id, address =>
                {
                    Console.WriteLine($"listening on {address.GetLeftPart(UriPartial.Authority)}");
                    Console.Out.Flush();
                }, CliContext.Log, context.Stopping);
            }
            catch (IOException e)
            {
                CliContext.Log($"error: cannot listen on {settings.Host}:{settings.Port}: {e.Message}");
                return CommandRunner.Failed;
            }

            CliContext.Log("stopped");
            return 0;
        });
        return command;
    }
}
