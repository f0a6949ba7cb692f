using CareLake.Testing;
namespace CareLake.Generator.Tests;

public sealed class SyntheaCsvTests(SmallOutputFixture output) : IClassFixture<SmallOutputFixture>
{
    public static TheoryData<string> Tables => new() { "patients", "encounters", "conditions", "procedures", "observations" };

    [Theory]
    [MemberData(nameof(Tables))]
    public void Headers_equal_those_of_a_real_synthea_export(string table)
    {
        var expected = File.ReadLines(TestData.Path($"synthea_csv/{table}.csv")).First();
        Assert.Equal(expected, File.ReadLines(output.Path($"csv/{table}.csv")).First());
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Every_row_has_as_many_fields_as_the_header(string table)
    {
        var lines = File.ReadAllLines(output.Path($"csv/{table}.csv"));
        var columns = Fields(lines[0]).Count;
        Assert.True(lines.Length > 1);
        Assert.All(lines.Skip(1), line => Assert.Equal(columns, Fields(line).Count));
    }

    [Fact]
    public void Rows_reference_each_other_and_carry_icd10_and_loinc_codes()
    {
        var patients = File.ReadLines(output.Path("csv/patients.csv")).Skip(1).Select(l => Fields(l)[0]).ToHashSet();
        var encounters = File.ReadLines(output.Path("csv/encounters.csv")).Skip(1).Select(Fields).ToList();
        var encounterIds = encounters.Select(e => e[0]).ToHashSet();
        Assert.All(encounters, e => Assert.Contains(e[3], patients));
        Assert.Contains(encounters, e => e[7] == "inpatient");
        Assert.Contains(encounters, e => e[7] == "emergency");
        Assert.All(File.ReadLines(output.Path("csv/conditions.csv")).Skip(1).Select(Fields), c =>
        {
            Assert.Contains(c[3], encounterIds);
            Assert.Matches(@"^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$", c[4]);
        });
        var observations = File.ReadLines(output.Path("csv/observations.csv")).Skip(1).Select(Fields).ToList();
        Assert.Contains(observations, o => o[3] == "vital-signs" && o[4] == "8867-4");
        Assert.Contains(observations, o => o[3] == "laboratory" && o[4] == "2160-0");
        Assert.All(observations, o => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", o[0]));
    }

    private static List<string> Fields(string line) => Csv.Fields(line);
}
