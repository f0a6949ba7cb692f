using System.Globalization;
using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Generator.Outputs.Hl7;
using CareLake.Testing;

namespace CareLake.Generator.Tests;

/// <summary>The same procedures in every output: contract NDJSON, FHIR Procedure, Synthea procedures.csv, HL7 PR1.</summary>
public sealed class ProcedureOutputTests(SmallOutputFixture output) : IClassFixture<SmallOutputFixture>
{
    private List<JsonElement> Json => output.Ndjson(Topics.PatientProcedures).ToList();

    private List<JsonElement> Fhir(string type) =>
        File.ReadLines(output.Path($"fhir/{type}.ndjson")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private List<string[]> Pr1Segments =>
        Hl7Reader.SplitMessages(File.ReadAllText(output.Path("hl7/" + Hl7FileSink.AdtFile))).Select(m => new Hl7Reader(m)).SelectMany(m => m.Segments("PR1")).ToList();

    private List<List<string>> CsvRows => File.ReadLines(output.Path("csv/procedures.csv")).Skip(1).Select(Csv.Fields).ToList();

    [Fact]
    public void Every_output_carries_every_procedure_of_the_run()
    {
        var simulated = output.Simulator.Summary.ClinicalEventsByType[EventTypes.Procedure];

        Assert.True(simulated > 100, $"only {simulated} procedures");
        Assert.Equal(simulated, Json.Count);
        Assert.Equal(simulated, Fhir("Procedure").Count);
        Assert.Equal(simulated, CsvRows.Count);
        Assert.Equal(simulated, Pr1Segments.Count);
        Assert.Equal(Json.Select(j => j.GetProperty("event_id").GetString()).Order(StringComparer.Ordinal),
            Fhir("Procedure").Select(p => p.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Fhir_procedures_carry_the_code_system_uri_period_subject_and_encounter()
    {
        var json = Json.ToDictionary(j => j.GetProperty("event_id").GetString()!, StringComparer.Ordinal);
        var encounters = Fhir("Encounter").Select(e => e.GetProperty("id").GetString()).ToHashSet(StringComparer.Ordinal);
        Assert.All(Fhir("Procedure"), p =>
        {
            var source = json[p.GetProperty("id").GetString()!];
            var coding = p.GetProperty("code").GetProperty("coding")[0];
            var system = source.GetProperty("code_system").GetString() == "ICD-10-PCS" ? "http://www.cms.gov/Medicare/Coding/ICD10" : "http://snomed.info/sct";
            Assert.Equal("completed", p.GetProperty("status").GetString());
            Assert.Equal(system, coding.GetProperty("system").GetString());
            Assert.Equal(source.GetProperty("code").GetString(), coding.GetProperty("code").GetString());
            Assert.Equal("Patient/" + source.GetProperty("patient_id").GetString(), p.GetProperty("subject").GetProperty("reference").GetString());
            Assert.Contains(p.GetProperty("encounter").GetProperty("reference").GetString()!["Encounter/".Length..], encounters);
            Assert.Equal(source.GetProperty("performed_at").GetString(), p.GetProperty("performedPeriod").GetProperty("start").GetString());
            Assert.Equal(source.GetProperty("performed_end_at").GetString(), p.GetProperty("performedPeriod").GetProperty("end").GetString());
        });
        Assert.Contains(Fhir("Procedure"), p => p.GetProperty("code").GetProperty("coding")[0].GetProperty("system").GetString() == "http://www.cms.gov/Medicare/Coding/ICD10");
    }

    [Fact]
    public void Hl7_pr1_segments_carry_the_code_as_cwe_with_sct_or_i10p_and_the_start_time()
    {
        var json = Json;
        var pr1 = Pr1Segments;
        Assert.All(json.Zip(pr1), pair =>
        {
            var (source, segment) = pair;
            var cwe = segment[3].Split('^');
            Assert.Equal(source.GetProperty("code").GetString(), cwe[0]);
            Assert.Equal(source.GetProperty("description").GetString(), Hl7Encoding.Unescape(cwe[1]));
            Assert.Equal(source.GetProperty("code_system").GetString() == "ICD-10-PCS" ? "I10P" : "SCT", cwe[2]);
            Assert.Equal(DateTimeOffset.Parse(source.GetProperty("performed_at").GetString()!, CultureInfo.InvariantCulture),
                DateTimeOffset.ParseExact(segment[5], "yyyyMMddHHmmsszzz", CultureInfo.InvariantCulture));
            Assert.Matches("^[DPI]$", segment[6]);
        });
        Assert.Contains(pr1, s => s[3].EndsWith("^I10P", StringComparison.Ordinal));
    }

    [Fact]
    public void Synthea_procedures_have_the_v3_header_snomed_codes_and_reference_their_encounters()
    {
        Assert.Equal(File.ReadLines(TestData.Path("synthea_csv/procedures.csv")).First(), File.ReadLines(output.Path("csv/procedures.csv")).First());
        var encounters = File.ReadLines(output.Path("csv/encounters.csv")).Skip(1).Select(Csv.Fields).ToDictionary(e => e[0], StringComparer.Ordinal);
        Assert.All(CsvRows, row =>
        {
            Assert.Equal(9, row.Count);
            Assert.True(encounters.TryGetValue(row[3], out var encounter), "unknown encounter " + row[3]);
            Assert.Equal(encounter[3], row[2]);
            Assert.Matches(@"^[1-9]\d{5,17}$", row[4]);
            Assert.Matches(@"^\d+\.\d{2}$", row[6]);
            Assert.True(string.CompareOrdinal(row[0], row[1]) <= 0, "STOP before START");
            Assert.True(string.CompareOrdinal(encounter[1], row[0]) <= 0, "procedure before the encounter");
            if (encounter[2].Length > 0) Assert.True(string.CompareOrdinal(row[1], encounter[2]) <= 0, "procedure after the encounter");
            Assert.Equal(encounter[13], row[7]);
        });
    }
}
