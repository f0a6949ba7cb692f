using System.CommandLine;
using CareLake.Core.Configuration;
using CareLake.Ingest.Positions;
using CareLake.Warehouse.Postgres;

namespace CareLake.Cli.Commands;

/// <summary>Runs a command's body with the shared context and turns expected failures into a message and an exit code.</summary>
internal static class CommandRunner
{
    public const int Failed = 1;
    public const int Misconfigured = 2;

    public static void SetAction(this Command command, Func<CliContext, ParseResult, Task<int>> body) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                using var context = CliContext.Create(parseResult, cancellationToken);
                return await body(context, parseResult);
            }
            catch (ConfigurationException e)
            {
                CliContext.Log($"error: {e.Message}");
                return Misconfigured;
            }
            catch (Exception e) when (e is WarehouseException or PositionConflictException)
            {
                CliContext.Log($"error: {e.Message}");
                return Failed;
            }
            catch (OperationCanceledException)
            {
                CliContext.Log("stopped");
                return 130;
            }
        });
}
