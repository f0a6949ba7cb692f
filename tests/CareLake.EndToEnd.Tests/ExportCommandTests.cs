using CareLake.Testing;
using Xunit.Abstractions;

namespace CareLake.EndToEnd.Tests;

/// <summary><c>carelake export parquet</c> as users run it: a data-quality breach withholds what is built on the broken table.</summary>
public class ExportCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_error_breach_on_silver_withholds_the_gold_built_from_it_keeps_its_previous_export_and_exits_4()
    {
        var cs = await TestDatabase.CreateAsync(nameof(An_error_breach_on_silver_withholds_the_gold_built_from_it_keeps_its_previous_export_and_exits_4));
        var env = Cli.Environment(cs);
        var dir = Path.Combine(Path.GetTempPath(), "carelake-export-gate-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, text) = await CliProcess.RunAsync(["export", "parquet", dir], env);
            output.WriteLine(text);
            Assert.True(code == 0, text);
            var previous = File.GetLastWriteTimeUtc(Path.Combine(dir, "fact_vitals_hourly", "part-00000.parquet"));

            // The latest run of an error-severity check on silver.vital_signs failed.
            await RecordHeartRateCheckAsync(cs, "failed", 3);
            (code, text) = await CliProcess.RunAsync(["export", "parquet", dir], env);
            output.WriteLine(text);
            Assert.Equal(4, code);
            Assert.Contains("withheld", text, StringComparison.Ordinal);
            Assert.Contains("gold.fact_vitals_hourly", text, StringComparison.Ordinal);
            Assert.Contains("gold.patient_risk_snapshot", text, StringComparison.Ordinal);
            Assert.DoesNotContain("gold.dim_patient", text.Split("withheld")[1], StringComparison.Ordinal);
            Assert.Equal(previous, File.GetLastWriteTimeUtc(Path.Combine(dir, "fact_vitals_hourly", "part-00000.parquet")));

            // Only tables the breach does not reach: nothing withheld from this selection.
            (code, text) = await CliProcess.RunAsync(["export", "parquet", dir, "--select", "dim_patient"], env);
            Assert.True(code == 0, text);

            // A later passing run of the same check lifts the block; --include-blocked exports regardless.
            (code, text) = await CliProcess.RunAsync(["export", "parquet", dir, "--select", "fact_vitals_hourly", "--include-blocked"], env);
            Assert.True(code == 0, text);
            Assert.NotEqual(previous, File.GetLastWriteTimeUtc(Path.Combine(dir, "fact_vitals_hourly", "part-00000.parquet")));
            await RecordHeartRateCheckAsync(cs, "passed", 0);
            (code, text) = await CliProcess.RunAsync(["export", "parquet", dir], env);
            Assert.True(code == 0, text);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A data-quality run with one error-severity check on silver.vital_signs, as <c>carelake dq</c> records it.</summary>
    private static Task<long> RecordHeartRateCheckAsync(string cs, string status, long failingRows) => Sql.ScalarAsync<long>(cs, """
        WITH run AS (INSERT INTO ops.dq_runs (run_id, trigger, checks) VALUES ('test', 'test', 1) RETURNING dq_run_id)
        INSERT INTO ops.dq_results (dq_run_id, suite, table_name, check_name, check_type, severity, status, failing_rows)
        SELECT dq_run_id, 'silver.vital_signs', 'silver.vital_signs', 'heart_rate_range', 'range', 'error', $1, $2 FROM run
        RETURNING result_id
        """, status, failingRows);
}
