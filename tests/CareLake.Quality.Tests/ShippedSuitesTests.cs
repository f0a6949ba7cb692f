using CareLake.Generator;
using CareLake.Generator.DirtyData;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Quality.Tests;

/// <summary>The suites shipped beside the warehouse's tables, against the generator's hospital.</summary>
public sealed class ShippedSuitesTests
{
    private static GeneratorOptions Hospital(long seed, DirtyDataOptions dirty) => new()
    {
        Patients = 150,
        Days = 20,
        Seed = seed,
        Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, GeneratorOptions.DefaultFacilityUtcOffset),
        DirtyData = dirty,
    };

    private static Task FeedAsync(NpgsqlDataSource dataSource, GeneratorOptions options)
    {
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var worker = new FeedStreamWorker(context, GeneratorFeed.SourceName, "dq-test", 500);
        return worker.RunAsync(GeneratorFeed.Messages(new HospitalSimulator(options).Events(), TimeProvider.System), CancellationToken.None);
    }

    [Fact]
    public void Every_shipped_suite_parses_and_names_its_table()
    {
        Assert.Contains(QualitySuites.All, s => s.Table == "silver.vital_signs");
        Assert.Contains(QualitySuites.All, s => s.Table == "gold.fact_encounter" && s.Origin == "Gold/Models/fact_encounter.yml");
        Assert.Contains(QualitySuites.All, s => s.Table == "bronze.raw_events");
        Assert.All(QualitySuites.All, s => Assert.NotEmpty(s.Checks));
    }

    [Fact]
    public async Task The_shipped_suites_pass_on_clean_data_and_drift_fires_on_dirty_data()
    {
        var connectionString = await TestDatabase.CreateAsync("quality_shipped");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await FeedAsync(dataSource, Hospital(31, DirtyDataOptions.Off));
        await GoldModels.RunAsync(dataSource, new GoldRunOptions());

        // A few runs on clean data: every check passes, and the drift checks learn the baseline.
        for (var run = 0; run < 3; run++)
        {
            var clean = await QualityRunner.RunAsync(dataSource, new QualityRunRequest($"clean-{run}", null));
            var notPassed = await Sql.RowsAsync(connectionString,
                "SELECT suite || '.' || check_name || ': ' || status || ' ' || coalesce(message, '') FROM ops.dq_results WHERE dq_run_id = $1 AND status <> 'passed'", clean.DqRunId);
            Assert.True(notPassed.Count == 0, string.Join('\n', notPassed.Select(r => r[0])));
            Assert.Equal(QualitySuites.All.Sum(s => s.Checks.Count), clean.Checks);
        }

        // The dirty-data mode shifts what silver sees: more records quarantined than in any earlier run.
        await FeedAsync(dataSource, Hospital(32, DirtyDataOptions.Demo));
        var dirty = await QualityRunner.RunAsync(dataSource, new QualityRunRequest("dirty", ["silver"]));
        var drift = Assert.Single(await Sql.RowsAsync(connectionString,
            "SELECT status, message FROM ops.dq_results WHERE dq_run_id = $1 AND check_name = 'drift_quarantined_records'", dirty.DqRunId));
        Assert.Equal("warned", drift[0]);
        Assert.Contains("z = ", (string)drift[1]!, StringComparison.Ordinal);
    }
}
