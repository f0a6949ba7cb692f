using System.Text.Json.Serialization;

namespace CareLake.Core.Configuration;

/// <summary>
/// How the DAG runs: its scheduled jobs, retries, timeouts, concurrency and where run artifacts go. The config key is
/// <c>schedule</c>; every setting has a default, so an empty section (or none) is valid and schedules nothing.
/// </summary>
public sealed record ScheduleOptions
{
    /// <summary>The jobs <c>carelake schedule</c> runs. Default: none.</summary>
    [JsonPropertyName("jobs")]
    public IReadOnlyList<ScheduledJob> Jobs { get; init; } = [];

    /// <summary>Retries after a task's first failed attempt. Default 2 (three attempts in all).</summary>
    [JsonPropertyName("retries")]
    public int Retries { get; init; } = 2;

    /// <summary>
    /// The first retry's delay in milliseconds; each further retry doubles it, with jitter. Default 2,000.
    /// </summary>
    [JsonPropertyName("backoff_base_ms")]
    public int BackoffBaseMs { get; init; } = 2_000;

    /// <summary>How long one attempt of a task may take before it is cancelled and counts as failed, in seconds. Default 3,600.</summary>
    [JsonPropertyName("task_timeout_seconds")]
    public int TaskTimeoutSeconds { get; init; } = 3_600;

    /// <summary>Tasks run at the same time when their inputs are ready. Default 2.</summary>
    [JsonPropertyName("concurrency")]
    public int Concurrency { get; init; } = 2;

    /// <summary>
    /// Where each run's JSON artifact (<c>RUN_ID/run_results.json</c>) is written. Default: <c>runs</c> inside the data
    /// directory.
    /// </summary>
    [JsonPropertyName("artifact_dir")]
    public string? ArtifactDirectory { get; init; }

    /// <summary>Where the DAG's Parquet export writes. Default: <c>export</c> inside the data directory.</summary>
    [JsonPropertyName("export_dir")]
    public string? ExportDirectory { get; init; }

    /// <summary>File drops the DAG's source step imports on every run (each record lands in bronze once, so files already imported add nothing). Default: none.</summary>
    [JsonPropertyName("imports")]
    public IReadOnlyList<ScheduledImport> Imports { get; init; } = [];

    /// <summary>Throws <see cref="ConfigurationException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Require(Retries is >= 0 and <= 20, "schedule.retries must be 0–20");
        Require(BackoffBaseMs is >= 0 and <= 3_600_000, "schedule.backoff_base_ms must be 0–3,600,000");
        Require(TaskTimeoutSeconds is >= 1 and <= 86_400, "schedule.task_timeout_seconds must be 1–86,400");
        Require(Concurrency is >= 1 and <= 64, "schedule.concurrency must be 1–64");
        foreach (var import in Imports)
        {
            Require(import.Format is "fhir" or "ndjson" or "synthea", $"schedule.imports format '{import.Format}' is not fhir, ndjson or synthea");
            Require(!string.IsNullOrWhiteSpace(import.Path), "every schedule.imports entry needs a path");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in Jobs)
        {
            Require(!string.IsNullOrWhiteSpace(job.Name), "every schedule.jobs entry needs a name");
            Require(names.Add(job.Name), $"schedule.jobs names '{job.Name}' twice");
            Require(!string.IsNullOrWhiteSpace(job.Cron), $"schedule.jobs '{job.Name}' needs a cron expression");
            Require(job.TimeZone is null || TimeZoneExists(job.TimeZone), $"schedule.jobs '{job.Name}': time_zone '{job.TimeZone}' is not a known time zone");
        }
    }

    private static bool TimeZoneExists(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    private static void Require(bool condition, string message)
    {
        if (!condition) throw new ConfigurationException($"Invalid setting: {message}.");
    }
}

/// <summary>A job: a selection of the DAG run on a cron schedule.</summary>
public sealed record ScheduledJob
{
    /// <summary>The job's name, unique; it names its runs and its claims.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Five fields (minute precision) or six (with seconds first), e.g. <c>0 2 * * *</c> for 02:00 daily.</summary>
    [JsonPropertyName("cron")]
    public string Cron { get; init; } = "";

    /// <summary>The tasks to run, as in <c>carelake run --select</c>. Default: the whole DAG.</summary>
    [JsonPropertyName("select")]
    public IReadOnlyList<string> Select { get; init; } = [];

    /// <summary>The time zone the cron expression is read in (IANA id, e.g. <c>Europe/London</c>). Default UTC.</summary>
    [JsonPropertyName("time_zone")]
    public string? TimeZone { get; init; }

    /// <summary>Rebuild per_patient gold models for every patient. Default false.</summary>
    [JsonPropertyName("full_refresh")]
    public bool FullRefresh { get; init; }
}

/// <summary>A file drop: a file or folder imported by the DAG's source step, as <c>carelake import FORMAT PATH</c> would.</summary>
public sealed record ScheduledImport
{
    /// <summary><c>fhir</c> (FHIR JSON/NDJSON), <c>ndjson</c> (contract events) or <c>synthea</c> (a Synthea CSV folder).</summary>
    [JsonPropertyName("format")]
    public string Format { get; init; } = "";

    /// <summary>A file, or a folder whose files of that format are imported.</summary>
    [JsonPropertyName("path")]
    public string Path { get; init; } = "";
}
