using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace CareLake.Quality;

/// <summary>One recorded run: its id, when, and its counts.</summary>
public sealed record QualityRunSummary(long DqRunId, string RunId, string Trigger, DateTimeOffset StartedAt, int Checks, int Passed, int Warned, int Failed, int Quarantined);

/// <summary>A failing row of a result: its key as JSON.</summary>
public sealed record QualityFailure(long ResultId, string RowKey);

/// <summary>What the report shows: the suites, the recent runs, the latest run's results and failing rows, and each check's history.</summary>
public sealed record QualityReportData(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<QualitySuite> Suites,
    IReadOnlyList<QualityRunSummary> Runs,
    IReadOnlyList<QualityCheckResult> Latest,
    IReadOnlyList<QualityFailure> LatestFailures,
    IReadOnlyDictionary<string, IReadOnlyList<(long DqRunId, string Status, double? Observed)>> Trends);

/// <summary>
/// <c>carelake dq report DIR</c>: <c>index.html</c>, one self-contained page (no scripts or styles from elsewhere), and
/// <c>dq_run.json</c>, a versioned artifact of the latest run with every failing row's key, for other tools.
/// </summary>
public static class QualityReport
{
    /// <summary>The version of <c>dq_run.json</c>'s layout; raised when a field changes meaning or disappears.</summary>
    public const int ArtifactVersion = 1;

    /// <summary>Rows of one check listed in the HTML page; every row is in the JSON artifact and <c>ops.dq_failures</c>.</summary>
    public const int HtmlRowsPerCheck = 1000;

    public static async Task<QualityReportData> LoadAsync(NpgsqlDataSource dataSource, int runs = 30, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var summaries = new List<QualityRunSummary>();
        await using (var command = dataSource.CreateCommand(
            "SELECT dq_run_id, run_id, trigger, started_at, checks, passed, warned, failed, quarantined FROM ops.dq_runs " +
            "WHERE finished_at IS NOT NULL ORDER BY dq_run_id DESC LIMIT $1"))
        {
            command.Parameters.AddWithValue(runs);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                summaries.Add(new QualityRunSummary(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8)));
            }
        }

        IReadOnlyList<QualityCheckResult> latest = [];
        var failures = new List<QualityFailure>();
        var trends = new Dictionary<string, IReadOnlyList<(long, string, double?)>>(StringComparer.Ordinal);
        if (summaries.Count > 0)
        {
            latest = await QualityRunner.ResultsAsync(dataSource, summaries[0].DqRunId, cancellationToken);
            await using (var command = dataSource.CreateCommand("SELECT result_id, row_key::text FROM ops.dq_failures WHERE dq_run_id = $1 ORDER BY failure_id"))
            {
                command.Parameters.AddWithValue(summaries[0].DqRunId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) failures.Add(new QualityFailure(reader.GetInt64(0), reader.GetString(1)));
            }

            await using (var command = dataSource.CreateCommand(
                "SELECT suite || '.' || check_name, dq_run_id, status, observed_value FROM ops.dq_results WHERE dq_run_id >= $1 ORDER BY dq_run_id, result_id"))
            {
                command.Parameters.AddWithValue(summaries[^1].DqRunId);
                var lists = new Dictionary<string, List<(long, string, double?)>>(StringComparer.Ordinal);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = reader.GetString(0);
                    if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
                    list.Add((reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetDouble(3)));
                }

                foreach (var (k, v) in lists) trends[k] = v;
            }
        }

        return new QualityReportData(DateTimeOffset.UtcNow, QualitySuites.All, summaries, latest, failures, trends);
    }

    /// <summary>Writes <c>index.html</c> and <c>dq_run.json</c> into <paramref name="directory"/> (created if missing).</summary>
    public static async Task WriteAsync(QualityReportData data, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "index.html"), Html(data), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "dq_run.json"), Artifact(data).ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
    }

    public static JsonObject Artifact(QualityReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var run = data.Runs.Count > 0 ? data.Runs[0] : null;
        var byResult = data.LatestFailures.ToLookup(f => f.ResultId);
        return new JsonObject
        {
            ["artifact"] = "carelake.dq_run",
            ["version"] = ArtifactVersion,
            ["generated_at"] = data.GeneratedAt.ToString("O", CultureInfo.InvariantCulture),
            ["run"] = run is null ? null : new JsonObject
            {
                ["dq_run_id"] = run.DqRunId, ["run_id"] = run.RunId, ["trigger"] = run.Trigger,
                ["started_at"] = run.StartedAt.ToString("O", CultureInfo.InvariantCulture),
                ["checks"] = run.Checks, ["passed"] = run.Passed, ["warned"] = run.Warned, ["failed"] = run.Failed, ["quarantined"] = run.Quarantined,
            },
            ["results"] = new JsonArray(data.Latest.Select(r => (JsonNode)new JsonObject
            {
                ["result_id"] = r.ResultId, ["suite"] = r.Suite, ["table"] = r.Table, ["check"] = r.Check, ["type"] = r.Type,
                ["severity"] = QualityRunner.SeverityText(r.Severity), ["status"] = r.Status, ["observed_value"] = r.Observed,
                ["threshold"] = r.Threshold, ["failing_rows"] = r.FailingRows, ["message"] = r.Message, ["duration_ms"] = r.DurationMs,
                ["failures"] = new JsonArray(byResult[r.ResultId].Select(f => JsonNode.Parse(f.RowKey)).ToArray()),
            }).ToArray()),
        };
    }

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string N(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "";

    public static string Html(QualityReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>CareLake data quality</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:1em 0}
            th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
            th{background:#f4f4f4}
            .passed{background:#e3f6e3}.warned{background:#fff5d6}.failed,.errored{background:#fbdcdc}.quarantined{background:#e5e9fb}
            .dot{display:inline-block;width:.8em;height:.8em;margin-right:1px;border-radius:2px}
            code{font-size:90%}
            </style></head><body>
            <h1>CareLake data quality</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<p>Generated {E(data.GeneratedAt.ToString("u", CultureInfo.InvariantCulture))}.</p>");

        html.Append("<h2>Latest run</h2>");
        if (data.Runs.Count == 0)
        {
            html.Append("<p>No run has been recorded yet: run <code>carelake dq</code>.</p>");
        }
        else
        {
            var run = data.Runs[0];
            html.Append(CultureInfo.InvariantCulture, $"<p>Run {run.DqRunId} (<code>{E(run.RunId)}</code>, {E(run.Trigger)}) started {E(run.StartedAt.ToString("u", CultureInfo.InvariantCulture))}: {run.Checks} checks, {run.Passed} passed, {run.Warned} warned, {run.Failed} failed, {run.Quarantined} quarantined.</p>");
            html.Append("<table><tr><th>suite</th><th>check</th><th>type</th><th>severity</th><th>status</th><th>observed</th><th>threshold</th><th>failing rows</th><th>message</th><th>trend (oldest → newest)</th></tr>");
            foreach (var r in data.Latest)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{E(r.Status)}\"><td>{E(r.Suite)}</td><td>{E(r.Check)}</td><td>{E(r.Type)}</td><td>{QualityRunner.SeverityText(r.Severity)}</td><td>{E(r.Status)}</td><td>{N(r.Observed)}</td><td>{E(r.Threshold)}</td><td>{r.FailingRows}</td><td>{E(r.Message)}</td><td>");
                if (data.Trends.TryGetValue(r.Suite + "." + r.Check, out var trend))
                {
                    foreach (var (runId, status, observed) in trend)
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<span class=\"dot {E(status)}\" title=\"run {runId}: {E(status)} {N(observed)}\"></span>");
                    }
                }

                html.Append("</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Runs</h2><table><tr><th>run</th><th>run id</th><th>trigger</th><th>started</th><th>checks</th><th>passed</th><th>warned</th><th>failed</th><th>quarantined</th></tr>");
        foreach (var run in data.Runs)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(run.Failed > 0 ? "failed" : run.Warned + run.Quarantined > 0 ? "warned" : "passed")}\"><td>{run.DqRunId}</td><td>{E(run.RunId)}</td><td>{E(run.Trigger)}</td><td>{E(run.StartedAt.ToString("u", CultureInfo.InvariantCulture))}</td><td>{run.Checks}</td><td>{run.Passed}</td><td>{run.Warned}</td><td>{run.Failed}</td><td>{run.Quarantined}</td></tr>");
        }

        html.Append("</table><h2>Failing rows of the latest run</h2>");
        var byResult = data.LatestFailures.ToLookup(f => f.ResultId);
        var any = false;
        foreach (var r in data.Latest.Where(r => r.FailingRows > 0))
        {
            any = true;
            var rows = byResult[r.ResultId].ToList();
            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(r.Suite)}.{E(r.Check)}: {r.FailingRows} rows</h3>");
            if (rows.Count > HtmlRowsPerCheck) html.Append(CultureInfo.InvariantCulture, $"<p>The first {HtmlRowsPerCheck} are listed; dq_run.json and ops.dq_failures hold all {rows.Count}.</p>");
            html.Append("<table><tr><th>row key</th></tr>");
            foreach (var f in rows.Take(HtmlRowsPerCheck)) html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(f.RowKey)}</code></td></tr>");
            html.Append("</table>");
        }

        if (!any) html.Append("<p>None.</p>");

        html.Append("<h2>Suites</h2>");
        foreach (var suite in data.Suites)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{E(suite.Name)}</h3><p>From <code>{E(suite.Origin)}</code>; key ({E(string.Join(", ", suite.Key))}).</p>");
            html.Append("<table><tr><th>check</th><th>type</th><th>severity</th><th>expects</th></tr>");
            foreach (var c in suite.Checks)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.Name)}</td><td>{E(c.Type)}</td><td>{QualityRunner.SeverityText(c.Severity)}</td><td>{E(c.Threshold)}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }
}
