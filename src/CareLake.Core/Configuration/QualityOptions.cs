using System.Text.Json.Serialization;

namespace CareLake.Core.Configuration;

/// <summary>Data-quality settings: the config file's <c>"quality"</c> object.</summary>
public sealed record QualityOptions
{
    /// <summary>
    /// Days of data-quality history (<c>ops.dq_runs</c>, <c>ops.dq_results</c>, <c>ops.dq_failures</c>) kept; older runs are
    /// deleted at the start of the next run. 0 (the default) keeps every run. Environment: <c>CARELAKE_DQ_RETENTION_DAYS</c>.
    /// </summary>
    [JsonPropertyName("retention_days")]
    public int RetentionDays { get; init; }

    /// <summary>Runs a <c>drift</c> check compares against when it names no <c>runs</c> of its own. Default 10. Environment: <c>CARELAKE_DQ_DRIFT_RUNS</c>.</summary>
    [JsonPropertyName("drift_runs")]
    public int DriftRuns { get; init; } = 10;

    /// <summary>Whether <c>stream</c> applies the silver suites' row-level checks to every micro-batch. Default true. Environment: <c>CARELAKE_DQ_STREAM_CHECKS</c> (<c>true</c>/<c>false</c>).</summary>
    [JsonPropertyName("stream_checks")]
    public bool StreamChecks { get; init; } = true;

    /// <exception cref="ConfigurationException">A setting is out of range.</exception>
    public void Validate()
    {
        if (RetentionDays is < 0 or > 36_500) throw new ConfigurationException("Invalid setting: quality.retention_days must be 0–36,500 (0 keeps every run).");
        if (DriftRuns is < 1 or > 1_000) throw new ConfigurationException("Invalid setting: quality.drift_runs must be 1–1,000.");
    }
}
