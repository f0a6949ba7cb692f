using System.CommandLine;
using CareLake.Cli.Commands;

var root = new RootCommand("CareLake: a healthcare data pipeline from clinical streams to a PostgreSQL medallion warehouse.")
{
    News2Command.Create(),
};

return await root.Parse(args).InvokeAsync();
