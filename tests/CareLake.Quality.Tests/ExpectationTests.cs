using CareLake.Testing;

namespace CareLake.Quality.Tests;

/// <summary>A database of one test class: each class names its own, so classes running in parallel never share one.</summary>
public abstract class QualityDatabase(string name) : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync() => ConnectionString = await TestDatabase.CreateAsync(name);

    public Task DisposeAsync() => Task.CompletedTask;
}

public sealed class ExpectationDatabase() : QualityDatabase("quality_expectations");

public sealed class ReportDatabase() : QualityDatabase("quality_report");

/// <summary>Each expectation type stays silent on a good table and fires on one spoiled the way it guards against.</summary>
public sealed class ExpectationTests(ExpectationDatabase database) : IClassFixture<ExpectationDatabase>
{
    public static TheoryData<string, string, string, long> Cases => new()
    {
        { "not_null", "- type: not_null\n  column: name", "UPDATE {schema}.items SET name = NULL WHERE id = 2", 1 },
        { "unique", "- type: unique\n  column: code", "UPDATE {schema}.items SET code = 'AB-1' WHERE id = 2", 2 },
        { "accepted_values", "- type: accepted_values\n  column: status\n  values: [open, closed]", "UPDATE {schema}.items SET status = 'bogus' WHERE id = 3", 1 },
        { "range", "- type: range\n  column: amount\n  min: 0\n  max: 100", "UPDATE {schema}.items SET amount = -5 WHERE id = 1; UPDATE {schema}.items SET amount = 500 WHERE id = 4", 2 },
        { "regex", "- type: regex\n  column: code\n  pattern: '^AB-[0-9]+$'", "UPDATE {schema}.items SET code = 'zz' WHERE id = 3", 1 },
        { "relationships", "- type: relationships\n  column: parent_id\n  to: {schema}.parents\n  field: id", "UPDATE {schema}.items SET parent_id = 99 WHERE id = 1", 1 },
        { "custom_sql", "- type: custom_sql\n  name: closed_items_are_small\n  sql: SELECT id FROM {schema}.items WHERE status = 'closed' AND amount > 25", "UPDATE {schema}.items SET status = 'closed' WHERE id = 3", 1 },
        { "row_count", "- type: row_count\n  min: 2\n  max: 10", "DELETE FROM {schema}.items WHERE id > 1", 0 },
        { "freshness", "- type: freshness\n  column: updated_at\n  max_age_hours: 24", "UPDATE {schema}.items SET updated_at = now() - interval '3 days'", 0 },
        { "null_pct", "- type: null_pct\n  column: amount\n  max: 10", "UPDATE {schema}.items SET amount = NULL WHERE id = 1", 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_check_is_silent_on_a_good_table_and_fires_on_a_spoiled_one(string type, string check, string spoil, long failingRows)
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_" + type);
        var suite = table.Suite(check);

        var good = await table.RunAsync(suite);
        Assert.Equal((1, 1, 0), (good.Checks, good.Passed, good.Failed));
        Assert.Empty(good.BlockedTables);

        await table.ExecuteAsync(spoil);
        var bad = await table.RunAsync(suite);
        Assert.Equal((1, 0, 1), (bad.Checks, bad.Passed, bad.Failed));
        Assert.Equal([table.Table], bad.BlockedTables);

        var result = Assert.Single(await table.RowsAsync($"SELECT check_type, status, failing_rows FROM ops.dq_results WHERE dq_run_id = {bad.DqRunId}"));
        Assert.Equal([type, "failed", failingRows], result);
        var failures = await table.RowsAsync($"SELECT row_key->>'id' FROM ops.dq_failures WHERE dq_run_id = {bad.DqRunId}");
        Assert.Equal(failingRows, failures.Count);
        var alert = Assert.Single(await table.RowsAsync(
            $"SELECT a.kind, a.severity FROM ops.operational_alerts a JOIN ops.dq_results r ON r.result_id = (a.source->>'id')::bigint WHERE r.dq_run_id = {bad.DqRunId}"));
        Assert.Equal(["dq_breach", "high"], alert);
    }

    [Fact]
    public async Task A_warn_check_records_the_breach_without_blocking()
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_warn");
        await table.ExecuteAsync("UPDATE {schema}.items SET name = NULL WHERE id = 2");

        var outcome = await table.RunAsync(table.Suite("- type: not_null\n  column: name\n  severity: warn"));

        Assert.Equal((1, 0, 0), (outcome.Warned, outcome.Passed, outcome.Failed));
        Assert.Empty(outcome.BlockedTables);
        Assert.Equal(4L, await Sql.ScalarAsync<long>(table.ConnectionString, "SELECT count(*) FROM dq_warn.items"));
    }

    [Fact]
    public async Task Quarantine_moves_exactly_the_failing_rows_and_lets_the_rest_through()
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_quarantine");
        await table.ExecuteAsync("UPDATE {schema}.items SET amount = -1 WHERE id IN (2, 4)");

        var outcome = await table.RunAsync(table.Suite("- type: range\n  column: amount\n  min: 0\n  severity: quarantine"));

        Assert.Equal((1, 0, 0), (outcome.Quarantined, outcome.Passed, outcome.Failed));
        Assert.Empty(outcome.BlockedTables);
        Assert.Equal([1, 3], (await table.RowsAsync("SELECT id FROM {schema}.items ORDER BY id")).Select(r => (int)r[0]!));
        var moved = await table.RowsAsync("SELECT row_key->>'id', row_data->>'name', reason FROM ops.dq_quarantine WHERE table_name = 'dq_quarantine.items' ORDER BY 1");
        Assert.Equal([["2", "b", "dq:dq_quarantine.items.range_amount"], ["4", "d", "dq:dq_quarantine.items.range_amount"]], moved);

        var again = await table.RunAsync(table.Suite("- type: range\n  column: amount\n  min: 0\n  severity: quarantine"));
        Assert.Equal(1, again.Passed);
    }

    [Fact]
    public async Task History_accumulates_every_run_and_every_failing_row()
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_history");
        await table.ExecuteAsync("UPDATE {schema}.items SET name = NULL");
        var suite = table.Suite("- type: not_null\n  column: name");

        var runs = new List<long>();
        for (var i = 0; i < 3; i++) runs.Add((await table.RunAsync(suite, $"run-{i}")).DqRunId);

        var perRun = await table.RowsAsync(
            $"SELECT r.dq_run_id, count(*) FROM ops.dq_failures f JOIN ops.dq_results r USING (result_id) WHERE r.suite = 'dq_history.items' GROUP BY 1 ORDER BY 1");
        Assert.Equal(runs, perRun.Select(r => (long)r[0]!));
        Assert.All(perRun, r => Assert.Equal(4L, r[1]));
        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => table.ExecuteAsync("UPDATE ops.dq_results SET status = 'passed'"));
        Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_deletes_whole_runs_older_than_the_setting_and_keeps_the_rest()
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_retention");
        await table.ExecuteAsync("UPDATE {schema}.items SET name = NULL");
        var suite = table.Suite("- type: not_null\n  column: name");
        var old = await table.RunAsync(suite, "old");
        await table.ExecuteAsync($"UPDATE ops.dq_runs SET started_at = now() - interval '40 days' WHERE dq_run_id = {old.DqRunId}");

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(table.ConnectionString);
        var recent = await QualityRunner.RunAsync(dataSource, new QualityRunRequest("recent", null),
            new QualityRunSettings { Suites = [suite], Options = new Core.Configuration.QualityOptions { RetentionDays = 30 } });

        Assert.Empty(await table.RowsAsync($"SELECT 1 FROM ops.dq_failures WHERE dq_run_id = {old.DqRunId} UNION ALL SELECT 1 FROM ops.dq_results WHERE dq_run_id = {old.DqRunId}"));
        Assert.Equal(4, (await table.RowsAsync($"SELECT 1 FROM ops.dq_failures WHERE dq_run_id = {recent.DqRunId}")).Count);
    }

    [Fact]
    public async Task A_check_naming_a_missing_column_is_recorded_as_errored_not_thrown()
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_missing");

        var outcome = await table.RunAsync(table.Suite("- type: not_null\n  column: no_such_column"));

        Assert.Equal(1, outcome.Failed);
        var row = Assert.Single(await table.RowsAsync($"SELECT status, message FROM ops.dq_results WHERE dq_run_id = {outcome.DqRunId}"));
        Assert.Equal("errored", row[0]);
        Assert.Contains("no_such_column", (string)row[1]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_breach_blocks_the_table_and_what_is_built_from_it_until_a_run_passes()
    {
        var table = await CraftedTable.CreateAsync(database.ConnectionString, "dq_gate");
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(table.ConnectionString);
        var silverish = QualitySuiteParser.Parse("table: silver.encounters\nkey: [encounter_id]\nchecks:\n  - type: row_count\n    min: 1", "test");
        var outcome = await QualityRunner.RunAsync(dataSource, new QualityRunRequest("gate", null), new QualityRunSettings { Suites = [silverish] });

        Assert.Equal(["silver.encounters"], outcome.BlockedTables);
        var unpublishable = await QualityGate.UnpublishableAsync(dataSource);
        Assert.Contains("gold.fact_encounter", unpublishable);
        Assert.Contains("gold.mart_readmissions", unpublishable);
        Assert.DoesNotContain("gold.dim_diagnosis", unpublishable);

        await table.ExecuteAsync("INSERT INTO silver.encounters (source, encounter_id, patient_id, status, updated_at, first_event_at, last_event_at, event_count, last_event_id) VALUES ('mrn', 'E1', 'P1', 'registered', now(), now(), now(), 1, 'x')");
        var passing = await QualityRunner.RunAsync(dataSource, new QualityRunRequest("gate", null), new QualityRunSettings { Suites = [silverish] });
        Assert.Empty(passing.BlockedTables);
        Assert.DoesNotContain("silver.encounters", await QualityGate.BlockedTablesAsync(dataSource));
    }
}
