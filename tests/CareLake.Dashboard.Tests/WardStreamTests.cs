using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using CareLake.Web;
using Npgsql;

namespace CareLake.Dashboard.Tests;

/// <summary>
/// A server on a database of its own (so the shared hospital stays as generated) with one patient admitted through
/// the HTTP API onto unit 7W, to stream vital signs for.
/// </summary>
public sealed class WardStreamServer : IAsyncLifetime
{
    public const string Patient = "MRN7700001";
    public const string Encounter = "VW7700001";
    public const string Unit = "7W";

    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public PipelineContext Pipeline { get; private set; } = null!;
    public CareLakeServer Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataSource = NpgsqlDataSource.Create(await TestDatabase.CreateAsync("dashboard_ward_stream"));
        Pipeline = new PipelineContext(DataSource, SilverStages.All(), TimeProvider.System, _ => { });
        Server = await CareLakeServer.StartAsync(new WebServerSettings(Port: 0), Pipeline, "ward-stream-test");
        Client = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromMinutes(1) };
        var admitted = Stamp(DateTimeOffset.UtcNow.AddHours(-6));
        await PostAsync("/v1/events/patient_admissions", $$$"""
            {"event_id":"ward-admit-1","event_type":"admit","schema_version":1,"occurred_at":"{{{admitted}}}","patient_id":"{{{Patient}}}",
             "patient":{"given_name":"Ada","family_name":"Lovelace","birth_date":"1950-03-04","sex":"female"},
             "encounter":{"encounter_id":"{{{Encounter}}}","class":"inpatient","facility_id":"CL","unit":"{{{Unit}}}","room":"701","bed":"A",
                          "admit_source":"emergency","admitted_at":"{{{admitted}}}"}}
            """);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    public static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whether an API timestamp is the instant <see cref="Stamp"/> sent (the API writes no trailing zeros).</summary>
    public static bool Same(DateTimeOffset sent, System.Text.Json.JsonElement answered) =>
        answered.ValueKind == System.Text.Json.JsonValueKind.String &&
        DateTimeOffset.Parse(answered.GetString()!, CultureInfo.InvariantCulture) == DateTimeOffset.Parse(Stamp(sent), CultureInfo.InvariantCulture);

    /// <summary>POSTs one contract event and asserts it was stored.</summary>
    public async Task PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {body}");
        Assert.Equal(1, JsonDocument.Parse(body).RootElement.GetProperty("stored").GetInt32());
    }

    /// <summary>A vital-sign set of the admitted patient.</summary>
    public static string Vitals(string eventId, DateTimeOffset at, int heartRate, int respiratoryRate, int spo2, int systolic, bool oxygen) => $$"""
        {"event_id":"{{eventId}}","event_type":"vital_signs","schema_version":1,"occurred_at":"{{Stamp(at)}}","patient_id":"{{Patient}}",
         "encounter_id":"{{Encounter}}","device_id":"MON-7W-01","measured_at":"{{Stamp(at)}}","heart_rate":{{heartRate}},
         "respiratory_rate":{{respiratoryRate}},"spo2":{{spo2}},"spo2_scale":1,"on_supplemental_oxygen":{{(oxygen ? "true" : "false")}},
         "systolic_bp":{{systolic}},"diastolic_bp":70,"temperature":37.0,"temperature_unit":"Cel","consciousness":"A"}
        """;
}

public sealed class WardStreamTests(WardStreamServer ward) : IClassFixture<WardStreamServer>
{
    /// <summary>Generous: the machine may be busy; the page's 2 s is checked in the browser.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_committed_vital_sign_set_reaches_the_stream_and_the_ward_shows_it()
    {
        await using var stream = await EventStream.OpenAsync(ward.Server.Address);
        var at = DateTimeOffset.UtcNow.AddMinutes(-2);

        await ward.PostAsync("/v1/events/patient_vitals", WardStreamServer.Vitals("ward-vs-calm", at, 88, 16, 97, 124, oxygen: false));

        var received = await stream.NextAsync("vitals", Bound);
        Assert.Matches("^\\{\"at\":\"\\d{4}-\\d\\d-\\d\\dT", received);
        var patients = await TableAsync("/v1/ward/patients");
        var row = Assert.Single(patients.Rows, r => r[patients.Index("patient_id")].GetString() == WardStreamServer.Patient);
        Assert.Equal(WardStreamServer.Unit, row[patients.Index("unit")].GetString());
        Assert.True(WardStreamServer.Same(at, row[patients.Index("last_vitals_at")]), $"last_vitals_at {row[patients.Index("last_vitals_at")]}, posted {WardStreamServer.Stamp(at)}");
        Assert.Equal(0, row[patients.Index("news2_score")].GetInt32());
    }

    [Fact]
    public async Task A_committed_alert_reaches_the_stream_and_the_ward_lists_it()
    {
        await using var stream = await EventStream.OpenAsync(ward.Server.Address);
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);

        // RR 28, SpO2 89 %, HR 128, systolic 95 on oxygen: NEWS2 13, high.
        await ward.PostAsync("/v1/events/patient_vitals", WardStreamServer.Vitals("ward-vs-alert", at, 128, 28, 89, 95, oxygen: true));

        await stream.NextAsync("alerts", Bound);
        var alerts = await TableAsync("/v1/ward/alerts");
        var alert = Assert.Single(alerts.Rows, r => WardStreamServer.Same(at, r[alerts.Index("measured_at")]));
        Assert.Equal(WardStreamServer.Patient, alert[alerts.Index("patient_id")].GetString());
        Assert.Equal(WardStreamServer.Unit, alert[alerts.Index("unit")].GetString());
        var summary = await TableAsync("/v1/ward/summary");
        Assert.True(summary.Rows[0][summary.Index("alerts_24h")].GetInt32() >= 1);
        var history = await TableAsync($"/v1/patients/{WardStreamServer.Patient}/alerts");
        Assert.Contains(history.Column("measured_at"), m => WardStreamServer.Same(at, m));
    }

    [Fact]
    public async Task Two_clients_both_hear_a_commit_and_a_client_that_left_does_not_stop_the_others()
    {
        await using var first = await EventStream.OpenAsync(ward.Server.Address);
        await using (var leaving = await EventStream.OpenAsync(ward.Server.Address))
        {
        }

        await using var second = await EventStream.OpenAsync(ward.Server.Address);
        await ward.PostAsync("/v1/events/patient_vitals", WardStreamServer.Vitals("ward-vs-two", DateTimeOffset.UtcNow.AddMinutes(-3), 90, 18, 96, 120, oxygen: false));

        await first.NextAsync("vitals", Bound);
        await second.NextAsync("vitals", Bound);
    }

    [Fact]
    public async Task The_stream_ends_when_the_server_stops()
    {
        var server = await CareLakeServer.StartAsync(new WebServerSettings(Port: 0, CommitLanes: 1), ward.Pipeline, "ward-stream-stop");
        await using var stream = await EventStream.OpenAsync(server.Address);
        var stopping = System.Diagnostics.Stopwatch.StartNew();

        await server.StopAsync().WaitAsync(Bound);

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {stopping.Elapsed}");
        await stream.EndAsync(Bound);
    }

    private async Task<ApiTable> TableAsync(string path)
    {
        using var response = await ward.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return ApiTable.Parse(body);
    }
}

/// <summary>A client of GET /v1/ward/stream, open once the server says it listens.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpClient client, HttpResponseMessage response, StreamReader reader)
    {
        _client = client;
        _response = response;
        _reader = reader;
    }

    public static async Task<EventStream> OpenAsync(Uri server)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        var response = await client.GetAsync("/v1/ward/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = new EventStream(client, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await stream._reader.ReadLineAsync(limit.Token) is { } line)
            if (line == ": connected") return stream;
        throw new InvalidOperationException("The stream ended before it said it was connected.");
    }

    /// <summary>The data of the next event of that kind (others are skipped); fails after <paramref name="within"/>.</summary>
    public async Task<string> NextAsync(string kind, TimeSpan within)
    {
        using var limit = new CancellationTokenSource(within);
        string? current = null;
        try
        {
            while (await _reader.ReadLineAsync(limit.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) current = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && current == kind) return line["data: ".Length..];
                else if (line.Length == 0) current = null;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no '{kind}' event within {within}");
        }

        throw new InvalidOperationException($"The stream ended before a '{kind}' event.");
    }

    /// <summary>Asserts the server ends the stream within the bound.</summary>
    public async Task EndAsync(TimeSpan within)
    {
        using var limit = new CancellationTokenSource(within);
        try
        {
            while (await _reader.ReadLineAsync(limit.Token) is not null)
            {
            }
        }
        catch (IOException)
        {
            // The connection closed under the read: ended too.
        }
        catch (HttpRequestException)
        {
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the stream was still open after {within}");
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
