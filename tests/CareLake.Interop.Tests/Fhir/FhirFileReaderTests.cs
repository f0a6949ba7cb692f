using System.Text;
using System.Text.Json;
using CareLake.Interop.Fhir;
using CareLake.Testing;
using static CareLake.Interop.Tests.Fhir.FhirTestFiles;

namespace CareLake.Interop.Tests.Fhir;

public sealed class FhirFileReaderTests
{
    private const string BulkFolder = "fhir_bulk_ndjson_smart_10patients";

    public static TheoryData<string> BulkFiles() =>
    [
        "AllergyIntolerance.000.ndjson", "Condition.000.ndjson", "Device.000.ndjson", "Encounter.000.ndjson",
        "Immunization.000.ndjson", "Location.000.ndjson", "Organization.000.ndjson", "Patient.000.ndjson",
        "Practitioner.000.ndjson", "PractitionerRole.000.ndjson", "log.ndjson",
    ];

    [Theory]
    [MemberData(nameof(BulkFiles))]
    public void Bulk_export_ndjson_gives_one_record_per_line_with_the_line_bytes(string file)
    {
        var path = TestData.Path($"{BulkFolder}/{file}");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();

        var records = ReadFile(path);

        Assert.Equal(lines.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(FhirFileReader.StreamName, records[i].Stream);
            Assert.Equal(i, records[i].Position);
            Assert.Equal(lines[i], Text(records[i].Payload));
            Assert.Null(records[i].HeaderKeys);
        }
    }

    [Fact]
    public void The_same_file_read_twice_gives_identical_records()
    {
        var content = Encoding.UTF8.GetBytes(TransactionBundle);

        var first = Read(content);
        var second = Read(content);

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Position, second[i].Position);
            Assert.Equal(first[i].Payload, second[i].Payload);
            Assert.Equal(first[i].HeaderKeys, second[i].HeaderKeys);
            Assert.Equal(first[i].HeaderValues, second[i].HeaderValues);
        }
    }

    [Fact]
    public void A_transaction_bundle_gives_its_entries_with_urn_references_resolved_in_headers()
    {
        var records = Read(TransactionBundle);

        // Patient, Encounter, the two vitals of one measurement, Condition.
        Assert.Equal(4, records.Count);
        Assert.Equal([0L, 1, 2, 3], records.Select(r => r.Position));

        var patient = records[0];
        Assert.StartsWith("{\"resourceType\":\"Patient\"", Text(patient.Payload), StringComparison.Ordinal);
        Assert.Equal("urn:uuid:11111111-1111-1111-1111-111111111111", Header(patient, FhirHeaders.FullUrl));

        var encounter = records[1];
        Assert.Equal("urn:uuid:22222222-2222-2222-2222-222222222222", Header(encounter, FhirHeaders.FullUrl));
        Assert.Equal("Patient/11111111-1111-1111-1111-111111111111", Header(encounter, "fhir.ref:urn:uuid:11111111-1111-1111-1111-111111111111"));

        var vitals = records[2];
        Assert.Equal(2, Text(vitals.Payload).Split('\n').Length);
        Assert.Null(Header(vitals, FhirHeaders.FullUrl));
        Assert.Equal(["fhir.ref:urn:uuid:11111111-1111-1111-1111-111111111111", "fhir.ref:urn:uuid:22222222-2222-2222-2222-222222222222"], vitals.HeaderKeys!);
        Assert.Equal("Encounter/enc-1", Header(vitals, "fhir.ref:urn:uuid:22222222-2222-2222-2222-222222222222"));

        var condition = records[3];
        Assert.Null(Header(condition, "fhir.ref:urn:uuid:99999999-9999-9999-9999-999999999999"));
        Assert.Contains("urn:uuid:99999999", Text(condition.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bundle_entry_payload_is_the_resource_exactly_as_written_in_the_file()
    {
        const string resource = "{ \"resourceType\" : \"Patient\",\r\n      \"id\" : \"p\\u00e9\" }";
        var bundle = "{\r\n  \"resourceType\": \"Bundle\",\r\n  \"type\": \"collection\",\r\n  \"entry\": [ { \"resource\": " + resource + " } ]\r\n}\r\n";

        var record = Assert.Single(Read(bundle));

        Assert.Equal(resource, Text(record.Payload));
    }

    [Theory]
    [InlineData("searchset")]
    [InlineData("collection")]
    [InlineData("batch")]
    public void Bundles_of_every_type_give_their_entries_resources(string type)
    {
        var bundle = """
            {
              "resourceType": "Bundle",
              "type": "TYPE",
              "entry": [
                { "fullUrl": "https://example.org/fhir/Patient/a", "resource": { "resourceType": "Patient", "id": "a" }, "search": { "mode": "match" } },
                { "request": { "method": "DELETE", "url": "Patient/gone" } },
                { "fullUrl": "https://example.org/fhir/Patient/b", "resource": { "resourceType": "Patient", "id": "b" } }
              ]
            }
            """.Replace("TYPE", type, StringComparison.Ordinal);

        var records = Read(bundle);

        Assert.Equal(["a", "b"], records.Select(r => IdOf(r.Payload)));
        Assert.Equal("https://example.org/fhir/Patient/b", Header(records[1], FhirHeaders.FullUrl));
    }

    [Fact]
    public void A_bundle_on_one_ndjson_line_gives_its_entries()
    {
        const string line = """{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:aa","resource":{"resourceType":"Patient","id":"p7"}},{"fullUrl":"urn:uuid:bb","resource":{"resourceType":"Condition","subject":{"reference":"urn:uuid:aa"}}}]}""";

        var records = Read(line + "\n" + """{"resourceType":"Patient","id":"p8"}""");

        Assert.Equal(["""{"resourceType":"Patient","id":"p7"}""", """{"resourceType":"Condition","subject":{"reference":"urn:uuid:aa"}}""", """{"resourceType":"Patient","id":"p8"}"""], records.Select(r => Text(r.Payload)));
        Assert.Equal("Patient/p7", Header(records[1], "fhir.ref:urn:uuid:aa"));
        Assert.Equal("urn:uuid:bb", Header(records[1], FhirHeaders.FullUrl));
    }

    [Fact]
    public void A_single_pretty_printed_resource_is_one_record()
    {
        var path = TestData.Path("fhir_r4_spec_examples/observation-example-heart-rate.json");

        var record = Assert.Single(ReadFile(path));

        Assert.Equal(File.ReadAllText(path).Trim(), Text(record.Payload));
    }

    [Fact]
    public void Adjacent_vitals_of_one_measurement_form_one_record_and_others_stay_apart()
    {
        var ndjson = string.Join('\n',
            Vital("hr", "8867-4", 88, "/min"),
            Vital("rr", "9279-1", 18, "/min"),
            Vital("spo2", "2708-6", 97, "%"),
            Vital("hr-later", "8867-4", 90, "/min", effective: "2024-03-01T11:00:00Z"),
            Vital("hr-other-patient", "8867-4", 70, "/min", effective: "2024-03-01T11:00:00Z", subject: "Patient/p2"),
            Vital("hr-no-encounter", "8867-4", 71, "/min", effective: "2024-03-01T11:00:00Z", subject: "Patient/p2", encounter: null),
            """{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"}}""",
            Vital("rr-after-condition", "9279-1", 19, "/min", effective: "2024-03-01T11:00:00Z", subject: "Patient/p2", encounter: null));

        var records = Read(ndjson);

        Assert.Equal([3, 1, 1, 1, 1, 1], records.Select(r => Text(r.Payload).Split('\n').Length));
        Assert.Equal(string.Join('\n', ndjson.Split('\n')[..3]), Text(records[0].Payload));
    }

    [Fact]
    public void Blank_lines_are_skipped_and_crlf_bom_and_bad_lines_are_handled()
    {
        var bytes = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"id\":\"a\"}\r\n\r\n   \nnot json at all\r\n{\"resourceType\":\"Patient\",\"id\":\"b\"}"))
            .ToArray();

        var records = Read(bytes);

        Assert.Equal(["{\"resourceType\":\"Patient\",\"id\":\"a\"}", "not json at all", "{\"resourceType\":\"Patient\",\"id\":\"b\"}"], records.Select(r => Text(r.Payload)));
        Assert.Equal([0L, 1, 2], records.Select(r => r.Position));
    }

    [Fact]
    public void A_broken_pretty_printed_file_is_one_record_for_quarantine()
    {
        var record = Assert.Single(Read("{\n  \"resourceType\": \"Patient\",\n  \"id\": \n"));

        Assert.Equal("{\n  \"resourceType\": \"Patient\",\n  \"id\":", Text(record.Payload));
    }

    [Fact]
    public void An_empty_file_has_no_records()
    {
        Assert.Empty(Read("\n \r\n"));
    }

    [Fact]
    public void Ndjson_streams_without_reading_the_whole_file()
    {
        using var endless = new EndlessNdjson();

        var firstThree = FhirFileReader.Read(endless).Take(3).ToList();

        Assert.Equal([0L, 1, 2], firstThree.Select(r => r.Position));
        Assert.True(endless.BytesRead < 1024 * 1024, $"read {endless.BytesRead} bytes for three records");
    }

    [Fact]
    public void A_line_longer_than_the_read_buffer_is_one_record()
    {
        var longName = new string('x', 300_000);
        var line = "{\"resourceType\":\"Patient\",\"id\":\"a\",\"name\":[{\"family\":\"" + longName + "\"}]}";

        var records = Read(line + "\n" + line);

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(line, Text(r.Payload)));
    }

    private static string? IdOf(byte[] resource)
    {
        using var document = JsonDocument.Parse(resource);
        return document.RootElement.GetProperty("id").GetString();
    }

    internal const string TransactionBundle = """
        {
          "resourceType": "Bundle",
          "type": "transaction",
          "entry": [
            {
              "fullUrl": "urn:uuid:11111111-1111-1111-1111-111111111111",
              "resource": {"resourceType":"Patient","name":[{"family":"Nguyen","given":["Ana"]}],"gender":"female","birthDate":"1950-04-02"},
              "request": { "method": "POST", "url": "Patient" }
            },
            {
              "fullUrl": "urn:uuid:22222222-2222-2222-2222-222222222222",
              "resource": {"resourceType":"Encounter","id":"enc-1","status":"in-progress","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"},"period":{"start":"2024-03-01T08:00:00Z"}},
              "request": { "method": "POST", "url": "Encounter" }
            },
            {
              "fullUrl": "urn:uuid:33333333-3333-3333-3333-333333333333",
              "resource": {"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"},"encounter":{"reference":"urn:uuid:22222222-2222-2222-2222-222222222222"},"effectiveDateTime":"2024-03-01T10:00:00Z","valueQuantity":{"value":112,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}},
              "request": { "method": "POST", "url": "Observation" }
            },
            {
              "fullUrl": "urn:uuid:44444444-4444-4444-4444-444444444444",
              "resource": {"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},"subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"},"encounter":{"reference":"urn:uuid:22222222-2222-2222-2222-222222222222"},"effectiveDateTime":"2024-03-01T10:00:00Z","valueQuantity":{"value":101.3,"unit":"degF","system":"http://unitsofmeasure.org","code":"[degF]"}},
              "request": { "method": "POST", "url": "Observation" }
            },
            {
              "fullUrl": "urn:uuid:55555555-5555-5555-5555-555555555555",
              "resource": {"resourceType":"Condition","id":"cond-1","code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"A41.9","display":"Sepsis, unspecified organism"}]},"subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"},"encounter":{"reference":"urn:uuid:99999999-9999-9999-9999-999999999999"},"onsetDateTime":"2024-03-01T09:30:00Z","recordedDate":"2024-03-01T10:15:00Z"},
              "request": { "method": "POST", "url": "Condition" }
            }
          ]
        }
        """;

    /// <summary>An NDJSON stream of Patient lines that never ends, counting what is read from it.</summary>
    private sealed class EndlessNdjson : Stream
    {
        private static readonly byte[] Line = Encoding.UTF8.GetBytes("{\"resourceType\":\"Patient\",\"id\":\"same\"}\n");
        private long _offset;

        public long BytesRead => _offset;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _offset; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++) buffer[offset + i] = Line[(_offset + i) % Line.Length];
            _offset += count;
            return count;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
