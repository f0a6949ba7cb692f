using System.Text.Json;
using CareLake.Core.Contracts;

namespace CareLake.Generator.Tests;

/// <summary>
/// An importer rebuilds a vital-sign set from ADJACENT rows (FHIR Observations, Synthea observation rows) with the
/// same subject, encounter and time. The outputs must write each set as one unbroken run, one run per set.
/// </summary>
public sealed class VitalSignSetAdjacencyTests(SmallOutputFixture output) : IClassFixture<SmallOutputFixture>
{
    private int VitalSets => output.Ndjson(Topics.PatientVitals).Count();

    [Fact]
    public void Fhir_observations_of_one_set_are_adjacent_and_form_one_run_per_set()
    {
        var rows = File.ReadLines(output.Path("fhir/Observation.ndjson")).Select(line =>
        {
            var o = JsonDocument.Parse(line).RootElement;
            var vital = o.GetProperty("category")[0].GetProperty("coding")[0].GetProperty("code").GetString() == "vital-signs";
            var key = vital
                ? $"{o.GetProperty("subject").GetProperty("reference").GetString()}|{o.GetProperty("encounter").GetProperty("reference").GetString()}|{o.GetProperty("effectiveDateTime").GetString()}"
                : null;
            return (Key: key, Code: o.GetProperty("code").GetProperty("coding")[0].GetProperty("code").GetString()!);
        }).ToList();

        var (runs, split) = Runs(rows);
        Assert.Empty(split);
        Assert.Equal(VitalSets, runs.Count);
        Assert.All(runs, run => Assert.Equal(run.Codes.Count, run.Codes.Distinct().Count()));
        Assert.Contains(runs, run => run.Codes.Contains("85354-9") && run.Codes.Count >= 4);
    }

    [Fact]
    public void Synthea_observation_rows_of_one_set_are_adjacent_and_form_one_run_per_set()
    {
        var rows = File.ReadLines(output.Path("csv/observations.csv")).Skip(1).Select(Csv.Fields)
            .Select(r => (Key: r[3] == "vital-signs" ? $"{r[0]}|{r[1]}|{r[2]}" : null, Code: r[4]))
            .ToList();

        var (runs, split) = Runs(rows);
        Assert.Empty(split);
        Assert.Equal(VitalSets, runs.Count);
        Assert.All(runs, run => Assert.Equal(run.Codes.Count, run.Codes.Distinct().Count()));
        Assert.Contains(runs, run => run.Codes.Contains("8480-6") && run.Codes.Contains("8462-4") && run.Codes.Count >= 5);
    }

    [Fact]
    public void A_set_split_by_another_row_is_detected()
    {
        var (runs, split) = Runs([("a", "8867-4"), ("a", "8310-5"), (null, "2160-0"), ("a", "9279-1"), ("b", "8867-4")]);
        Assert.Equal(["a"], split);
        Assert.Equal(3, runs.Count);
    }

    /// <summary>
    /// The runs of consecutive vital-sign rows with the same key (rows without a key break runs), and the keys that
    /// come back after their run ended: sets not written in one piece.
    /// </summary>
    private static (List<(string Key, List<string> Codes)> Runs, List<string> Split) Runs(IReadOnlyList<(string? Key, string Code)> rows)
    {
        var runs = new List<(string Key, List<string> Codes)>();
        var split = new List<string>();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var (key, code) in rows)
        {
            if (key != current && current is not null) finished.Add(current);
            if (key is null)
            {
                current = null;
                continue;
            }

            if (key != current)
            {
                if (finished.Contains(key)) split.Add(key);
                runs.Add((key, []));
                current = key;
            }

            runs[^1].Codes.Add(code);
        }

        return (runs, split);
    }
}
