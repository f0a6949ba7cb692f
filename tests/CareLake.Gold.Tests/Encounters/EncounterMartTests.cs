using System.Globalization;
using CareLake.Core.Records;
using CareLake.Generator.Encounters;
using CareLake.Generator.Model;
using CareLake.Interop.Synthea;
using CareLake.Streaming.Imports;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using Npgsql;
using Xunit.Abstractions;

namespace CareLake.Gold.Tests.Encounters;

/// <summary>The encounter fact and marts on a generated hospital and on the shared Synthea sample, each checked against a computation of its own.</summary>
public class EncounterMartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_generated_hospitals_readmission_rate_and_mean_LOS_match_an_independent_computation_from_silver()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_generated_hospitals_readmission_rate_and_mean_LOS_match_an_independent_computation_from_silver));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await Hospital.FeedAsync(dataSource, Hospital.Small(patients: 2500, days: 120, seed: 91).Messages);
        var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions { FullRefresh = true });
        Assert.All(runs, r => Assert.True(r.Status == GoldRunStatus.Success, $"{r.Model}: {r.Error}"));

        // Readmission: the generator's own implementation of §5.3, fed with silver's inpatient stays in UTC dates.
        var stays = await Sql.RowsAsync(cs, """
            SELECT patient_id, (admitted_at AT TIME ZONE 'UTC')::date, (discharged_at AT TIME ZONE 'UTC')::date, disposition
            FROM silver.encounters WHERE class = 'inpatient' AND status <> 'cancelled' AND patient_id IS NOT NULL
            """);
        var dataEnd = await Sql.ScalarAsync<DateTime>(cs,
            "SELECT ((max(greatest(admitted_at, discharged_at)) AT TIME ZONE 'UTC')::date)::timestamp FROM silver.encounters WHERE status <> 'cancelled'");
        var (indexStays, readmissions) = ReadmissionCalculator.Count(
            stays.GroupBy(r => (string)r[0]!).Select(g => (IReadOnlyList<InpatientStay>)g.Select(r => new InpatientStay(
                (DateOnly)r[1]!, (DateOnly?)r[2], Disposition((string?)r[3]))).ToList()),
            DateOnly.FromDateTime(dataEnd));
        var total = (await Sql.RowsAsync(cs, "SELECT index_stays, readmissions, rate FROM gold.mart_readmissions WHERE grouping = 'all'")).Single();
        Assert.Equal((indexStays, readmissions), ((int)(long)total[0]!, (int)(long)total[1]!));
        Assert.True(indexStays > 100 && readmissions > 5, $"only {indexStays} index stays, {readmissions} readmitted");
        Assert.Equal(readmissions / (double)indexStays, (double)total[2]!, 12);
        Assert.Equal(indexStays, await Sql.ScalarAsync<long>(cs, "SELECT sum(index_stays) FROM gold.mart_readmissions WHERE grouping = 'detail'"));

        // Mean LOS: plain SQL over silver against the mart's monthly totals.
        var silverMean = await Sql.ScalarAsync<double>(cs, """
            SELECT avg((discharged_at AT TIME ZONE 'UTC')::date - (admitted_at AT TIME ZONE 'UTC')::date)::double precision
            FROM silver.encounters
            WHERE class = 'inpatient' AND status <> 'cancelled' AND patient_id IS NOT NULL AND discharged_at >= admitted_at
            """);
        var martMean = await Sql.ScalarAsync<double>(cs, "SELECT sum(mean_los_days * encounters) / sum(encounters) FROM gold.mart_los WHERE grouping = 'month'");
        Assert.Equal(silverMean, martMean, 9);
        Assert.Equal(await Sql.ScalarAsync<long>(cs, "SELECT sum(encounters) FROM gold.mart_los WHERE grouping = 'month'"),
            await Sql.ScalarAsync<long>(cs, "SELECT sum(encounters) FROM gold.mart_los WHERE grouping = 'detail'"));
        output.WriteLine($"index stays {indexStays}, readmitted {readmissions} ({100.0 * readmissions / indexStays:F1}%), mean LOS {martMean:F2} days");

        // Every inpatient stay with Charlson groups adds its pairs; diagnoses and procedures are all in their dimensions.
        Assert.True(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.mart_diagnosis_patterns WHERE pattern = 'comorbidity_pair'") > 0);
        Assert.Equal(
            await Sql.ScalarAsync<long>(cs, """
                SELECT least(50, count(DISTINCT d.code_undotted)) FROM silver.diagnoses d JOIN silver.encounters e USING (source, encounter_id)
                WHERE d.rank = 1 AND e.class = 'inpatient' AND e.status <> 'cancelled'
                """),
            await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.mart_diagnosis_patterns WHERE pattern = 'principal_diagnosis'"));
        Assert.Equal(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.diagnoses"), await Sql.ScalarAsync<long>(cs, "SELECT sum(diagnoses) FROM gold.dim_diagnosis"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.dim_diagnosis WHERE code_system = 'ICD-10-CM' AND chapter IS NULL"));
        Assert.Equal(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.procedures"), await Sql.ScalarAsync<long>(cs, "SELECT sum(procedures) FROM gold.dim_procedure"));
    }

    [Fact]
    public async Task The_shared_Synthea_sample_gives_one_fact_per_encounter_as_counted_from_its_files()
    {
        var cs = await TestDatabase.CreateAsync(nameof(The_shared_Synthea_sample_gives_one_fact_per_encounter_as_counted_from_its_files));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var dir = Path.GetDirectoryName(TestData.Path("synthea_csv/patients.csv"))!;
        var export = SyntheaExport.Open(dir);
        var import = new FileImport(new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { }), "test-import");
        await import.RunAsync([.. export.Files.Select(f => new ImportSource(f.Path, "synthea", stream => SyntheaCsvReader.Read(stream, f.Kind)))], CancellationToken.None);
        var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions { FullRefresh = true });
        Assert.All(runs, r => Assert.True(r.Status == GoldRunStatus.Success, $"{r.Model}: {r.Error}"));

        var encounters = Csv(Path.Combine(dir, "encounters.csv"));
        var byClass = encounters.GroupBy(r => EncounterClasses.Normalize(r["ENCOUNTERCLASS"]) ?? "unknown")
            .ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(byClass.OrderBy(kv => kv.Key), (await Sql.CountByAsync(cs, "SELECT encounter_class, count(*) FROM gold.fact_encounter GROUP BY 1")).OrderBy(kv => kv.Key));

        var inpatient = encounters.Where(r => r["ENCOUNTERCLASS"] == "inpatient").ToList();
        static DateTimeOffset Instant(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var losDays = inpatient.Sum(r => (Instant(r["STOP"]).UtcDateTime.Date - Instant(r["START"]).UtcDateTime.Date).Days);
        Assert.Equal(losDays, await Sql.ScalarAsync<long>(cs, "SELECT sum(los_days) FROM gold.fact_encounter WHERE encounter_class = 'inpatient'"));
        // Emergent: an emergency encounter of the patient began in the 24 hours up to the admission.
        var emergencies = encounters.Where(r => r["ENCOUNTERCLASS"] == "emergency").ToList();
        var emergent = inpatient.Count(i => emergencies.Any(e => e["PATIENT"] == i["PATIENT"] &&
            Instant(e["START"]) <= Instant(i["START"]) && Instant(e["START"]) >= Instant(i["START"]).AddHours(-24)));
        Assert.True(emergent > 0);
        Assert.Equal(emergent, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.fact_encounter WHERE encounter_class = 'inpatient' AND emergent"));
        // The encounters whose patients died during them (Synthea records no disposition): two ED visits.
        var deaths = Csv(Path.Combine(dir, "patients.csv")).Where(p => p["DEATHDATE"] != "").ToDictionary(p => p["Id"], p => DateTime.Parse(p["DEATHDATE"], CultureInfo.InvariantCulture));
        var diedInStay = encounters.Count(i => deaths.TryGetValue(i["PATIENT"], out var d) && d >= Instant(i["START"]).UtcDateTime.Date && d <= Instant(i["STOP"]).UtcDateTime.Date);
        Assert.True(diedInStay > 0);
        Assert.Equal(diedInStay, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.fact_encounter WHERE died_during_stay"));
        // SNOMED CT conditions reach ICD-10-CM: impacted molars (196416002) is K01.1.
        Assert.Contains("K01.1", (await Sql.RowsAsync(cs, "SELECT principal_diagnosis_code FROM gold.fact_encounter WHERE encounter_class = 'inpatient'")).Select(r => r[0] as string));
        Assert.Equal(inpatient.Count, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM gold.fact_encounter WHERE lace_score IS NOT NULL"));
    }

    private static DischargeDisposition? Disposition(string? code) => code switch
    {
        null => null,
        "home" => DischargeDisposition.Home,
        "home_health" => DischargeDisposition.HomeHealth,
        "snf" => DischargeDisposition.SkilledNursing,
        "rehab" => DischargeDisposition.Rehab,
        "transfer" => DischargeDisposition.Transfer,
        "ama" => DischargeDisposition.AgainstMedicalAdvice,
        "expired" => DischargeDisposition.Expired,
        "hospice" => DischargeDisposition.Hospice,
        _ => DischargeDisposition.Other,
    };

    private static List<Dictionary<string, string>> Csv(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvHelper.CsvReader(reader, CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        csv.Read();
        csv.ReadHeader();
        while (csv.Read())
        {
            rows.Add(csv.HeaderRecord!.ToDictionary(h => h, h => csv.GetField(h) ?? "", StringComparer.Ordinal));
        }

        return rows;
    }
}
