using CareLake.Core.Scoring;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Gold.Tests.Encounters;

/// <summary>Gold's LACE and Charlson give what CareLake.Core gives on the same inputs, from one Charlson table.</summary>
public class ScoringParityTests
{
    [Fact]
    public void The_Charlson_seed_is_the_core_table_written_out()
    {
        var seed = GoldSeeds.All.Single(s => s.Name + ".csv" == CharlsonSeed.FileName);
        var expected = CharlsonSeed.Csv();
        if (seed.Csv != expected && Environment.GetEnvironmentVariable("CARELAKE_WRITE_SEEDS") == "1")
        {
            File.WriteAllText(SeedPath(CharlsonSeed.FileName), expected);
        }

        Assert.True(seed.Csv == expected,
            $"Gold/Seeds/{CharlsonSeed.FileName} differs from CharlsonConditions; rewrite it with CARELAKE_WRITE_SEEDS=1 dotnet test --filter The_Charlson_seed_is_the_core_table_written_out");
        Assert.Equal(CharlsonConditions.Groups.Sum(g => g.Prefixes.Count) + 1, expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task The_SQL_LACE_function_equals_the_core_one_on_every_input()
    {
        var cs = await TestDatabase.CreateAsync(nameof(The_SQL_LACE_function_equals_the_core_one_on_every_input));
        var rows = await Sql.RowsAsync(cs, """
            SELECT los, emergent, charlson, ed, gold.lace_score(los, emergent, charlson, ed), gold.lace_band(gold.lace_score(los, emergent, charlson, ed))
            FROM generate_series(0, 20) los, (VALUES (true), (false)) e(emergent), generate_series(0, 12) charlson, generate_series(0, 7) ed
            """);
        Assert.Equal(21 * 2 * 13 * 8, rows.Count);
        foreach (var r in rows)
        {
            var score = Lace.Score((int)r[0]!, (bool)r[1]!, (int)r[2]!, (int)r[3]!).Value!;
            Assert.Equal((score.Total, score.Band.Code()), ((int)r[4]!, (string)r[5]!));
        }
    }

    [Fact]
    public async Task Fact_encounter_LACE_and_Charlson_equal_the_core_functions_on_the_same_history()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Fact_encounter_LACE_and_Charlson_equal_the_core_functions_on_the_same_history));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var h = new SilverHistory(dataSource);
        await h.PatientAsync("P", new DateOnly(1940, 1, 1));
        static DateTime At(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);

        // ED visits: one 7 months before the second admission (outside), two within 6 months, one 3 hours before it (led to it).
        await h.EncounterAsync("P", "ED-1", "emergency", At(1, 5, 10), At(1, 5, 14));
        await h.EncounterAsync("P", "IP-1", "inpatient", At(2, 1, 8), At(2, 3, 12), admitSource: "physician_referral");
        await h.DiagnosesAsync("P", "IP-1", At(2, 1, 8), "I50.9", "E11.9", "K70.30");
        await h.EncounterAsync("P", "ED-2", "emergency", At(3, 10, 10), At(3, 10, 14));
        await h.EncounterAsync("P", "ED-3", "emergency", At(6, 1, 10), At(6, 1, 14));
        await h.EncounterAsync("P", "ED-4", "emergency", At(8, 20, 5), At(8, 20, 7));
        await h.EncounterAsync("P", "IP-2", "inpatient", At(8, 20, 8), At(8, 30, 12));
        await h.DiagnosesAsync("P", "IP-2", At(8, 20, 8), "J44.1", "E11.22", "C78.0", "C34.1", "K70.40");
        // A SNOMED CT diagnosis (Synthea's coding) counts through the map: chronic congestive heart failure → I50.9.
        await h.EncounterAsync("P", "IP-3", "inpatient", At(10, 1, 8), At(10, 1, 20), admitSource: "emergency");
        await h.SnomedDiagnosisAsync("P", "IP-3", At(10, 1, 8), "88805009");

        var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions { FullRefresh = true });
        Assert.All(runs, r => Assert.True(r.Status == GoldRunStatus.Success, $"{r.Model}: {r.Error}"));
        var facts = (await Sql.RowsAsync(cs, """
            SELECT encounter_id, los_days, emergent, charlson_index, ed_visits_6m, lace_score, lace_band, charlson_conditions
            FROM gold.fact_encounter WHERE encounter_class = 'inpatient' ORDER BY admitted_at
            """)).ToDictionary(r => (string)r[0]!);

        // The inputs as this history defines them, scored by core.
        var expected = new Dictionary<string, (int Los, bool Emergent, string[] Codes, int EdVisits)>
        {
            ["IP-1"] = (2, false, ["I50.9", "E11.9", "K70.30"], 1),
            ["IP-2"] = (10, true, ["I50.9", "E11.9", "K70.30", "J44.1", "E11.22", "C78.0", "C34.1", "K70.40"], 2),
            ["IP-3"] = (0, true, ["I50.9", "E11.9", "K70.30", "J44.1", "E11.22", "C78.0", "C34.1", "K70.40", "I50.9"], 2),
        };
        foreach (var (id, input) in expected)
        {
            var charlson = Charlson.Score(input.Codes);
            var lace = Lace.Score(input.Los, input.Emergent, charlson.Index, input.EdVisits).Value!;
            var f = facts[id];
            Assert.Equal((input.Los, input.Emergent, charlson.Index, input.EdVisits), ((int)f[1]!, (bool)f[2]!, (int)f[3]!, (int)f[4]!));
            Assert.Equal((lace.Total, lace.Band.Code()), ((int)f[5]!, (string)f[6]!));
            Assert.Equal(charlson.Conditions.Select(c => c.Code()).Order(StringComparer.Ordinal), (string[])f[7]!);
        }

        // IP-2: CHF, CPD, complicated diabetes, metastatic tumour, moderate/severe liver → 1+1+2+6+3 = 13; LACE 5+3+5+2 = 15.
        Assert.Equal(13, facts["IP-2"][3]);
        Assert.Equal(15, facts["IP-2"][5]);
    }

    private static string SeedPath(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "CareLake.Warehouse", "Gold", "Seeds");
            if (Directory.Exists(candidate)) return Path.Combine(candidate, fileName);
        }

        throw new DirectoryNotFoundException($"src/CareLake.Warehouse/Gold/Seeds was not found above {AppContext.BaseDirectory}");
    }
}
