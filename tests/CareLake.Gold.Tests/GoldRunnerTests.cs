using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Postgres;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>The runner on small models of its own: ordering, selection, failures, seeds and incremental change tracking.</summary>
public class GoldRunnerTests
{
    private static GoldModel Model(string name, string dependsOn, string materialized, string body) =>
        GoldModel.Parse(name, $"-- {name} for a test\n-- depends_on: {dependsOn}\n-- materialized: {materialized}\n{body}");

    private static GoldModel Table(string name, string dependsOn, string body = "SELECT 1") => Model(name, dependsOn, "table", body);

    [Fact]
    public void Models_run_after_their_gold_inputs_and_seeds_are_not_models()
    {
        var ordered = GoldModels.Order([
            Table("mart", "gold.fact, gold.dim_b, gold.seed_codes"),
            Table("fact", "silver.x, gold.dim_a, gold.dim_b"),
            Table("dim_b", "silver.y"),
            Table("dim_a", "silver.x"),
        ]);
        Assert.Equal(["dim_a", "dim_b", "fact", "mart"], ordered.Select(m => m.Name));
    }

    [Fact]
    public void Data_completeness_runs_after_every_other_model()
    {
        // It measures every gold table, so it must list every other model as an input to be measured last.
        var completeness = GoldModels.All.Single(m => m.Name == "mart_data_completeness");
        var others = GoldModels.All.Where(m => m != completeness).Select(m => m.Name);
        Assert.Empty(others.Except(completeness.GoldInputs));
        Assert.Equal(completeness, GoldModels.All[^1]);
    }

    [Fact]
    public void A_cycle_or_an_unknown_input_is_a_clear_error()
    {
        var cycle = Assert.Throws<WarehouseException>(() => GoldModels.Order([Table("a", "gold.c"), Table("b", "gold.a"), Table("c", "gold.b"), Table("d", "silver.x")]));
        Assert.Contains("cycle", cycle.Message, StringComparison.Ordinal);
        Assert.Contains("gold.a, gold.c, gold.b, gold.a", cycle.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<WarehouseException>(() => GoldModels.Order([Table("a", "gold.nowhere")]));
        Assert.Contains("gold.nowhere, which no model builds", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<WarehouseException>(() => GoldModel.Parse("x", "-- no header\nSELECT 1"));
        Assert.Throws<WarehouseException>(() => GoldModel.Parse("x", "-- depends_on: silver.x\n-- materialized: view\nSELECT 1"));
    }

    [Fact]
    public void Selecting_a_model_with_a_plus_takes_everything_downstream()
    {
        var ordered = GoldModels.Order([
            Table("dim_a", "silver.x"), Table("dim_b", "silver.y"), Table("fact", "gold.dim_a"),
            Table("mart", "gold.fact"), Table("other", "gold.dim_b"),
        ]);
        Assert.Equal(["fact"], GoldModels.Select(ordered, ["fact"]).Select(m => m.Name));
        Assert.Equal(["dim_a", "fact", "mart"], GoldModels.Select(ordered, ["gold.dim_a+"]).Select(m => m.Name));
        Assert.Equal(["dim_b", "fact", "mart", "other"], GoldModels.Select(ordered, ["fact+,dim_b+"]).Select(m => m.Name));
        Assert.Equal(5, GoldModels.Select(ordered, []).Count);
        Assert.Contains("No gold model is called 'nope'", Assert.Throws<WarehouseException>(() => GoldModels.Select(ordered, ["nope+"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_models_form_a_valid_graph() =>
        Assert.Contains(GoldModels.All, m => m.Name == "patient_risk_snapshot" && m.Materialization == GoldMaterialization.PerPatient);

    [Fact]
    public async Task A_failing_model_is_recorded_its_dependents_skipped_and_the_others_run()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_failing_model_is_recorded_its_dependents_skipped_and_the_others_run));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await Execute(dataSource, "CREATE TABLE gold.t_ok (n integer); CREATE TABLE gold.t_bad (n integer); CREATE TABLE gold.t_after (n integer); CREATE TABLE gold.t_after2 (n integer)");
        var models = new[]
        {
            Table("t_bad", "silver.x", "DELETE FROM gold.t_bad; INSERT INTO gold.t_bad SELECT 1 / 0"),
            Table("t_after", "gold.t_bad", "DELETE FROM gold.t_after; INSERT INTO gold.t_after VALUES (1)"),
            Table("t_after2", "gold.t_after", "DELETE FROM gold.t_after2; INSERT INTO gold.t_after2 VALUES (1)"),
            Table("t_ok", "silver.x", "DELETE FROM gold.t_ok; INSERT INTO gold.t_ok VALUES (1), (2), (3)"),
        };
        var progress = new List<GoldModelProgress>();
        var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions { Models = models, LoadSeeds = false }, new Collect(progress));

        Assert.Equal(["t_bad", "t_after", "t_after2", "t_ok"], runs.Select(r => r.Model));
        Assert.Equal([GoldRunStatus.Error, GoldRunStatus.Skipped, GoldRunStatus.Skipped, GoldRunStatus.Success], runs.Select(r => r.Status));
        Assert.Contains("22012", runs[0].Error, StringComparison.Ordinal); // division by zero
        Assert.Contains("gold.t_bad", runs[1].Error, StringComparison.Ordinal);
        Assert.Equal(3, runs[3].Rows);
        Assert.Equal(8, progress.Count);
        var recorded = await Sql.RowsAsync(cs, "SELECT model, status, rows, error IS NOT NULL, full_refresh, materialized FROM ops.model_runs ORDER BY run_id");
        Assert.Equal(["t_bad", "error", null, true, true, "table"], recorded[0]);
        Assert.Equal(["t_after", "skipped", null, true, true, "table"], recorded[1]);
        Assert.Equal(["t_ok", "success", 3L, false, true, "table"], recorded[3]);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.t_after"));
    }

    [Fact]
    public async Task Seeds_replace_their_tables_rows_and_a_missing_table_is_named()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Seeds_replace_their_tables_rows_and_a_missing_table_is_named));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await Execute(dataSource, "CREATE TABLE gold.seed_colours (code text PRIMARY KEY, name text, rank integer); INSERT INTO gold.seed_colours VALUES ('old', 'stale', 0)");
        await using var connection = await dataSource.OpenConnectionAsync();
        var loaded = await GoldSeeds.LoadAsync(connection, [new GoldSeed("colours", "code,name,rank\nr,\"red, bright\",1\ng,green,2\n")], CancellationToken.None);
        Assert.Equal(2L, loaded["gold.seed_colours"]);
        Assert.Equal(["g", "green", 2, "r", "red, bright", 1], (await Sql.RowsAsync(cs, "SELECT code, name, rank FROM gold.seed_colours ORDER BY code")).SelectMany(r => r));
        var missing = await Assert.ThrowsAsync<WarehouseException>(() => GoldSeeds.LoadAsync(connection, [new GoldSeed("absent", "a,b\n1,2\n")], CancellationToken.None));
        Assert.Contains("gold.seed_absent", missing.Message, StringComparison.Ordinal);

        // The shipped seeds all load into their tables.
        var shipped = await GoldSeeds.LoadAsync(connection, GoldSeeds.All, CancellationToken.None);
        foreach (var seed in GoldSeeds.All)
        {
            Assert.Equal(seed.Csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1, shipped[seed.Table]);
        }
    }

    [Fact]
    public async Task A_change_committed_after_a_run_began_is_picked_up_by_the_next_run()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_change_committed_after_a_run_began_is_picked_up_by_the_next_run));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await Execute(dataSource, """
            CREATE TABLE gold.event_totals (source text COLLATE "C", patient_id text COLLATE "C", total bigint, events bigint, PRIMARY KEY (source, patient_id));
            """);
        var model = Model("event_totals", "silver.procedures", "per_patient", """
            DELETE FROM gold.event_totals g USING model_patients m WHERE g.source = m.source AND g.patient_id = m.patient_id;
            INSERT INTO gold.event_totals
            SELECT e.source, e.patient_id, sum(e.code::integer), count(*) FROM silver.procedures e
              JOIN model_patients m ON m.source = e.source AND m.patient_id = e.patient_id
             GROUP BY e.source, e.patient_id;
            """);
        var options = new GoldRunOptions { Models = [model], LoadSeeds = false };

        await Write(dataSource, ("P1", 1), ("P2", 10), ("P3", 100));
        var first = (await GoldModels.RunAsync(dataSource, options)).Single();
        Assert.True(first.FullRefresh); // never run before
        Assert.Equal(3, first.Patients);

        // An older transaction (lower xid) writes P1 and stays open while a younger one writes P2 and commits.
        await using var slow = await dataSource.OpenConnectionAsync();
        await using var slowTransaction = await slow.BeginTransactionAsync();
        await WriteIn(slow, ("P1", 2));
        await Write(dataSource, ("P2", 20));

        var second = (await GoldModels.RunAsync(dataSource, options)).Single();
        Assert.False(second.FullRefresh);
        Assert.Equal(1, second.Patients);
        Assert.Equal(new Dictionary<string, long> { ["P1"] = 1, ["P2"] = 30, ["P3"] = 100 }, await Totals(cs));

        // The older transaction commits after the run: a watermark on ids would skip it, the snapshot does not.
        await slowTransaction.CommitAsync();
        var third = (await GoldModels.RunAsync(dataSource, options)).Single();
        Assert.Equal(1, third.Patients);
        Assert.Equal(new Dictionary<string, long> { ["P1"] = 3, ["P2"] = 30, ["P3"] = 100 }, await Totals(cs));

        // Nothing new: nothing recomputed.
        Assert.Equal(0, (await GoldModels.RunAsync(dataSource, options)).Single().Patients);

        // A full refresh gives the same table.
        await Write(dataSource, ("P4", 1000));
        Assert.Equal(1, (await GoldModels.RunAsync(dataSource, options)).Single().Patients);
        var incremental = await Totals(cs);
        var full = (await GoldModels.RunAsync(dataSource, options with { FullRefresh = true })).Single();
        Assert.True(full.FullRefresh);
        Assert.Equal(4, full.Patients);
        Assert.Equal(incremental, await Totals(cs));
        Assert.Equal(4L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ops.model_runs WHERE model = 'event_totals' AND snapshot IS NOT NULL AND NOT full_refresh"));
    }

    private static async Task<Dictionary<string, long>> Totals(string cs) =>
        (await Sql.RowsAsync(cs, "SELECT patient_id, total FROM gold.event_totals")).ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture));

    private static async Task Write(NpgsqlDataSource dataSource, params (string Patient, int N)[] events)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await WriteIn(connection, events);
        await transaction.CommitAsync();
    }

    // Like a silver batch: the rows and the changed patients in one transaction.
    private static async Task WriteIn(NpgsqlConnection connection, params (string Patient, int N)[] events)
    {
        foreach (var (patient, n) in events)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO silver.procedures (event_id, bronze_id, source, patient_id, code_system, code, performed_at, occurred_at, processed_at)
                VALUES (gen_random_uuid()::text, 0, 'mrn', $1, 'test', $2::text, now(), now(), now())
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = patient });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = n });
            await command.ExecuteNonQueryAsync();
        }

        await ChangedPatients.RecordAsync(connection, events.Select(e => new PatientKey("mrn", e.Patient)).ToList(), CancellationToken.None);
    }

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Collect(List<GoldModelProgress> into) : IProgress<GoldModelProgress>
    {
        public void Report(GoldModelProgress value) => into.Add(value);
    }
}
