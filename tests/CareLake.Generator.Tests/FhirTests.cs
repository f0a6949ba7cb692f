using System.Text.Json;
using CareLake.Generator.Outputs.Fhir;

namespace CareLake.Generator.Tests;

public sealed class FhirTests(SmallOutputFixture output) : IClassFixture<SmallOutputFixture>
{
    private IEnumerable<JsonElement> Resources(string type) =>
        File.ReadLines(output.Path($"fhir/{type}.ndjson")).Select(l => JsonDocument.Parse(l).RootElement);

    [Fact]
    public void Each_file_holds_one_resource_type_one_per_line_with_unique_ids()
    {
        foreach (var type in FhirBulkSink.ResourceTypes)
        {
            var resources = Resources(type).ToList();
            Assert.NotEmpty(resources);
            Assert.All(resources, r => Assert.Equal(type, r.GetProperty("resourceType").GetString()));
            Assert.Equal(resources.Count, resources.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        }
    }

    [Fact]
    public void Patients_are_the_whole_population_with_identifiers_and_demographics()
    {
        var patients = Resources("Patient").ToList();
        Assert.Equal(FileOutputs.Small.Patients, patients.Count);
        Assert.All(patients, p =>
        {
            Assert.Contains(p.GetProperty("identifier").EnumerateArray(), i => i.GetProperty("value").GetString() == p.GetProperty("id").GetString());
            Assert.Contains(p.GetProperty("gender").GetString(), new[] { "male", "female", "other", "unknown" });
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", p.GetProperty("birthDate").GetString()!);
            Assert.Matches(@"^\d{5}$", p.GetProperty("address")[0].GetProperty("postalCode").GetString()!);
        });
    }

    [Fact]
    public void Vital_sign_observations_follow_the_base_profile()
    {
        var vitals = Resources("Observation").Where(o => o.GetProperty("category")[0].GetProperty("coding")[0].GetProperty("code").GetString() == "vital-signs").ToList();
        Assert.NotEmpty(vitals);
        Assert.All(vitals, o =>
        {
            Assert.Equal("final", o.GetProperty("status").GetString());
            Assert.Equal("http://loinc.org", o.GetProperty("code").GetProperty("coding")[0].GetProperty("system").GetString());
            Assert.StartsWith("Patient/", o.GetProperty("subject").GetProperty("reference").GetString(), StringComparison.Ordinal);
            Assert.True(o.TryGetProperty("effectiveDateTime", out _));
            var quantity = o.TryGetProperty("valueQuantity", out var q) ? q : o.GetProperty("component")[0].GetProperty("valueQuantity");
            Assert.Equal("http://unitsofmeasure.org", quantity.GetProperty("system").GetString());
        });
        Assert.Contains(vitals, o => o.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString() == "85354-9" && o.GetProperty("component").GetArrayLength() == 2);
    }

    [Fact]
    public void Encounters_have_status_class_period_and_discharge_disposition()
    {
        var encounters = Resources("Encounter").ToList();
        Assert.All(encounters, e =>
        {
            Assert.Contains(e.GetProperty("status").GetString(), new[] { "finished", "in-progress", "cancelled" });
            Assert.Contains(e.GetProperty("class").GetProperty("code").GetString(), new[] { "IMP", "EMER", "OBSENC" });
            Assert.True(e.GetProperty("period").TryGetProperty("start", out _));
        });
        Assert.Contains(encounters, e => e.GetProperty("status").GetString() == "finished" && e.GetProperty("hospitalization").TryGetProperty("dischargeDisposition", out _));
        Assert.Contains(encounters, e => e.GetProperty("status").GetString() == "in-progress");
    }

    [Fact]
    public void Conditions_carry_icd10cm_codes_and_link_to_their_encounter()
    {
        var encounterIds = Resources("Encounter").Select(e => e.GetProperty("id").GetString()).ToHashSet();
        Assert.All(Resources("Condition"), c =>
        {
            Assert.Equal("http://hl7.org/fhir/sid/icd-10-cm", c.GetProperty("code").GetProperty("coding")[0].GetProperty("system").GetString());
            Assert.Contains(c.GetProperty("encounter").GetProperty("reference").GetString()!["Encounter/".Length..], encounterIds);
        });
    }
}
