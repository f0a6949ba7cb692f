using System.Net;
using System.Text.Json;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Web.Tests;

public class HealthTests(HealthServer server) : IClassFixture<HealthServer>
{
    [Fact]
    public async Task Health_and_ready_answer_ok_on_a_migrated_warehouse()
    {
        using var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));
        using var ready = await server.Client.GetAsync(new Uri("/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Ready_is_503_while_a_migration_is_missing()
    {
        var connectionString = await TestDatabase.CreateAsync("web_ready_missing_migration");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var unapply = dataSource.CreateCommand("DELETE FROM carelake.schema_migrations WHERE version = 4"))
        {
            await unapply.ExecuteNonQueryAsync();
        }

        await using var other = await StartAsync(dataSource);
        using var client = new HttpClient { BaseAddress = other.Address };
        var answer = await Answer.ReadAsync(await client.GetAsync(new Uri("/ready", UriKind.Relative)));

        answer.AssertProblem(503);
        Assert.Contains("0004_idempotency_keys", answer.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_warehouse_down_ingest_is_503_and_nothing_is_acknowledged()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2");
        await using var down = await StartAsync(dataSource);
        using var client = new HttpClient { BaseAddress = down.Address };

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var ready = await Answer.ReadAsync(await client.GetAsync(new Uri("/ready", UriKind.Relative)));
        using var content = new ByteArrayContent(Events.Valid(1, seed: 301)[0]);
        content.Headers.ContentType = new("application/json");
        var ingest = await Answer.ReadAsync(await client.PostAsync(new Uri("/v1/events/patient_vitals", UriKind.Relative), content));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        ready.AssertProblem(503);
        ingest.AssertProblem(503);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_endpoint()
    {
        using var response = await server.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        // The ingest API and health; the dashboard's endpoints (/v1/operations/…, …) are described beside them.
        Assert.Subset(paths.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal),
            new HashSet<string>(["/health", "/ready", "/v1/alerts", "/v1/alerts/stream", "/v1/events/{topic}", "/v1/fhir", "/v1/hl7", "/v1/operations/kafka"], StringComparer.Ordinal));
        foreach (var operation in paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject()))
        {
            Assert.False(string.IsNullOrWhiteSpace(operation.Value.GetProperty("summary").GetString()), operation.Name);
        }

        foreach (var path in new[] { "/v1/events/{topic}", "/v1/fhir", "/v1/hl7" })
        {
            var post = paths.GetProperty(path).GetProperty("post");
            Assert.False(string.IsNullOrWhiteSpace(post.GetProperty("summary").GetString()));
            Assert.Contains(post.GetProperty("parameters").EnumerateArray(),
                p => p.GetProperty("name").GetString() == "Idempotency-Key" && p.GetProperty("in").GetString() == "header");
            var responses = post.GetProperty("responses");
            Assert.True(responses.GetProperty("200").GetProperty("content").TryGetProperty("application/json", out _));
            foreach (var status in new[] { "400", "413", "415", "422", "503" })
            {
                Assert.True(responses.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), $"{path} {status}");
            }
        }

        var schema = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("IngestRecordResponse");
        Assert.True(schema.GetProperty("properties").TryGetProperty("bronze_id", out _));
    }

    [Fact]
    public async Task A_browsable_api_reference_is_served()
    {
        using var response = await server.Client.GetAsync(new Uri("/scalar", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private static Task<CareLakeServer> StartAsync(NpgsqlDataSource dataSource) =>
        CareLakeServer.StartAsync(new WebServerSettings(Port: 0, CommitTimeout: TimeSpan.FromSeconds(10)),
            new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { }), "test");
}
