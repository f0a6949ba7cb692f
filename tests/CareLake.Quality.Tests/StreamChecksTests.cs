using CareLake.Generator;
using CareLake.Streaming.Sources;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Quality.Tests;

/// <summary>The silver suites' row-level checks inside stream's micro-batches.</summary>
public sealed class StreamChecksTests
{
    private static readonly QualitySuite Suite = QualitySuiteParser.Parse("""
        table: silver.vital_signs
        key: [event_id]
        checks:
          - type: range
            name: heart_rate_cap
            column: heart_rate
            max: 100
            severity: quarantine
          - type: not_null
            column: encounter_id
            severity: warn
          - type: custom_sql
            name: high_band_is_error
            severity: error
            sql: SELECT event_id FROM silver.vital_signs WHERE news2_band = 'high' AND heart_rate > 115
        """, "test");

    private static async Task FeedAsync(NpgsqlDataSource dataSource, BatchQualityChecks? checks)
    {
        var options = new GeneratorOptions
        {
            Patients = 120,
            Days = 15,
            Seed = 41,
            Start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, GeneratorOptions.DefaultFacilityUtcOffset),
        };
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { }) { QualityChecks = checks };
        await new FeedStreamWorker(context, GeneratorFeed.SourceName, "dq-stream", 300)
            .RunAsync(GeneratorFeed.Messages(new HospitalSimulator(options).Events(), TimeProvider.System), CancellationToken.None);
    }

    [Fact]
    public async Task Quarantine_moves_exactly_the_failing_rows_of_each_batch_and_the_stream_goes_on()
    {
        var plain = await TestDatabase.CreateAsync("quality_stream_plain");
        var checkedDb = await TestDatabase.CreateAsync("quality_stream_checked");
        await using (var dataSource = NpgsqlDataSource.Create(plain)) await FeedAsync(dataSource, null);
        await using (var dataSource = NpgsqlDataSource.Create(checkedDb)) await FeedAsync(dataSource, new BatchQualityChecks([Suite]));

        var tooFast = (await Sql.RowsAsync(plain, "SELECT event_id FROM silver.vital_signs WHERE heart_rate > 100 ORDER BY 1")).Select(r => (string)r[0]!).ToList();
        Assert.NotEmpty(tooFast);
        var quarantined = (await Sql.RowsAsync(checkedDb,
            "SELECT event_id FROM silver.quarantine WHERE reason_code = 'dq:silver.vital_signs.heart_rate_cap' ORDER BY 1")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(tooFast, quarantined);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(checkedDb, "SELECT count(*) FROM silver.vital_signs WHERE heart_rate > 100"));
        Assert.Equal(
            await Sql.ScalarAsync<long>(plain, "SELECT count(*) FROM silver.vital_signs") - tooFast.Count,
            await Sql.ScalarAsync<long>(checkedDb, "SELECT count(*) FROM silver.vital_signs"));

        // Every failing row's key is in the history, under stream runs.
        var recorded = (await Sql.RowsAsync(checkedDb,
            "SELECT f.row_key->>'event_id' FROM ops.dq_failures f JOIN ops.dq_results r USING (result_id) JOIN ops.dq_runs u ON u.dq_run_id = r.dq_run_id " +
            "WHERE u.trigger = 'stream' AND r.check_name = 'heart_rate_cap' ORDER BY 1")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(tooFast, recorded);
    }
}
