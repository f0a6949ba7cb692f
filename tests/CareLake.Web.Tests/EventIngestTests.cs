using System.Text;
using CareLake.Testing;

namespace CareLake.Web.Tests;

public class EventIngestTests(EventServer server) : IClassFixture<EventServer>
{
    private const string Vitals = "/v1/events/patient_vitals";

    [Fact]
    public async Task One_json_event_is_in_bronze_and_silver_when_the_answer_comes()
    {
        var payload = Events.Valid(1, seed: 101)[0];

        var answer = await server.PostAsync(Vitals, payload, "application/json; charset=utf-8");

        answer.AssertOk();
        var result = Assert.Single(answer.Results);
        Assert.Equal("stored", result.GetProperty("status").GetString());
        Assert.Equal(0, result.GetProperty("index").GetInt32());
        Assert.Equal(1, answer.Json.GetProperty("stored").GetInt32());
        var bronzeId = result.GetProperty("bronze_id").GetInt64();
        var bronze = Assert.Single(await Sql.RowsAsync(server.ConnectionString, "SELECT source, stream, payload FROM bronze.raw_events WHERE id = $1", bronzeId));
        Assert.Equal(["http", "patient_vitals", payload], bronze);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(server.ConnectionString,
            "SELECT count(*) FROM silver.vital_signs WHERE event_id = $1 AND bronze_id = $2", Events.EventId(payload), bronzeId));
    }

    [Fact]
    public async Task An_event_sent_again_is_reported_as_a_duplicate_and_stays_one_fact()
    {
        var payload = Events.Valid(1, seed: 102)[0];
        var eventId = Events.EventId(payload);

        (await server.PostAsync(Vitals, payload, "application/json")).AssertOk();
        var again = await server.PostAsync(Vitals, payload, "application/json");

        again.AssertOk();
        var result = Assert.Single(again.Results);
        Assert.Equal("duplicate", result.GetProperty("status").GetString());
        Assert.Equal(eventId, result.GetProperty("event_id").GetString());
        Assert.Equal(1, again.Json.GetProperty("duplicates").GetInt32());
        Assert.Equal(1L, await Sql.ScalarAsync<long>(server.ConnectionString, "SELECT count(*) FROM silver.vital_signs WHERE event_id = $1", eventId));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(server.ConnectionString,
            "SELECT count(*) FROM bronze.raw_events WHERE payload = $1", payload));
    }

    [Fact]
    public async Task Bad_events_in_ndjson_are_quarantined_each_with_its_reason_in_request_order()
    {
        var valid = Events.Valid(3, seed: 103);
        byte[][] lines =
        [
            valid[0],
            Events.Changed(valid[1], o => o.Remove("measured_at")),
            "{\"event_id\":\"broken-103\",\"heart_rate\":"u8.ToArray(),
            Events.Changed(valid[2], o => o["heart_rate"] = "fast"),
            "[1,2,3]"u8.ToArray(),
        ];

        // Lines end with CRLF; a blank line before and whitespace-only lines after are skipped.
        byte[] body = [.. "\r\n"u8.ToArray(), .. Events.Ndjson(lines, "\r\n"), .. "\n  \n"u8.ToArray()];

        var answer = await server.PostAsync(Vitals, body, "application/x-ndjson");

        answer.AssertOk();
        Assert.Equal(["stored", "quarantined", "quarantined", "quarantined", "quarantined"], answer.Statuses);
        Assert.Equal([null, "missing_field", "malformed_json", "wrong_type", "not_an_object"],
            answer.Results.Select(r => r.GetProperty("reason").GetString()));
        Assert.Equal([0, 1, 2, 3, 4], answer.Results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(answer.Results.Skip(1), r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("message").GetString())));
        Assert.Equal((1, 4), (answer.Json.GetProperty("stored").GetInt32(), answer.Json.GetProperty("quarantined").GetInt32()));

        var bronzeIds = answer.Results.Select(r => r.GetProperty("bronze_id").GetInt64()).ToArray();
        var landed = await Sql.RowsAsync(server.ConnectionString, "SELECT payload FROM bronze.raw_events WHERE id = ANY($1) ORDER BY id", bronzeIds);
        Assert.Equal(lines, landed.Select(r => (byte[])r[0]!));
        var quarantined = await Sql.RowsAsync(server.ConnectionString, "SELECT reason_code FROM silver.quarantine WHERE bronze_id = ANY($1) ORDER BY bronze_id", bronzeIds);
        Assert.Equal(["missing_field", "malformed_json", "wrong_type", "not_an_object"], quarantined.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Deeply_nested_json_is_committed_and_quarantined_not_a_server_error()
    {
        const int depth = 100_000;
        var nested = "{\"event_id\":\"deep-104\",\"event_type\":\"vital_signs\",\"x\":" + new string('[', depth) + new string(']', depth) + "}";

        var answer = await server.PostAsync(Vitals, Encoding.UTF8.GetBytes(nested), "application/json");

        answer.AssertOk();
        Assert.Equal(["quarantined"], answer.Statuses);
        Assert.Equal("malformed_json", answer.Results[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Binary_garbage_as_ndjson_is_quarantined_line_by_line()
    {
        var random = new Random(105);
        var garbage = new byte[200_000];
        random.NextBytes(garbage);

        var answer = await server.PostAsync(Vitals, garbage, "application/x-ndjson");

        answer.AssertOk();
        Assert.NotEmpty(answer.Results);
        Assert.All(answer.Statuses, s => Assert.Equal("quarantined", s));
    }

    [Theory]
    [InlineData("/v1/events/patient_vitals", "", "application/json", 400)]
    [InlineData("/v1/events/patient_vitals", " \r\n\t ", "application/x-ndjson", 400)]
    [InlineData("/v1/events/patient_vitals", "{\"event_id\":\"x\"}", "text/plain", 415)]
    [InlineData("/v1/events/patient_vitals", "{\"event_id\":\"x\"}", null, 415)]
    [InlineData("/v1/events/patient_vitals", "{\"event_id\":\"x\"}", "application/xml", 415)]
    [InlineData("/v1/events/no_such_topic", "{\"event_id\":\"x\"}", "application/json", 404)]
    [InlineData("/v1/events/carelake.alerts", "{\"event_id\":\"x\"}", "application/json", 404)]
    [InlineData("/v1/events/patient_vitals", "{\"event_id\":\"x\",", "application/json", 400)]
    [InlineData("/v1/events/patient_vitals", "[{\"event_id\":\"x\"}]", "application/json", 400)]
    [InlineData("/v1/events/patient_vitals", "{\"a\":1}\n{\"a\":2}", "application/json", 400)]
    [InlineData("/v1/events/patient_vitals", "\"just a string\"", "application/json", 400)]
    [InlineData("/v1/events/patient_vitals", "\u0001\u0002garbage\u00ff", "application/json", 400)]
    [InlineData("/v1/hl7", "PID|1||123\rPV1|1|I\r", "text/plain", 400)]
    [InlineData("/v1/hl7", "hello\nMSH|^~\\&|A|B\r", "text/plain", 400)]
    [InlineData("/v1/fhir", "   ", "application/fhir+json", 400)]
    [InlineData("/v1/fhir", "{}", "text/csv", 415)]
    public async Task Malformed_requests_are_answered_with_a_problem(string path, string body, string? contentType, int status)
    {
        var before = await BronzeCountAsync();

        var answer = await server.PostAsync(path, Encoding.UTF8.GetBytes(body), contentType);

        answer.AssertProblem(status);
        Assert.Equal(before, await BronzeCountAsync());
    }

    [Fact]
    public async Task A_body_far_over_the_limit_is_refused_with_413_before_it_is_sent()
    {
        var huge = new byte[20 << 20];
        Array.Fill(huge, (byte)'[');
        using var request = new HttpRequestMessage(HttpMethod.Post, Vitals) { Content = new ByteArrayContent(huge) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.ExpectContinue = true; // as curl sends for large bodies: the 413 comes before the body is sent

        using var response = await server.Client.SendAsync(request);

        (await Answer.ReadAsync(response)).AssertProblem(413);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_get_problems()
    {
        using var missing = await server.Client.GetAsync(new Uri("/v2/nothing", UriKind.Relative));
        var answer = await Answer.ReadAsync(missing);
        answer.AssertProblem(404);
        using var wrongMethod = await server.Client.GetAsync(new Uri("/v1/fhir", UriKind.Relative));
        (await Answer.ReadAsync(wrongMethod)).AssertProblem(405);
    }

    [Fact]
    public async Task A_repeat_with_the_same_idempotency_key_returns_the_stored_answer_without_committing_again()
    {
        var body = Events.Ndjson(Events.Valid(5, seed: 106));
        var key = $"key-{Guid.NewGuid()}";

        var first = await server.PostAsync(Vitals, body, "application/x-ndjson", key);
        var bronzeAfterFirst = await BronzeCountAsync();
        var repeat = await server.PostAsync(Vitals, body, "application/x-ndjson", key);

        first.AssertOk();
        Assert.False(first.Replayed);
        Assert.Equal(Enumerable.Repeat("stored", 5), first.Statuses);
        repeat.AssertOk();
        Assert.True(repeat.Replayed);
        Assert.Equal(first.Body, repeat.Body);
        Assert.Equal(bronzeAfterFirst, await BronzeCountAsync());
        var row = Assert.Single(await Sql.RowsAsync(server.ConnectionString, "SELECT status, response_body FROM ingest.idempotency_keys WHERE key = $1", key));
        Assert.Equal([(short)200, first.Body], row);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused_with_422()
    {
        var events = Events.Valid(2, seed: 107);
        var key = $"key-{Guid.NewGuid()}";
        (await server.PostAsync(Vitals, events[0], "application/json", key)).AssertOk();
        var before = await BronzeCountAsync();

        var other = await server.PostAsync(Vitals, events[1], "application/json", key);
        var otherTopic = await server.PostAsync("/v1/events/patient_labs", events[0], "application/json", key);

        other.AssertProblem(422);
        otherTopic.AssertProblem(422);
        Assert.Equal(before, await BronzeCountAsync());
    }

    [Fact]
    public async Task Concurrent_requests_with_one_idempotency_key_commit_once()
    {
        var body = Events.Ndjson(Events.Valid(20, seed: 108));
        var key = $"key-{Guid.NewGuid()}";
        var before = await BronzeCountAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.PostAsync(Vitals, body, "application/x-ndjson", key)));

        Assert.All(answers, a => a.AssertOk());
        Assert.Single(answers, a => !a.Replayed);
        Assert.All(answers, a => Assert.Equal(answers[0].Body, a.Body));
        Assert.Equal(before + 20, await BronzeCountAsync());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    public async Task An_idempotency_key_that_is_not_visible_ascii_is_refused(string key)
    {
        var answer = await server.PostAsync(Vitals, Events.Valid(1, seed: 109)[0], "application/json", key);

        answer.AssertProblem(400);
    }

    private Task<long> BronzeCountAsync() => Sql.ScalarAsync<long>(server.ConnectionString, "SELECT count(*) FROM bronze.raw_events");
}

public class HostileBodyTests(HostileServer server) : IClassFixture<HostileServer>
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "/v1/events/patient_vitals", "application/json" },
        { "/v1/events/patient_labs", "application/x-ndjson" },
        { "/v1/fhir", "application/fhir+json" },
        { "/v1/fhir", "application/fhir+ndjson" },
        { "/v1/hl7", "x-application/hl7-v2+er7" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Hostile_bodies_never_get_a_server_error(string path, string contentType)
    {
        var random = new Random(110);
        var garbage = new byte[1 << 20];
        random.NextBytes(garbage);
        byte[][] bodies =
        [
            garbage,
            Encoding.UTF8.GetBytes(new string('[', 2_000_000)),
            Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 500_000) + new string(']', 500_000) + "}"),
            Encoding.UTF8.GetBytes("{\"resourceType\":\"Bundle\",\"entry\":[" + string.Join(',', Enumerable.Repeat("{\"resource\":{\"resourceType\":\"Patient\",\"x\":[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}}", 2_000)) + "]}"),
            [0, 0, 0, (byte)'\n', 0xFF, 0xFE, (byte)'\r', (byte)'M', (byte)'S', (byte)'H', (byte)'|', 0xC3, 0x28, (byte)'\n'],
            Encoding.UTF8.GetBytes("MSH|" + new string('^', 3_000_000) + "\r"),
            Encoding.UTF8.GetBytes("{\"event_id\":\"" + new string('x', 3_000_000) + "\"}"),
        ];

        foreach (var body in bodies)
        {
            var answer = await server.PostAsync(path, body, contentType);

            Assert.True(answer.Status is 200 or 400 or 413, $"{path} answered {answer.Status}: {answer.Text[..Math.Min(300, answer.Text.Length)]}");
            if (answer.Status == 200) Assert.NotEmpty(answer.Results);
            else answer.AssertProblem(answer.Status);
        }
    }
}
