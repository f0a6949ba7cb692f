using System.Globalization;
using System.Text;
using CareLake.Alerting;
using CareLake.Core.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace CareLake.Web;

/// <summary>
/// The dashboard's alerts: <c>GET /v1/alerts</c> (recent clinical and operational alerts, filtered by kind, severity,
/// since) and <c>GET /v1/alerts/stream</c> (server-sent events: each new alert the moment its commit notifies).
/// </summary>
public static class AlertEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void MapAlerts(this IEndpointRouteBuilder app, NpgsqlDataSource dataSource)
    {
        var alerts = app.MapGroup("/v1/alerts").WithTags("Alerts");
        alerts.MapGet("", async (HttpContext http, string? kind, string? severity, string? since, int? limit) =>
            {
                if (Filter(kind, severity, since, limit) is not { } filter) return BadFilter();
                var list = await RecentAlerts.ListAsync(dataSource, filter, http.RequestAborted);
                var json = new StringBuilder("[");
                for (var i = 0; i < list.Count; i++) json.Append(i == 0 ? "" : ",").Append(list[i].ToJsonString());
                return Results.Text(json.Append(']').ToString(), "application/json", Encoding.UTF8);
            })
            .WithName("ListAlerts")
            .WithSummary("Recent clinical and operational alerts")
            .WithDescription("Newest first. Each has alert_id (the Kafka message key), kind, severity, patient_id (clinical alerts only; the MRN, " +
                             "never a name), reason, raised_at, source (a link back to the rows it comes from) and deliveries (each channel's " +
                             "outcome: delivered, dead_lettered, rate_limited, deduplicated). Filters: kind (a kind or clinical/operational), " +
                             "severity (that severity and above: info, warning, high, critical), since (ISO 8601), limit (default 100).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        alerts.MapGet("/stream", async (HttpContext http, string? kind, string? severity) =>
            {
                if (Filter(kind, severity, null, 1000) is not { } filter)
                {
                    await BadFilter().ExecuteAsync(http);
                    return;
                }

                await StreamAsync(http, dataSource, filter);
            })
            .WithName("StreamAlerts")
            .WithSummary("New alerts as server-sent events")
            .WithDescription("text/event-stream: one event 'alert' per new clinical or operational alert (data: the same JSON as GET /v1/alerts, " +
                             "id: its alert_id), sent as soon as the transaction that raised it commits; a comment every 15 s keeps the " +
                             "connection open. Filters kind and severity as for GET /v1/alerts.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static AlertFilter? Filter(string? kind, string? severity, string? since, int? limit)
    {
        if (severity is not null && Severities.IndexOf(severity) < 0) return null;
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return null;
            from = parsed;
        }

        if (limit is < 1 or > 10_000) return null;
        return new AlertFilter(kind, severity, from, limit ?? 100);
    }

    private static IResult BadFilter() => Problems.Of(StatusCodes.Status400BadRequest, "Invalid filter",
        $"severity must be one of {string.Join(", ", Severities.All)}; since an ISO 8601 time; limit 1–10,000.");

    private static async Task StreamAsync(HttpContext http, NpgsqlDataSource dataSource, AlertFilter filter)
    {
        var aborted = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await using var listener = await dataSource.OpenConnectionAsync(aborted);
        await using (var listen = new NpgsqlCommand($"LISTEN {AlertDispatcher.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync(aborted);
        }

        long clinical, operational;
        await using (var start = new NpgsqlCommand(
                         "SELECT coalesce((SELECT max(alert_id) FROM silver.clinical_alerts), 0), coalesce((SELECT max(alert_id) FROM ops.operational_alerts), 0)", listener))
        await using (var reader = await start.ExecuteReaderAsync(aborted))
        {
            await reader.ReadAsync(aborted);
            clinical = reader.GetInt64(0);
            operational = reader.GetInt64(1);
        }

        await http.Response.WriteAsync(": connected\n\n", aborted);
        await http.Response.Body.FlushAsync(aborted);
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var woke = await listener.WaitAsync(KeepAlive, aborted);
                var fresh = await RecentAlerts.ListAsync(dataSource, filter with { AfterClinicalId = clinical, AfterOperationalId = operational }, aborted);
                foreach (var alert in fresh.Reverse())
                {
                    var id = alert["id"]!.GetValue<long>();
                    if (alert["source_kind"]!.GetValue<string>() == "clinical") clinical = Math.Max(clinical, id);
                    else operational = Math.Max(operational, id);
                    await http.Response.WriteAsync($"id: {alert["alert_id"]}\nevent: alert\ndata: {alert.ToJsonString()}\n\n", aborted);
                }

                if (!woke && fresh.Count == 0) await http.Response.WriteAsync(": keep-alive\n\n", aborted);
                await http.Response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
    }
}
