using CareLake.Generator;
using CareLake.Scheduling.Graph;
using CareLake.Scheduling.Running;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CareLake.Scheduling.Tests;

public sealed class BackfillTests
{
    private static readonly DateRange Range = new(new DateOnly(2026, 3, 8), new DateOnly(2026, 3, 12));

    private const string EncountersInRange =
        "SELECT * FROM gold.fact_encounter WHERE admit_date BETWEEN '2026-03-08' AND '2026-03-12' ORDER BY source, encounter_id";

    private const string VitalsInRange =
        "SELECT * FROM gold.fact_vitals_hourly WHERE hour >= '2026-03-08' AND hour < '2026-03-13' ORDER BY source, patient_id, hour";

    [Fact]
    public async Task A_backfill_of_a_range_equals_a_full_rebuild_for_that_range()
    {
        var connectionString = await TestDatabase.CreateAsync("scheduling_backfill");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var options = new GeneratorOptions
        {
            Patients = 150,
            Days = 20,
            Seed = 11,
            Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, GeneratorOptions.DefaultFacilityUtcOffset),
        };
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        await new FeedStreamWorker(context, GeneratorFeed.SourceName, "backfill-test", 500)
            .RunAsync(GeneratorFeed.Messages(new HospitalSimulator(options).Events(), TimeProvider.System), CancellationToken.None);

        var dag = PipelineDag.Build(dataSource, new PipelineParts());
        var runner = new DagRunner(dataSource, new RunnerSettings(0, TimeSpan.Zero, TimeSpan.FromHours(1), 2, null), new FakeTimeProvider());
        var full = await runner.RunAsync(dag, new RunRequest { RunId = "full", FullRefresh = true });
        Assert.Equal("succeeded", full.Status);
        var rebuiltEncounters = Render(await Sql.RowsAsync(connectionString, EncountersInRange));
        var rebuiltVitals = Render(await Sql.RowsAsync(connectionString, VitalsInRange));
        Assert.NotEmpty(rebuiltEncounters);
        Assert.NotEmpty(rebuiltVitals);

        // Lose the range's gold rows, then backfill the range.
        await using (var damage = dataSource.CreateCommand(
            "DELETE FROM gold.fact_encounter WHERE admit_date BETWEEN '2026-03-08' AND '2026-03-12'; " +
            "DELETE FROM gold.fact_vitals_hourly WHERE hour >= '2026-03-08' AND hour < '2026-03-13'"))
        {
            await damage.ExecuteNonQueryAsync();
        }

        var backfill = await runner.RunAsync(dag, new RunRequest { RunId = "backfill", Trigger = "backfill", Range = Range });

        Assert.Equal("succeeded", backfill.Status);
        Assert.True(backfill.Tasks.Single(t => t.Task == PipelineDag.BackfillRange).Rows > 0);
        Assert.Equal(rebuiltEncounters, Render(await Sql.RowsAsync(connectionString, EncountersInRange)));
        Assert.Equal(rebuiltVitals, Render(await Sql.RowsAsync(connectionString, VitalsInRange)));
        Assert.Equal("backfill 2026-03-08 2026-03-12", await Sql.ScalarAsync<string>(connectionString,
            "SELECT trigger || ' ' || range_from::text || ' ' || range_to::text FROM ops.runs WHERE run_id = 'backfill'"));
    }

    private static List<string> Render(List<object?[]> rows) =>
        rows.Select(r => string.Join('|', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))).ToList();
}
