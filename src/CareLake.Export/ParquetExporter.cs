using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Parquet;
using Parquet.Schema;

namespace CareLake.Export;

/// <summary>What to export, and how.</summary>
public sealed record ParquetExportOptions
{
    /// <summary>Tables to export, with or without the <c>gold.</c> prefix. Empty (the default): every gold table.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    /// <summary>Rows per Parquet row group: what is held in memory at once per table. Default 100,000.</summary>
    public int RowGroupSize { get; init; } = 100_000;

    /// <summary>
    /// Tables not to write this time (with or without <c>gold.</c>), e.g. those a data-quality breach blocks: their
    /// previous export stays in place, untouched.
    /// </summary>
    public IReadOnlyCollection<string> Withhold { get; init; } = [];

    /// <summary>The selected tables' names without <c>gold.</c>, each once, in the order given (comma-separated entries split).</summary>
    public IReadOnlyList<string> SelectedNames =>
        Tables.SelectMany(s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Select(Unqualified).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether the export covers <paramref name="table"/> (with or without <c>gold.</c>): every table when none is selected.</summary>
    public bool Selects(string table) => Tables.Count == 0 || SelectedNames.Contains(Unqualified(table), StringComparer.Ordinal);

    /// <summary>A gold table's name without its schema: <c>gold.dim_date</c> and <c>dim_date</c> both give <c>dim_date</c>.</summary>
    internal static string Unqualified(string table) => table.StartsWith("gold.", StringComparison.Ordinal) ? table["gold.".Length..] : table;

    public void Validate()
    {
        if (RowGroupSize is < 1 or > 10_000_000) throw new ExportException("The row group size must be 1–10,000,000 rows.");
    }
}

/// <summary>One table exported.</summary>
public sealed record ParquetTableExport(string Table, long Rows, int Columns, int RowGroups, long Bytes, TimeSpan Duration, string Path);

/// <summary>Progress of an export: a table started (<see cref="Rows"/> 0), rows written so far, or the table done.</summary>
public sealed record ParquetExportProgress(string Table, int Position, int Total, long Rows, long TotalRows, ParquetTableExport? Finished);

/// <summary>The export failed in a way the user can fix (an unknown table, an unusable folder).</summary>
public sealed class ExportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Gold tables as Parquet files, <c>DIR/&lt;table&gt;/part-00000.parquet</c>, read in one snapshot of the database
/// (a read-only repeatable-read transaction, so the tables agree with each other) and streamed a row group at a time.
/// Each table is written into a hidden temporary folder beside its target and renamed into place only when complete,
/// so a failure or a crash leaves the previous export of that table whole.
/// </summary>
public static class ParquetExporter
{
    public const string FileName = "part-00000.parquet";
    private const string TempPrefix = ".tmp-";
    private const string OldPrefix = ".old-";

    /// <summary>Exports the selected gold tables into <paramref name="directory"/> (created if missing).</summary>
    /// <exception cref="ExportException">A selected table does not exist, or the folder cannot be written.</exception>
    public static async Task<IReadOnlyList<ParquetTableExport>> ExportAsync(NpgsqlDataSource dataSource, string directory, ParquetExportOptions options,
        IProgress<ParquetExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExportException($"Cannot create the export folder {directory}: {e.Message}", e);
        }

        RecoverInterrupted(directory);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction)) await readOnly.ExecuteNonQueryAsync(cancellationToken);

        var withheld = options.Withhold.Select(ParquetExportOptions.Unqualified).ToHashSet(StringComparer.Ordinal);
        var tables = (await TablesAsync(connection, transaction, options.SelectedNames, cancellationToken)).Where(t => !withheld.Contains(t)).ToList();
        var results = new List<ParquetTableExport>(tables.Count);
        for (var i = 0; i < tables.Count; i++)
        {
            results.Add(await ExportTableAsync(connection, transaction, tables[i], directory, options.RowGroupSize, i + 1, tables.Count, progress, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private static async Task<List<string>> TablesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<string> selected, CancellationToken cancellationToken)
    {
        var all = new List<string>();
        await using (var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'gold' AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY c.relname COLLATE \"C\"",
            connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) all.Add(reader.GetString(0));
        }

        if (selected.Count == 0) return all;
        var unknown = selected.Where(n => !all.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0) throw new ExportException($"No gold table {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Gold tables: {string.Join(", ", all)}.");
        return [.. selected];
    }

    private static async Task<ParquetTableExport> ExportTableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string directory,
        int rowGroupSize, int position, int total, IProgress<ParquetExportProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var columns = new List<ParquetColumn>();
        await using (var command = new NpgsqlCommand("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
              FROM pg_attribute a
             WHERE a.attrelid = ('gold.' || quote_ident($1))::regclass AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = table, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) columns.Add(ParquetColumn.For(reader.GetString(0), reader.GetString(1), rowGroupSize));
        }

        var from = "gold." + Quote(table);
        long totalRows;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM {from}", connection, transaction))
        {
            totalRows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        progress?.Report(new ParquetExportProgress(table, position, total, 0, totalRows, null));
        var target = Path.Combine(directory, table);
        var temp = Path.Combine(directory, $"{TempPrefix}{table}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        var file = Path.Combine(temp, FileName);
        long rows = 0;
        var groups = 0;
        try
        {
            await using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var schema = new ParquetSchema(columns.Select(c => (Field)c.Field));
                await using (var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: cancellationToken))
                {
                    var select = columns.Count == 0 ? "1" : string.Join(", ", columns.Select(c => c.SelectExpression));
                    await using var command = new NpgsqlCommand($"SELECT {select} FROM {from}", connection, transaction);
                    await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
                    var buffered = 0;
                    while (true)
                    {
                        var more = await reader.ReadAsync(cancellationToken);
                        if (more)
                        {
                            for (var c = 0; c < columns.Count; c++) columns[c].Read(reader, c, buffered);
                            buffered++;
                            rows++;
                        }

                        // An empty table still gets one (empty) row group, so readers see its schema.
                        if (buffered == rowGroupSize || (!more && (buffered > 0 || groups == 0)))
                        {
                            using (var group = writer.CreateRowGroup())
                            {
                                foreach (var column in columns) await column.WriteAsync(group, buffered, cancellationToken);
                            }

                            groups++;
                            buffered = 0;
                            progress?.Report(new ParquetExportProgress(table, position, total, rows, totalRows, null));
                        }

                        if (!more) break;
                    }
                }

                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            Replace(temp, target, directory, table);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        var result = new ParquetTableExport(table, rows, columns.Count, groups, new FileInfo(Path.Combine(target, FileName)).Length, clock.Elapsed, Path.Combine(target, FileName));
        progress?.Report(new ParquetExportProgress(table, position, total, rows, totalRows, result));
        return result;
    }

    /// <summary>
    /// Puts the complete temporary folder in place of the table's folder: the old folder is renamed aside, the new one
    /// renamed in, the old one deleted. Each rename is atomic; between the two, the previous export is whole under its
    /// aside name and <see cref="RecoverInterrupted"/> puts it back if the process dies there.
    /// </summary>
    private static void Replace(string temp, string target, string directory, string table)
    {
        string? aside = null;
        if (Directory.Exists(target))
        {
            aside = Path.Combine(directory, $"{OldPrefix}{table}-{Guid.NewGuid():N}");
            Directory.Move(target, aside);
        }

        Directory.Move(temp, target);
        if (aside is not null) TryDelete(aside);
    }

    /// <summary>Cleans up after an export that died: temporary folders go; a previous export set aside and not replaced comes back.</summary>
    private static void RecoverInterrupted(string directory)
    {
        foreach (var path in Directory.EnumerateDirectories(directory, TempPrefix + "*")) TryDelete(path);
        foreach (var path in Directory.EnumerateDirectories(directory, OldPrefix + "*"))
        {
            var name = Path.GetFileName(path)[OldPrefix.Length..];
            var table = name.Length > 33 && name[^33] == '-' ? name[..^33] : name;
            var target = Path.Combine(directory, table);
            if (Directory.Exists(target)) TryDelete(path);
            else Directory.Move(path, target);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next export's clean-up.
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A one-line description of a finished table, for logs.</summary>
    public static string Describe(ParquetTableExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        return string.Create(CultureInfo.InvariantCulture, $"gold.{export.Table}: {export.Rows:N0} rows, {export.Columns} columns, {export.RowGroups} row groups, {export.Bytes:N0} bytes in {export.Duration.TotalSeconds:0.00} s");
    }
}
