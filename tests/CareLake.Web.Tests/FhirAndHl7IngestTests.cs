using System.Text;
using System.Text.Json.Nodes;
using CareLake.Testing;

namespace CareLake.Web.Tests;

public class FhirAndHl7IngestTests(FhirHl7Server server) : IClassFixture<FhirHl7Server>
{
    [Fact]
    public async Task A_fhir_bundle_of_real_resources_lands_in_bronze_and_silver()
    {
        var patients = File.ReadAllLines(TestData.Path("fhir_bulk_ndjson_smart_10patients/Patient.000.ndjson")).Where(l => l.Length > 0).ToList();
        var observation = File.ReadAllText(TestData.Path("fhir_r4_spec_examples/observation-example-heart-rate.json"));
        var entries = new JsonArray([.. patients.Select(p => (JsonNode)new JsonObject { ["resource"] = JsonNode.Parse(p) })]);
        entries.Add(new JsonObject { ["fullUrl"] = "urn:uuid:heart-rate", ["resource"] = JsonNode.Parse(observation) });
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "collection", ["entry"] = entries };

        var answer = await server.PostAsync("/v1/fhir", Encoding.UTF8.GetBytes(bundle.ToJsonString()), "application/fhir+json");

        answer.AssertOk();
        Assert.Equal(patients.Count + 1, answer.Results.Count);
        Assert.Equal(Enumerable.Repeat("stored", patients.Count), answer.Statuses.Take(patients.Count));
        var bronzeIds = answer.Results.Select(r => r.GetProperty("bronze_id").GetInt64()).ToArray();
        Assert.Equal(bronzeIds.Length, await Sql.ScalarAsync<long>(server.ConnectionString,
            "SELECT count(*) FROM bronze.raw_events WHERE id = ANY($1) AND source = 'http' AND stream = 'fhir'", bronzeIds));
        Assert.Equal(patients.Count, await Sql.ScalarAsync<long>(server.ConnectionString, "SELECT count(*) FROM silver.patient_records WHERE bronze_id = ANY($1)", bronzeIds));
    }

    [Fact]
    public async Task Fhir_ndjson_gives_one_result_per_resource()
    {
        var path = TestData.Path("fhir_bulk_ndjson_smart_10patients/Condition.000.ndjson");
        var lines = File.ReadAllLines(path).Count(l => l.Length > 0);

        var answer = await server.PostAsync("/v1/fhir", File.ReadAllBytes(path), "application/fhir+ndjson");

        answer.AssertOk();
        Assert.Equal(lines, answer.Results.Count);
        Assert.DoesNotContain("quarantined", answer.Statuses);
    }

    [Fact]
    public async Task Fhir_content_that_is_not_json_is_committed_and_quarantined()
    {
        var answer = await server.PostAsync("/v1/fhir", "{\"resourceType\": \"Patient\", \"id\": "u8.ToArray(), "application/fhir+json");

        answer.AssertOk();
        Assert.Equal(["quarantined"], answer.Statuses);
    }

    [Fact]
    public async Task Hl7_messages_land_in_bronze_byte_for_byte_whatever_their_segment_terminators()
    {
        var files = new[] { "ADT-A01-01.hl7", "ADT-A03-01.hl7", "ADT-A08-01.hl7" }
            .Select(f => File.ReadAllText(TestData.Path("hl7v2_samples/" + f)).TrimEnd('\r', '\n').ReplaceLineEndings("\n"))
            .ToList();
        var messages = new[] { files[0].Replace('\n', '\r') + "\r", files[1] + "\n", files[2].ReplaceLineEndings("\r\n") + "\r\n" };
        var body = string.Join("\r\n", messages); // blank lines between messages belong to none

        var answer = await server.PostAsync("/v1/hl7", Encoding.UTF8.GetBytes(body), "x-application/hl7-v2+er7");

        answer.AssertOk();
        Assert.Equal(3, answer.Results.Count);
        var bronzeIds = answer.Results.Select(r => r.GetProperty("bronze_id").GetInt64()).ToArray();
        var landed = await Sql.RowsAsync(server.ConnectionString, "SELECT source, stream, payload FROM bronze.raw_events WHERE id = ANY($1) ORDER BY id", bronzeIds);
        Assert.Equal(messages.Select(m => Encoding.UTF8.GetBytes(m)), landed.Select(r => (byte[])r[2]!));
        Assert.All(landed, r => Assert.Equal(["http", "hl7"], r[..2]));
    }
}
