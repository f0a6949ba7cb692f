using System.Globalization;
using CareLake.Export;
using CareLake.Testing;
using DuckDB.NET.Data;
using Npgsql;

namespace CareLake.Export.Tests;

/// <summary>Gold tables exported to Parquet and read back with DuckDB, compared with PostgreSQL value by value.</summary>
public class ParquetExportTests
{
    private const string TypesTable = """
        CREATE TABLE gold.export_types (
            id          integer PRIMARY KEY,
            label       text,
            code        char(1),
            small       smallint,
            big         bigint,
            amount      numeric(28, 6),
            pct         numeric(5, 2),
            ratio       numeric,
            wide        numeric(38, 10),
            score       double precision,
            weight      real,
            flag        boolean,
            day         date,
            at          timestamptz,
            local_at    timestamp,
            tags        text[],
            doc         jsonb
        );
        INSERT INTO gold.export_types VALUES
            (1, 'Zoë Ångström 李小龙 🏥', 'A', 32767, 9223372036854775807, 9999999999999999999999.999999, 100.00, 1e300, 1234567890123456789012345678.0123456789,
             1.7976931348623157e308, 3.4e38, true, '0001-01-01', '1970-01-01 00:00:00.000001+00', '2026-03-01 12:34:56.789012', ARRAY['spo2', 'heart rate', 'ünïcode'], '{"a": [1, 2]}'),
            (2, '', 'b', -32768, -9223372036854775808, -9999999999999999999999.999999, -0.01, -0.000001, -1, -0.0, -1.5, false, '9999-12-31',
             '2262-04-11 23:47:16.854775+00', '1900-01-01 00:00:00', ARRAY[]::text[], 'null'),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (4, 'line
        break "quoted" \ back', ' ', 0, 0, 0, 0, 'NaN', 0, 'Infinity', '-Infinity', true, '2026-12-06', '2026-12-06 05:00:00-05', '2026-12-06 05:00:00', ARRAY[NULL, 'x'], '[]');
        """;

    [Fact]
    public async Task Every_gold_table_round_trips_with_its_types_values_and_nulls()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Every_gold_table_round_trips_with_its_types_values_and_nulls));
        await Execute(cs, TypesTable);
        await Execute(cs, "INSERT INTO gold.export_types (id, label, big, at) SELECT g, 'row ' || g, g * 1000, timestamptz '2026-01-01' + g * interval '1 minute' FROM generate_series(10, 2509) g");
        var dir = Path.Combine(Path.GetTempPath(), "carelake-export-" + Guid.NewGuid().ToString("N"));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var progress = new List<ParquetExportProgress>();
        var exports = await ParquetExporter.ExportAsync(dataSource, dir, new ParquetExportOptions { RowGroupSize = 1000 }, new SyncProgress(progress.Add));

        // Every gold base table, with PostgreSQL's row count.
        var tables = (await Sql.RowsAsync(cs, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'gold' ORDER BY 1")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(tables.Order(StringComparer.Ordinal), exports.Select(e => e.Table).Order(StringComparer.Ordinal));
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        foreach (var export in exports)
        {
            Assert.Equal(Path.Combine(dir, export.Table, "part-00000.parquet"), export.Path);
            Assert.Equal(await Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM gold.{export.Table}"), Duck<long>(duck, $"SELECT count(*) FROM read_parquet('{export.Path}')"));
            var pgColumns = (await Sql.RowsAsync(cs, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'gold' AND table_name = $1 ORDER BY ordinal_position", export.Table)).Select(r => (string)r[0]!);
            Assert.Equal(pgColumns, DuckRows(duck, $"DESCRIBE SELECT * FROM read_parquet('{export.Path}')").Select(r => (string)r[0]!));
        }

        var types = exports.Single(e => e.Table == "export_types");
        Assert.Equal(2504, types.Rows);
        Assert.Equal(3, types.RowGroups);
        Assert.Contains(progress, p => p.Table == "export_types" && p.Rows == 1000 && p.TotalRows == 2504 && p.Finished is null);
        var file = types.Path;

        var described = DuckRows(duck, $"DESCRIBE SELECT * FROM read_parquet('{file}')").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal(new Dictionary<string, string>
        {
            ["id"] = "INTEGER", ["label"] = "VARCHAR", ["code"] = "VARCHAR", ["small"] = "INTEGER", ["big"] = "BIGINT",
            ["amount"] = "DECIMAL(28,6)", ["pct"] = "DECIMAL(5,2)", ["ratio"] = "DOUBLE", ["wide"] = "DOUBLE", ["score"] = "DOUBLE",
            ["weight"] = "FLOAT", ["flag"] = "BOOLEAN", ["day"] = "DATE", ["at"] = "TIMESTAMP WITH TIME ZONE", ["local_at"] = "TIMESTAMP",
            ["tags"] = "VARCHAR", ["doc"] = "VARCHAR",
        }, described);

        // Values, as text from both sides (DuckDB in UTC), row by row.
        using (var utc = duck.CreateCommand())
        {
            utc.CommandText = "SET TimeZone = 'UTC'";
            utc.ExecuteNonQuery();
        }

        var expected = await Sql.RowsAsync(cs, """
            SELECT id, label, code, small, big, amount::text, pct::text, ratio::float8, wide::float8, score, weight, flag, day,
                   to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), to_char(local_at, 'YYYY-MM-DD HH24:MI:SS.US'),
                   to_json(tags)::text, doc::text
              FROM gold.export_types ORDER BY id
            """);
        var actual = DuckRows(duck, $"""
            SELECT id, label, code, small, big, amount::text, pct::text, ratio, wide, score, weight, flag, "day",
                   strftime("at", '%Y-%m-%d %H:%M:%S.%f'), strftime(local_at, '%Y-%m-%d %H:%M:%S.%f'), tags, doc
              FROM read_parquet('{file}') ORDER BY id
            """);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e[0], a[0]);
            Assert.Equal(e[1], a[1]);
            Assert.Equal(e[2], a[2]);
            Assert.Equal(e[3] is short s ? (int)s : null, a[3]);
            Assert.Equal(e[4], a[4]);
            Assert.Equal(e[5], a[5]);
            Assert.Equal(e[6], a[6]);
            Assert.Equal(e[7], a[7]);
            Assert.Equal(e[8], a[8]);
            Assert.Equal(e[9], a[9]);
            Assert.Equal(e[10], a[10]);
            Assert.Equal(e[11], a[11]);
            Assert.Equal(e[12], a[12] is DateOnly or null ? a[12] : DateOnly.FromDateTime((DateTime)a[12]!));
            Assert.Equal(e[13], a[13]);
            Assert.Equal(e[14], a[14]);
            Assert.Equal(e[15], a[15]);
            Assert.Equal(e[16], a[16]);
        }

        Assert.Equal("Zoë Ångström 李小龙 🏥", actual[0][1]);
        Assert.Equal("9999999999999999999999.999999", actual[0][5]);
        Assert.Equal("-9999999999999999999999.999999", actual[1][5]);
        Assert.Equal(double.NaN, actual[3][7]);
        Assert.Equal(double.PositiveInfinity, actual[3][9]);
        Assert.Equal("[\"spo2\",\"heart rate\",\"ünïcode\"]", actual[0][15]);
        Assert.Equal("[null,\"x\"]", actual[3][15]);
        Assert.All(actual[2][1..], Assert.Null);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_failed_export_leaves_the_previous_one_whole_and_an_interrupted_swap_is_undone()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_failed_export_leaves_the_previous_one_whole_and_an_interrupted_swap_is_undone));
        await Execute(cs, "CREATE TABLE gold.export_big (id integer, label text); INSERT INTO gold.export_big SELECT g, 'first ' || g FROM generate_series(1, 5000) g");
        var dir = Path.Combine(Path.GetTempPath(), "carelake-export-" + Guid.NewGuid().ToString("N"));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var first = (await ParquetExporter.ExportAsync(dataSource, dir, new ParquetExportOptions { Tables = ["gold.export_big"], RowGroupSize = 500 })).Single();
        var before = await File.ReadAllBytesAsync(first.Path);

        // Second export with new rows, stopped after its second row group.
        await Execute(cs, "UPDATE gold.export_big SET label = 'second ' || id");
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ParquetExporter.ExportAsync(dataSource, dir, new ParquetExportOptions { Tables = ["export_big"], RowGroupSize = 500 },
            new SyncProgress(p => { if (p.Rows >= 1000) stop.Cancel(); }), stop.Token));
        Assert.Equal(before, await File.ReadAllBytesAsync(first.Path));
        Assert.Equal(["export_big"], Directory.GetDirectories(dir).Select(Path.GetFileName));
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Assert.Equal(5000L, Duck<long>(duck, $"SELECT count(*) FROM read_parquet('{first.Path}') WHERE label LIKE 'first %'"));

        // A crash between setting the old folder aside and renaming the new one in: the next export puts it back.
        var aside = Path.Combine(dir, ".old-export_big-" + Guid.NewGuid().ToString("N"));
        Directory.Move(Path.Combine(dir, "export_big"), aside);
        Directory.CreateDirectory(Path.Combine(dir, ".tmp-export_big-" + Guid.NewGuid().ToString("N")));
        await Execute(cs, "CREATE TABLE gold.export_small (id integer)");
        await ParquetExporter.ExportAsync(dataSource, dir, new ParquetExportOptions { Tables = ["export_small"] });
        Assert.Equal(["export_big", "export_small"], Directory.GetDirectories(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(before, await File.ReadAllBytesAsync(first.Path));

        // A completed export replaces it.
        var second = (await ParquetExporter.ExportAsync(dataSource, dir, new ParquetExportOptions { Tables = ["export_big"] })).Single();
        Assert.Equal(5000L, Duck<long>(duck, $"SELECT count(*) FROM read_parquet('{second.Path}') WHERE label LIKE 'second %'"));
        Assert.Equal(["export_big", "export_small"], Directory.GetDirectories(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // A withheld table (a data-quality breach blocks it) keeps its previous export; the others are written.
        await Execute(cs, "UPDATE gold.export_big SET label = 'third ' || id");
        var gated = await ParquetExporter.ExportAsync(dataSource, dir, new ParquetExportOptions { Tables = ["export_big", "export_small"], Withhold = ["gold.export_big"] });
        Assert.Equal(["export_small"], gated.Select(e => e.Table));
        Assert.Equal(5000L, Duck<long>(duck, $"SELECT count(*) FROM read_parquet('{second.Path}') WHERE label LIKE 'second %'"));

        var unknown = await Assert.ThrowsAsync<ExportException>(() => ParquetExporter.ExportAsync(dataSource, dir, new ParquetExportOptions { Tables = ["nope"] }));
        Assert.Contains("No gold table 'nope'", unknown.Message, StringComparison.Ordinal);
        Directory.Delete(dir, recursive: true);
    }

    private static async Task Execute(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static T Duck<T>(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    private static List<object?[]> DuckRows(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }

        return rows;
    }

    private sealed class SyncProgress(Action<ParquetExportProgress> report) : IProgress<ParquetExportProgress>
    {
        public void Report(ParquetExportProgress value) => report(value);
    }
}
