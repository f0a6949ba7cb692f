using System.Text.Json;
using CareLake.Warehouse.Operations;
using Npgsql;

namespace CareLake.Web.Tests;

public sealed class AlertsServer() : ServerFixture("web_alerts");

public class AlertEndpointTests(AlertsServer server) : IClassFixture<AlertsServer>
{
    private async Task ClinicalAsync(string patient, string severity)
    {
        await using var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO silver.clinical_alerts (event_id, bronze_id, patient_id, kind, severity, news2_score, reason, measured_at, raised_at)
            VALUES ($1, 1, $2, 'news2_high', $3, 8, 'NEWS2 aggregate 8', now(), now())
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid().ToString("N") });
        command.Parameters.Add(new NpgsqlParameter { Value = patient });
        command.Parameters.Add(new NpgsqlParameter { Value = severity });
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Lists_recent_alerts_of_both_kinds_with_filters_and_links()
    {
        await ClinicalAsync("MRN-W1", "critical");
        await using (var dataSource = NpgsqlDataSource.Create(server.ConnectionString))
        {
            await OperationalEvents.RaiseAsync(dataSource, new OperationalAlert("dq_breach", "warning", "dq:web", "3 rows failed not_null"));
        }

        var all = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/alerts")).RootElement;
        Assert.Contains(all.EnumerateArray(), a => a.GetProperty("kind").GetString() == "news2_high" && a.GetProperty("source").GetProperty("table").GetString() == "silver.clinical_alerts");
        Assert.Contains(all.EnumerateArray(), a => a.GetProperty("kind").GetString() == "dq_breach");

        var high = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/alerts?severity=high")).RootElement;
        Assert.All(high.EnumerateArray(), a => Assert.Contains(a.GetProperty("severity").GetString(), new[] { "high", "critical" }));
        var operational = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/alerts?kind=operational")).RootElement;
        Assert.All(operational.EnumerateArray(), a => Assert.Equal("operational", a.GetProperty("source_kind").GetString()));
        var future = JsonDocument.Parse(await server.Client.GetStringAsync("/v1/alerts?since=2100-01-01T00:00:00Z")).RootElement;
        Assert.Equal(0, future.GetArrayLength());

        using var bad = await server.Client.GetAsync("/v1/alerts?severity=loud");
        Assert.Equal(400, (int)bad.StatusCode);
    }

    [Fact]
    public async Task The_stream_sends_a_new_alert_as_an_event()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/alerts/stream?kind=clinical");
        using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        Assert.Equal(": connected", await reader.ReadLineAsync());

        await ClinicalAsync("MRN-W2", "high");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && !line.StartsWith("data: ", StringComparison.Ordinal))
        {
        }

        Assert.NotNull(line);
        var alert = JsonDocument.Parse(line["data: ".Length..]).RootElement;
        Assert.Equal("MRN-W2", alert.GetProperty("patient_id").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_alert_endpoints()
    {
        var document = await server.Client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/v1/alerts/stream", document, StringComparison.Ordinal);
        Assert.Contains("ListAlerts", document, StringComparison.Ordinal);
    }
}
