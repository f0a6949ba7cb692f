using System.Text.Json;
using System.Text.Json.Nodes;
using CareLake.Scheduling.History;
using CareLake.Scheduling.Running;

namespace CareLake.Scheduling.Artifacts;

/// <summary>
/// A run's result as versioned JSON (<c>DIRECTORY/RUN_ID/run_results.json</c>, schema
/// <see cref="SchemaVersion"/>), for other tools (Airflow, CI, dashboards) to read. A new field may appear within a
/// version; a field's meaning never changes without a new version.
/// </summary>
public static class RunArtifact
{
    public const string SchemaVersion = "carelake.run_results.v1";
    public const string FileName = "run_results.json";

    public static JsonObject ToJson(RunOutcome run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var tasks = new JsonArray();
        foreach (var task in run.Tasks)
        {
            tasks.Add(new JsonObject
            {
                ["task"] = task.Task,
                ["stage"] = task.Stage.ToString().ToLowerInvariant(),
                ["status"] = RunHistory.StatusText(task.Status),
                ["reused"] = task.Reused,
                ["attempts"] = task.Attempts,
                ["started_at"] = task.StartedAt,
                ["finished_at"] = task.FinishedAt,
                ["duration_ms"] = (long)(task.FinishedAt - task.StartedAt).TotalMilliseconds,
                ["rows"] = task.Rows,
                ["error"] = task.Error,
                ["blocked_tables"] = new JsonArray(task.BlockedTables.Select(t => (JsonNode)t).ToArray()),
            });
        }

        return new JsonObject
        {
            ["schema_version"] = SchemaVersion,
            ["run_id"] = run.RunId,
            ["job"] = run.Job,
            ["status"] = run.Status,
            ["started_at"] = run.StartedAt,
            ["finished_at"] = run.FinishedAt,
            ["full_refresh"] = run.FullRefresh,
            ["range"] = run.Range is { } r ? new JsonObject { ["from"] = r.From.ToString("yyyy-MM-dd", null), ["to"] = r.To.ToString("yyyy-MM-dd", null) } : null,
            ["summary"] = new JsonObject
            {
                ["tasks"] = run.Tasks.Count,
                ["succeeded"] = run.Tasks.Count(t => t.Status == TaskRunStatus.Succeeded),
                ["failed"] = run.Tasks.Count(t => t.Status == TaskRunStatus.Failed),
                ["skipped"] = run.Tasks.Count(t => t.Status == TaskRunStatus.Skipped),
                ["blocked_tables"] = new JsonArray(run.BlockedTables.Select(t => (JsonNode)t).ToArray()),
            },
            ["tasks"] = tasks,
        };
    }

    /// <summary>Writes the artifact (atomically: a temporary file renamed into place); returns its path.</summary>
    public static async Task<string> WriteAsync(string directory, RunOutcome run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var folder = Path.Combine(directory, run.RunId);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, ToJson(run).ToJsonString(Indented), cancellationToken);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
