using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CareLake.Streaming.Rebuild;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake rebuild</c>: silver and gold derived again from bronze.</summary>
public static class RebuildCommand
{
    public static Command Create()
    {
        var command = new Command("rebuild",
            "Derive silver and gold again from bronze: empty both, type every bronze message again in the order it landed " +
            "(through the same silver stages as the streams; nothing lands in bronze twice), then recompute gold. Use it after " +
            "a fix to a mapping or model; the result equals what incremental processing builds. Stop the workers writing to " +
            "this warehouse first; an interrupted rebuild is finished by running it again.");
        command.SetAction(async (context, _) =>
        {
            var options = context.Options;
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(options, CliContext.Log, context.Stopping);
            var rebuild = new WarehouseRebuild(StreamCommand.Pipeline(warehouse, options, context), options.BatchMaxMessages, options.BatchMaxBytes);
            var clock = Stopwatch.StartNew();
            var run = Task.Run(() => rebuild.RunAsync(context.Stopping));
            if (CliContext.Interactive)
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask("rebuild", maxValue: 1);
                        while (!run.IsCompleted)
                        {
                            task.MaxValue = Math.Max(1, rebuild.BronzeRows);
                            task.Value = Math.Min(task.MaxValue, rebuild.Retyped);
                            task.Description = $"{rebuild.Phase} · {rebuild.Retyped:N0} of {rebuild.BronzeRows:N0} bronze rows";
                            await Task.WhenAny(run, Task.Delay(200));
                        }

                        task.Value = task.MaxValue;
                    });
            }
            else
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5)));
                    if (!run.IsCompleted) CliContext.Log($"{rebuild.Phase}: {rebuild.Retyped:N0} of {rebuild.BronzeRows:N0} bronze rows");
                }
            }

            await run;
            var s = rebuild.Statistics;
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[bold]{rebuild.Retyped:N0} bronze rows typed again in {clock.Elapsed.TotalSeconds:0.0} s[/]: {s.SilverInserted:N0} silver rows, " +
                $"{s.Duplicates:N0} duplicates, {s.QuarantinedTotal:N0} quarantined, {s.Unsupported:N0} kept in bronze only"));
            AnsiConsole.Write(RunCommand.Summary(rebuild.GoldRuns));
            return 0;
        });
        return command;
    }
}
