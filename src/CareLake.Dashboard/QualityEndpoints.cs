using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Dashboard;

/// <summary>
/// The data-quality view's endpoints under <c>/v1/quality</c>: runs and their outcomes, every check's latest result
/// with its failing rows, the null share of every gold column over time, and quarantined records by reason with the
/// raw record.
/// </summary>
public static class QualityEndpoints
{
    private const int DefaultLimit = 200;
    private const int MaxLimit = 5_000;

    /// <summary>A raw record is shown up to this many bytes (its full size is in the <c>bytes</c> column).</summary>
    private const int MaxRecordBytes = 16_384;

    public static void MapQuality(this IEndpointRouteBuilder app, TableQuery queries)
    {
        var quality = app.MapGroup("/v1/quality").WithTags("Data quality");

        quality.MapGet("/runs", (string? from, string? to, int? limit, HttpContext http) =>
                Answer(queries, "Quality/runs.sql", from, to, limit, http, []))
            .Describe("QualityRuns", "Data-quality runs",
                "The newest runs, oldest first: each run (dq_run_id, the caller's run_id, trigger cli/dag/stream/test, times) with its checks by outcome " +
                "(passed, warned, failed, quarantined). Filters from, to (the day the run started); limit (default 200, at most 5,000).");

        quality.MapGet("/results", (CancellationToken aborted) => queries.AnswerAsync("Quality/latest_results.sql", [], aborted))
            .Describe("QualityLatestResults", "Every check's latest result",
                "One row per check (suite, check_name): its most recent result, failed and errored first — status, observed value, " +
                "threshold, failing-row count and message. The failing rows of a result: /v1/quality/results/{resultId}/failures.");

        quality.MapGet("/results/{resultId:long}", async (long resultId, HttpContext http) =>
                await ExistsAsync(queries.DataSource, "SELECT 1 FROM ops.dq_results WHERE result_id = @id", resultId, http.RequestAborted)
                    ? await queries.AnswerAsync("Quality/result.sql", [Parameter("result_id", resultId)], http.RequestAborted)
                    : NotFound($"There is no data-quality result {resultId}."))
            .Describe("QualityResult", "One check result", "The result as recorded in ops.dq_results; 404 when there is none.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        quality.MapGet("/results/{resultId:long}/failures", async (long resultId, int? limit, HttpContext http) =>
            {
                if (Limit(limit) is not { } rows) return BadLimit();
                return await ExistsAsync(queries.DataSource, "SELECT 1 FROM ops.dq_results WHERE result_id = @id", resultId, http.RequestAborted)
                    ? await queries.AnswerAsync("Quality/failures.sql", [Parameter("result_id", resultId), Parameter("limit", rows)], http.RequestAborted)
                    : NotFound($"There is no data-quality result {resultId}.");
            })
            .Describe("QualityFailures", "The failing rows of one check result",
                "The key of each failing row (row_key, the suite's key columns as JSON), in the order found; every one is kept in " +
                "ops.dq_failures, this answers the first `limit` (default 200, at most 5,000). 404 for an unknown result.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        quality.MapGet("/completeness/tables", (CancellationToken aborted) => queries.AnswerAsync("Quality/completeness_tables.sql", [], aborted))
            .Describe("CompletenessTables", "Gold tables measured for nulls", "Rows [value, label]: each gold table in gold.mart_data_completeness.");

        quality.MapGet("/completeness", (string? table, string? from, string? to, HttpContext http) =>
            {
                if (string.IsNullOrWhiteSpace(table) || table.Length > 63) return Task.FromResult(DashboardFilter.Problem("table (a gold table's name) is required."));
                return Answer(queries, "Quality/completeness_history.sql", from, to, DefaultLimit, http, [Parameter("table", table.Trim())]);
            })
            .Describe("CompletenessHistory", "Null % of one gold table's columns over time",
                "Every measurement (one per gold run) of every column of the table: measured_at, column_name, null_pct, null_count, " +
                "row_count, oldest first. Required: table (e.g. fact_encounter); filters from, to (the day measured).");

        quality.MapGet("/completeness/latest", (string? table, HttpContext http) =>
            {
                if (table?.Length > 63) return Task.FromResult(DashboardFilter.Problem("table is a gold table's name (at most 63 characters)."));
                return queries.AnswerAsync("Quality/completeness_latest.sql",
                    [TableQuery.Parameter("table", NpgsqlDbType.Text, string.IsNullOrWhiteSpace(table) ? null : table.Trim())], http.RequestAborted);
            })
            .Describe("CompletenessLatest", "Latest null % of gold columns",
                "The latest measurement of every column (of one table when table is given), the emptiest first.");

        quality.MapGet("/quarantine/reasons", (string? from, string? to, HttpContext http) =>
                Answer(queries, "Quality/quarantine_reasons.sql", from, to, DefaultLimit, http, []))
            .Describe("QuarantineReasons", "Quarantined records by reason",
                "layer (silver: a record that could not be typed; quality: a row a quarantine check moved aside), source (the stream " +
                "or table), reason, records, last_at. Filters from, to (the day quarantined).");

        quality.MapGet("/quarantine", (string? reason, string? from, string? to, int? limit, HttpContext http) =>
            {
                if (reason?.Length > 200) return Task.FromResult(DashboardFilter.Problem("reason is at most 200 characters."));
                return Answer(queries, "Quality/quarantine_records.sql", from, to, limit, http,
                    [TableQuery.Parameter("reason", NpgsqlDbType.Text, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()), Parameter("max_bytes", MaxRecordBytes)]);
            })
            .Describe("QuarantinedRecords", "Quarantined silver records with the raw record",
                "Newest first: the reason (code, field, message) and the message bronze kept, byte for byte as received, shown as " +
                "UTF-8 (raw_record, the first 16 KiB; bytes gives its size). Filters reason (a reason code), from, to; limit " +
                "(default 200, at most 5,000).");

        quality.MapGet("/quarantine/rows", (string? reason, string? from, string? to, int? limit, HttpContext http) =>
            {
                if (reason?.Length > 200) return Task.FromResult(DashboardFilter.Problem("reason is at most 200 characters."));
                return Answer(queries, "Quality/quality_quarantine_records.sql", from, to, limit, http,
                    [TableQuery.Parameter("reason", NpgsqlDbType.Text, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim())]);
            })
            .Describe("QualityQuarantinedRows", "Rows moved aside by quarantine checks",
                "Newest first: table, reason (dq:<suite>.<check>), the row's key and the whole row as it was (JSON). Filters reason, " +
                "from, to; limit (default 200, at most 5,000).");
    }

    private static async Task<IResult> Answer(TableQuery queries, string sqlPath, string? from, string? to, int? limit, HttpContext http, NpgsqlParameter[] more)
    {
        var (filter, problem) = DashboardFilter.Parse(from, to, null, null);
        if (problem is not null) return problem;
        if (Limit(limit) is not { } rows) return BadLimit();
        return await queries.AnswerAsync(sqlPath, [.. filter!.Parameters(), Parameter("limit", rows), .. more], http.RequestAborted);
    }

    private static int? Limit(int? limit) => limit switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => null,
        _ => limit,
    };

    private static IResult BadLimit() => DashboardFilter.Problem($"limit is 1–{MaxLimit:N0}.");

    private static IResult NotFound(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static NpgsqlParameter Parameter(string name, long value) => new(name, NpgsqlDbType.Bigint) { Value = value };

    private static NpgsqlParameter Parameter(string name, int value) => new(name, NpgsqlDbType.Integer) { Value = value };

    private static NpgsqlParameter Parameter(string name, string value) => new(name, NpgsqlDbType.Text) { Value = value };

    private static async Task<bool> ExistsAsync(NpgsqlDataSource dataSource, string sql, long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(Parameter("id", id));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static RouteHandlerBuilder Describe(this RouteHandlerBuilder endpoint, string name, string summary, string description) => endpoint
        .WithName(name)
        .WithSummary(summary)
        .WithDescription(description + " Answer: {columns:[{name,type}], rows:[[…]]}.")
        .Produces(StatusCodes.Status200OK, contentType: "application/json")
        .ProducesProblem(StatusCodes.Status400BadRequest);
}
