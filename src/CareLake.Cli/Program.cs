using System.CommandLine;
using CareLake.Cli;
using CareLake.Cli.Commands;

CliContext.ConfigureConsole();
var root = new RootCommand("CareLake: a healthcare data pipeline from clinical streams to a PostgreSQL medallion warehouse.")
{
    DemoCommand.Create(),
    StreamCommand.Create(),
    ServeCommand.Create(),
    ImportCommand.Create(),
    News2Command.Create(),
    ScoreCommand.Create(),
    GenerateCommand.Create(),
    GoldCommand.Create(),
    RebuildCommand.Create(),
    RunCommand.Create(),
    ScheduleCommand.Create(),
    ExportCommand.Create(),
    DqCommand.Create(),
    DbCommand.Create(),
    KafkaMockCommand.Create(),
    AlertsCommand.Create(),
};
root.Options.Add(CliContext.ConfigOption);

return await root.Parse(args).InvokeAsync();
