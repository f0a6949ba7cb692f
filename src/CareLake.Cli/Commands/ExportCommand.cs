using System.CommandLine;
using System.Globalization;
using CareLake.Export;
using CareLake.Quality;
using Spectre.Console;

namespace CareLake.Cli.Commands;

/// <summary><c>carelake export parquet</c>: gold tables as Parquet files for lakehouse tools.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var parquet = new Command("parquet",
            "Write gold tables as Parquet files, DIR/<table>/part-00000.parquet, for DuckDB, Spark, Databricks, Synapse or Power BI. " +
            "All tables are read in one database snapshot and streamed in row groups; columns keep their types (integers, " +
            "booleans, numeric(p,s) as DECIMAL, other numeric as DOUBLE, timestamptz as UTC TIMESTAMP, date as DATE, arrays " +
            "as JSON text, the rest as UTF-8 strings). Each table is written into a temporary folder and renamed into place " +
            "when complete, so a failed or interrupted export leaves the previous one whole. A table an error-severity data-quality " +
            "check blocks (itself or a table it is built from, see `carelake dq`) is withheld: its previous export stays, and the " +
            "command exits 4 after writing the others.");
        var directory = new Argument<string>("DIR") { Description = "The folder to write into (created if missing); each table replaces its own subfolder." };
        var select = new Option<string[]>("--select", "-s")
        {
            Description = "Export only these gold tables (repeatable, or comma-separated; with or without 'gold.'). Default: every gold table.",
            AllowMultipleArgumentsPerToken = true,
        };
        var rowGroup = new Option<int>("--row-group-size") { Description = "Rows per Parquet row group: what is held in memory per table at once.", DefaultValueFactory = _ => 100_000 };
        var includeBlocked = new Option<bool>("--include-blocked") { Description = "Export tables a data-quality breach blocks as well (for inspecting them; not for publishing)." };
        parquet.Arguments.Add(directory);
        parquet.Options.Add(select);
        parquet.Options.Add(rowGroup);
        parquet.Options.Add(includeBlocked);
        parquet.SetAction(async (context, parseResult) =>
        {
            var dir = parseResult.GetValue(directory)!;
            await using var warehouse = await Warehouse.Postgres.Warehouse.OpenAsync(context.Options, CliContext.Log, context.Stopping);
            IReadOnlyList<string> withheld = parseResult.GetValue(includeBlocked) ? [] : await QualityGate.UnpublishableAsync(warehouse.DataSource, context.Stopping);
            var options = new ParquetExportOptions { Tables = parseResult.GetValue(select) ?? [], RowGroupSize = parseResult.GetValue(rowGroup), Withhold = withheld };
            IReadOnlyList<ParquetTableExport> exports;
            try
            {
                exports = await ExportAsync(warehouse.DataSource, dir, options, context.Stopping);
            }
            catch (ExportException e)
            {
                CliContext.Log($"error: {e.Message}");
                return CommandRunner.Failed;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                CliContext.Log($"error: writing {dir} failed, the previous export of the table in progress is left in place: {e.Message}");
                return CommandRunner.Failed;
            }

            AnsiConsole.Write(Summary(exports));
            Console.WriteLine($"{exports.Count} tables, {exports.Sum(e => e.Rows):N0} rows, {exports.Sum(e => e.Bytes):N0} bytes in {Path.GetFullPath(dir)}");
            var gold = withheld.Where(t => t.StartsWith("gold.", StringComparison.Ordinal) && options.Selects(t)).ToList();
            if (gold.Count == 0) return 0;
            CliContext.Log($"withheld (a data-quality breach blocks them; their previous export stays): {string.Join(", ", gold)}");
            return DagExitCodes.QualityBlocked;
        });
        return new Command("export", "Export the warehouse's gold tables to files.") { parquet };
    }

    private static async Task<IReadOnlyList<ParquetTableExport>> ExportAsync(Npgsql.NpgsqlDataSource dataSource, string dir, ParquetExportOptions options, CancellationToken cancellationToken)
    {
        if (!CliContext.Interactive)
        {
            var log = new SynchronousProgress(p =>
            {
                if (p.Finished is { } done) CliContext.Log($"[{p.Position}/{p.Total}] {ParquetExporter.Describe(done)}");
            });
            return await ParquetExporter.ExportAsync(dataSource, dir, options, log, cancellationToken);
        }

        IReadOnlyList<ParquetTableExport> result = [];
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var tables = ctx.AddTask("tables", maxValue: 1);
                ProgressTask? rows = null;
                var progress = new SynchronousProgress(p =>
                {
                    tables.MaxValue = p.Total;
                    if (p.Finished is not null)
                    {
                        tables.Value = p.Position;
                        rows?.StopTask();
                        return;
                    }

                    if (rows is null || rows.Description != "gold." + p.Table)
                    {
                        rows?.StopTask();
                        rows = ctx.AddTask("gold." + p.Table, maxValue: Math.Max(1, p.TotalRows));
                    }

                    rows.Value = p.Rows;
                });
                result = await ParquetExporter.ExportAsync(dataSource, dir, options, progress, cancellationToken);
                tables.Value = tables.MaxValue;
            });
        return result;
    }

    private static Table Summary(IReadOnlyList<ParquetTableExport> exports)
    {
        var table = new Table().AddColumns("table", "rows", "columns", "row groups", "bytes", "duration");
        for (var i = 1; i < 6; i++) table.Columns[i].RightAligned();
        foreach (var e in exports)
        {
            table.AddRow("gold." + e.Table, e.Rows.ToString("N0", CultureInfo.InvariantCulture), e.Columns.ToString(CultureInfo.InvariantCulture),
                e.RowGroups.ToString(CultureInfo.InvariantCulture), e.Bytes.ToString("N0", CultureInfo.InvariantCulture), $"{e.Duration.TotalSeconds:0.00} s");
        }

        return table;
    }

    /// <summary>Reports on the caller's thread, in order.</summary>
    private sealed class SynchronousProgress(Action<ParquetExportProgress> report) : IProgress<ParquetExportProgress>
    {
        public void Report(ParquetExportProgress value) => report(value);
    }
}
