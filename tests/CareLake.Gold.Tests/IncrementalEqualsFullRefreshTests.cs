using CareLake.Testing;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>
/// A generated hospital fed in parts with an incremental gold run after each: the tables equal a full refresh's
/// (compared row for row with EXCEPT both ways).
/// </summary>
public class IncrementalEqualsFullRefreshTests
{
    // Columns that record when a row was computed rather than what it holds.
    private static readonly Dictionary<string, string[]> Volatile = new(StringComparer.Ordinal) { ["patient_risk_snapshot"] = ["updated_at"] };

    [Fact]
    public async Task Several_incremental_runs_with_changes_between_them_equal_a_full_refresh()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Several_incremental_runs_with_changes_between_them_equal_a_full_refresh));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var hospital = Hospital.Small(patients: 1500, days: 30, seed: 11);
        var messages = hospital.Messages;
        var cuts = new[] { 0, messages.Count / 2, messages.Count * 3 / 4, messages.Count * 7 / 8, messages.Count };
        for (var part = 0; part < cuts.Length - 1; part++)
        {
            await Hospital.FeedAsync(dataSource, messages.Skip(cuts[part]).Take(cuts[part + 1] - cuts[part]));
            var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions());
            Assert.All(runs, r => Assert.Equal(GoldRunStatus.Success, r.Status));
            Assert.All(runs.Where(r => r.Patients is not null), r => Assert.Equal(part == 0, r.FullRefresh));
        }

        var perPatient = GoldModels.All.Where(m => m.Materialization == GoldMaterialization.PerPatient).Select(m => m.Name).ToList();
        Assert.Contains("fact_vitals_hourly", perPatient);
        foreach (var table in perPatient)
        {
            await Sql.ScalarAsync<long>(cs, $"CREATE TABLE public.incremental_{table} AS SELECT * FROM gold.{table}; SELECT 1");
        }

        var full = await GoldModels.RunAsync(dataSource, new GoldRunOptions { FullRefresh = true });
        Assert.All(full, r => Assert.Equal(GoldRunStatus.Success, r.Status));
        foreach (var table in perPatient)
        {
            var columns = string.Join(", ", (await Sql.RowsAsync(cs, """
                SELECT column_name FROM information_schema.columns WHERE table_schema = 'gold' AND table_name = $1 ORDER BY ordinal_position
                """, table)).Select(r => (string)r[0]!).Where(c => !Volatile.GetValueOrDefault(table, []).Contains(c)));
            var rows = await Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM gold.{table}");
            Assert.True(rows > 0, $"gold.{table} is empty");
            Assert.Equal(rows, await Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM public.incremental_{table}"));
            Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM (SELECT {columns} FROM gold.{table} EXCEPT SELECT {columns} FROM public.incremental_{table}) AS d"));
            Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM (SELECT {columns} FROM public.incremental_{table} EXCEPT SELECT {columns} FROM gold.{table}) AS d"));
        }
    }
}
