using CareLake.Testing;
using Npgsql;

namespace CareLake.Quality.Tests;

/// <summary>A small table in its own schema, with a parent table, that every check passes on until a test spoils it.</summary>
internal sealed class CraftedTable
{
    private CraftedTable(string connectionString, string schema)
    {
        ConnectionString = connectionString;
        Schema = schema;
    }

    public string ConnectionString { get; }
    public string Schema { get; }
    public string Table => Schema + ".items";

    public static async Task<CraftedTable> CreateAsync(string connectionString, string schema)
    {
        await ExecuteAsync(connectionString, $"""
            DROP SCHEMA IF EXISTS {schema} CASCADE;
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.parents (id integer PRIMARY KEY);
            INSERT INTO {schema}.parents VALUES (1), (2);
            CREATE TABLE {schema}.items (
                id integer PRIMARY KEY, name text, status text, amount numeric, code text, parent_id integer, updated_at timestamptz);
            INSERT INTO {schema}.items VALUES
                (1, 'a', 'open',   10, 'AB-1', 1, now()),
                (2, 'b', 'closed', 20, 'AB-2', 2, now()),
                (3, 'c', 'open',   30, 'AB-3', 1, now()),
                (4, 'd', 'open',   40, 'AB-4', NULL, now());
            """);
        return new CraftedTable(connectionString, schema);
    }

    public Task ExecuteAsync(string sql) => ExecuteAsync(ConnectionString, sql.Replace("{schema}", Schema, StringComparison.Ordinal));

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A suite of this table holding one check, written as in a suite file.</summary>
    public QualitySuite Suite(string checkYaml) => QualitySuiteParser.Parse(
        $"table: {Table}\nkey: [id]\nchecks:\n" + string.Join('\n', checkYaml.Replace("{schema}", Schema, StringComparison.Ordinal).Split('\n').Select(l => "  " + l)),
        "test");

    public async Task<QualityRunOutcome> RunAsync(QualitySuite suite, string runId = "test")
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        return await QualityRunner.RunAsync(dataSource, new QualityRunRequest(runId, null), new QualityRunSettings { Suites = [suite], Trigger = "test" });
    }

    public Task<List<object?[]>> RowsAsync(string sql) => Sql.RowsAsync(ConnectionString, sql.Replace("{schema}", Schema, StringComparison.Ordinal));
}
