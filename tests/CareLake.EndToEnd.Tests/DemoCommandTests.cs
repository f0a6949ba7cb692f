using CareLake.Testing;
using CareLake.Warehouse.Postgres;

namespace CareLake.EndToEnd.Tests;

public class DemoCommandTests
{
    [Fact]
    public async Task Demo_runs_the_whole_pipeline_on_a_private_local_cluster_and_stops_it()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "carelake-demo-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var (exitCode, output) = await CliProcess.RunAsync(["demo", "--preset", "tiny", "--days", "20", "--no-serve"],
                new Dictionary<string, string> { ["CARELAKE_DATA_DIR"] = dataDirectory }, timeout: TimeSpan.FromMinutes(5));

            Assert.True(exitCode == 0, output);
            Assert.Contains("initialising local PostgreSQL", output, StringComparison.Ordinal);
            Assert.Matches(@"[\d,]+ events ingested", output);
            Assert.Contains("patient_risk_snapshot", output, StringComparison.Ordinal);
            Assert.Contains("news2_red_score", output, StringComparison.Ordinal);
            Assert.Contains("fact_vitals_hourly", output, StringComparison.Ordinal); // the gold models ran and are counted
            Assert.DoesNotContain('\u001b', output); // plain text into a pipe: no terminal escape codes
            var local = new LocalPostgres(dataDirectory);
            Assert.False(await local.IsRunningAsync()); // stopped on exit

            // Run again on the kept database: the feed lines up with bronze, nothing is doubled.
            await local.EnsureStartedAsync();
            var connectionString = local.ConnectionString("carelake_demo");
            var bronze = await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM bronze.raw_events");
            var silver = await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM silver.vital_signs");
            Assert.True(bronze > 1000 && silver > 100, $"bronze {bronze}, silver {silver}");
            Assert.Equal(silver, await Sql.ScalarAsync<long>(connectionString,
                "SELECT count(*) FROM silver.vital_signs v JOIN bronze.raw_events b ON b.id = v.bronze_id"));
            Assert.Equal(await Sql.ScalarAsync<long>(connectionString, "SELECT count(DISTINCT patient_id) FROM silver.vital_signs"),
                await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM gold.patient_risk_snapshot"));
            Assert.Equal(await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM silver.patient_versions"),
                await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM gold.dim_patient"));
            Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM ops.model_runs WHERE status <> 'success'"));

            (exitCode, output) = await CliProcess.RunAsync(["demo", "--preset", "tiny", "--days", "20", "--keep", "--no-serve"],
                new Dictionary<string, string> { ["CARELAKE_DATA_DIR"] = dataDirectory }, timeout: TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, output);
            Assert.Contains("0 events ingested", output, StringComparison.Ordinal);
            await local.EnsureStartedAsync(); // the demo stops the cluster on exit when no other client holds a connection
            Assert.Equal(bronze, await Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM bronze.raw_events"));
            await local.StopAsync();
        }
        finally
        {
            await ScratchCluster.RemoveAsync(dataDirectory);
        }
    }
}
