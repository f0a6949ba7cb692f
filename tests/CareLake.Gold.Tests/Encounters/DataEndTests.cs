using CareLake.Testing;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Gold.Tests.Encounters;

/// <summary>The data's end for the 30-day follow-up rule moves with other patients' data and with the configured cut-off.</summary>
public class DataEndTests
{
    [Fact]
    public async Task Moving_the_data_end_recomputes_stays_whose_follow_up_it_completes_or_cuts_in_an_incremental_run()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Moving_the_data_end_recomputes_stays_whose_follow_up_it_completes_or_cuts_in_an_incremental_run));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var h = new SilverHistory(dataSource);
        static DateTime At(int month, int day) => new(2026, month, day, 12, 0, 0, DateTimeKind.Utc);
        await h.PatientAsync("A", new DateOnly(1950, 1, 1));
        await h.PatientAsync("B", new DateOnly(1960, 1, 1));
        await h.EncounterAsync("A", "A-1", "inpatient", At(5, 1), At(5, 3));
        await h.EncounterAsync("B", "B-1", "outpatient", At(5, 20), At(5, 20));
        Assert.All(await GoldModels.RunAsync(dataSource, new GoldRunOptions { FullRefresh = true }), r => Assert.Equal(GoldRunStatus.Success, r.Status));
        Assert.Equal("incomplete_follow_up", await Reason(cs));

        // Only B's data changes, and it moves the data's end past A-1's 30 days.
        await h.EncounterAsync("B", "B-2", "outpatient", At(6, 15), At(6, 15));
        await Execute(dataSource, "INSERT INTO gold.changed_patients (source, patient_id) VALUES ('mrn', 'B')");
        var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions());
        Assert.All(runs, r => Assert.Equal(GoldRunStatus.Success, r.Status));
        Assert.Null(await Reason(cs));
        Assert.True(await Sql.ScalarAsync<bool>(cs, "SELECT index_eligible AND NOT readmitted_30d FROM gold.fact_encounter WHERE encounter_id = 'A-1'"));

        // A configured cut-off overrides silver's latest date, in either direction.
        await Execute(dataSource, "UPDATE ops.readmission_settings SET data_cut_off = '2026-05-20'");
        await Execute(dataSource, "INSERT INTO gold.changed_patients (source, patient_id) VALUES ('mrn', 'B')");
        Assert.All(await GoldModels.RunAsync(dataSource, new GoldRunOptions()), r => Assert.Equal(GoldRunStatus.Success, r.Status));
        Assert.Equal("incomplete_follow_up", await Reason(cs));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.mart_readmissions"));
    }

    private static async Task<string?> Reason(string cs) =>
        (string?)(await Sql.RowsAsync(cs, "SELECT exclusion_reason FROM gold.fact_encounter WHERE encounter_id = 'A-1'")).Single()[0];

    private static async Task Execute(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
