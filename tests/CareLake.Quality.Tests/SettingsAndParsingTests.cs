using CareLake.Core.Configuration;

namespace CareLake.Quality.Tests;

public sealed class SettingsAndParsingTests
{
    [Fact]
    public void Quality_settings_come_from_the_config_file_then_the_environment()
    {
        var options = CareLakeOptions.Load("""{"quality": {"retention_days": 30, "drift_runs": 5}}""",
            new Dictionary<string, string?> { ["CARELAKE_DQ_STREAM_CHECKS"] = "false", ["CARELAKE_DQ_DRIFT_RUNS"] = "7" });

        Assert.Equal(new QualityOptions { RetentionDays = 30, DriftRuns = 7, StreamChecks = false }, options.Quality);
        Assert.Equal(new QualityOptions { RetentionDays = 0, DriftRuns = 10, StreamChecks = true }, CareLakeOptions.Load(null, new Dictionary<string, string?>()).Quality);
        Assert.Throws<ConfigurationException>(() => CareLakeOptions.Load("""{"quality": {"retention_days": -1}}""", new Dictionary<string, string?>()));
    }

    [Theory]
    [InlineData("table: silver.x\nchecks:\n  - type: bogus", "type 'bogus'")]
    [InlineData("table: silver.x\nchecks:\n  - type: range\n    column: a", "needs 'min', 'max'")]
    [InlineData("table: silver.x\nchecks:\n  - type: row_count\n    severity: quarantine", "only row-level checks can quarantine")]
    [InlineData("table: silver.x\nchecks:\n  - type: not_null\n    column: \"a; DROP TABLE y\"", "lower-case column name")]
    [InlineData("table: \"silver.x; --\"\nchecks: []", "schema.table")]
    [InlineData("table: silver.x\nchecks:\n  - type: not_null\n    column: a\n  - type: not_null\n    column: a", "two checks are called 'not_null_a'")]
    [InlineData("table: silver.x\nchecks:\n  - type: not_null\n    colum: a", "unknown key 'colum'")]
    public void A_broken_suite_is_refused_with_the_reason(string yaml, string reason)
    {
        var e = Assert.Throws<QualitySuiteException>(() => QualitySuiteParser.Parse(yaml, "suite.yml"));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("suite.yml: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drift_score_is_distance_in_standard_deviations_floored_at_one_percent_of_the_mean()
    {
        Assert.Equal(2.0, QualityRunner.DriftScore(14, [8, 10, 12]), 6);
        Assert.Equal(10.0, QualityRunner.DriftScore(110, [100, 100, 100]), 6);
    }
}
