using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Web.Tests;

/// <summary>A real ingest server on 127.0.0.1 (a free port) over a fresh database of its own, with a real HttpClient.</summary>
public abstract class ServerFixture(string database, WebServerSettings? settings = null) : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public string ConnectionString { get; private set; } = "";
    public CareLakeServer Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public ConcurrentQueue<string> Log { get; } = new();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync(database);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
        var pipeline = new PipelineContext(_dataSource, SilverStages.All(), TimeProvider.System, Log.Enqueue);
        Server = await CareLakeServer.StartAsync(settings ?? new WebServerSettings(Port: 0), pipeline, "test", Log.Enqueue);
        Client = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }

    public Task<Answer> PostAsync(string path, byte[] body, string? contentType, string? idempotencyKey = null) =>
        SendAsync(path, new ByteArrayContent(body), contentType, idempotencyKey);

    public async Task<Answer> SendAsync(string path, HttpContent content, string? contentType, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        using var response = await Client.SendAsync(request);
        return await Answer.ReadAsync(response);
    }
}

/// <summary>A response read whole: status, content type, body, and the idempotency replay header.</summary>
public sealed record Answer(int Status, string? ContentType, byte[] Body, bool Replayed)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var replayed = response.Headers.TryGetValues("Idempotency-Replayed", out var values) && values.Contains("true");
        return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync(), replayed);
    }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public IReadOnlyList<JsonElement> Results => Json.GetProperty("results").EnumerateArray().ToList();

    public IReadOnlyList<string> Statuses => Results.Select(r => r.GetProperty("status").GetString()!).ToList();

    /// <summary>Asserts an RFC 9457 problem with this status, and no stack trace in it.</summary>
    public void AssertProblem(int status)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Text}");
        Assert.Equal("application/problem+json", ContentType);
        Assert.Equal(status, Json.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(Json.GetProperty("title").GetString()));
        Assert.DoesNotContain("   at ", Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", Text, StringComparison.Ordinal);
    }

    public void AssertOk()
    {
        Assert.True(Status == 200, $"expected 200, got {Status}: {Text}");
        Assert.Equal("application/json", ContentType);
    }
}

public sealed class EventServer() : ServerFixture("web_events");

public sealed class FhirHl7Server() : ServerFixture("web_fhir_hl7");

public sealed class HealthServer() : ServerFixture("web_health");

public sealed class HostileServer() : ServerFixture("web_hostile");

/// <summary>Small limits, so that refusing large bodies is quick to show.</summary>
public sealed class SmallLimitsServer() : ServerFixture("web_limits", new WebServerSettings(Port: 0, MaxRequestBytes: 64 * 1024, MaxRecordsPerRequest: 100));
