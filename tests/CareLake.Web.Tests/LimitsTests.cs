using System.Net;
using System.Text;

namespace CareLake.Web.Tests;

public class LimitsTests(SmallLimitsServer server) : IClassFixture<SmallLimitsServer>
{
    private const string Vitals = "/v1/events/patient_vitals";

    [Fact]
    public async Task A_body_with_a_content_length_over_the_limit_is_refused_with_413()
    {
        var answer = await server.PostAsync(Vitals, new byte[64 * 1024 + 1], "application/x-ndjson");

        answer.AssertProblem(413);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_with_413()
    {
        var content = new StreamContent(new UnsizedStream(new byte[200 * 1024]));

        var answer = await server.SendAsync(Vitals, content, "application/x-ndjson");

        answer.AssertProblem(413);
    }

    [Fact]
    public async Task A_chunked_body_within_the_limit_is_accepted()
    {
        var body = Events.Ndjson(Events.Valid(10, seed: 201));
        var content = new StreamContent(new UnsizedStream(body));

        var answer = await server.SendAsync(Vitals, content, "application/x-ndjson");

        answer.AssertOk();
        Assert.Equal(Enumerable.Repeat("stored", 10), answer.Statuses);
    }

    [Fact]
    public async Task More_records_than_one_request_may_carry_are_refused_with_413()
    {
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{}\n", 101)));

        var answer = await server.PostAsync(Vitals, body, "application/x-ndjson");

        answer.AssertProblem(413);
    }

    [Fact]
    public async Task The_server_keeps_serving_after_refusing_bodies()
    {
        await server.PostAsync(Vitals, new byte[100 * 1024], "application/json");

        using var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>A stream that hides its length, so the client sends it chunked.</summary>
    private sealed class UnsizedStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
