using System.Globalization;
using System.Text.Json;
using CareLake.Testing;
using CsvHelper;
using Xunit.Abstractions;

namespace CareLake.EndToEnd.Tests;

/// <summary><c>carelake import</c> as users run it, on real files written by others and on the generator's output.</summary>
public class ImportCommandTests(ITestOutputHelper output)
{
    private static readonly string[] NewsCodes = ["8867-4", "9279-1", "2708-6", "59408-5", "8310-5", "8480-6", "8462-4"];

    [Fact]
    public async Task The_shared_Synthea_export_lands_in_silver_as_counted_from_its_files_and_a_rerun_adds_nothing()
    {
        var cs = await TestDatabase.CreateAsync(nameof(The_shared_Synthea_export_lands_in_silver_as_counted_from_its_files_and_a_rerun_adds_nothing));
        var dir = Path.GetDirectoryName(TestData.Path("synthea_csv/patients.csv"))!;
        var env = Cli.Environment(cs);
        var (exitCode, text) = await CliProcess.RunAsync(["import", "synthea", dir], env);
        Assert.True(exitCode == 0, text);
        output.WriteLine(text);

        var patients = Csv(dir, "patients.csv");
        var encounters = Csv(dir, "encounters.csv");
        var conditions = Csv(dir, "conditions.csv");
        var procedures = Csv(dir, "procedures.csv");
        var observations = Csv(dir, "observations.csv");
        Assert.Equal(patients.Select(r => r["Id"]).Distinct().LongCount(), await Count(cs, "silver.patients"));
        Assert.Equal(patients.Count, await Count(cs, "silver.patient_versions"));
        var byClass = await Sql.CountByAsync(cs, "SELECT class_received, count(*) FROM silver.encounters GROUP BY 1");
        Assert.Equal(encounters.GroupBy(r => r["ENCOUNTERCLASS"]).ToDictionary(g => g.Key, g => (long)g.Count()).OrderBy(kv => kv.Key), byClass.OrderBy(kv => kv.Key));
        Assert.Equal(encounters.Count, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.encounters WHERE status = 'discharged' AND patient_id IS NOT NULL"));
        Assert.Equal(Distinct(conditions), await Count(cs, "silver.diagnoses"));
        Assert.Equal(Distinct(procedures), await Count(cs, "silver.procedures"));
        var vitalSets = observations.Where(r => r["CATEGORY"] == "vital-signs" && NewsCodes.Contains(r["CODE"]))
            .Select(r => (r["PATIENT"], r["ENCOUNTER"], r["DATE"])).Distinct().Count();
        Assert.Equal(vitalSets, await Count(cs, "silver.vital_signs"));
        Assert.Equal(Distinct(observations.Where(r => r["CATEGORY"] == "laboratory").ToList()), await Count(cs, "silver.lab_results"));
        Assert.Equal(0L, await Count(cs, "silver.quarantine"));
        Assert.Equal(5L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ingest.files WHERE completed_at IS NOT NULL"));
        // Every bronze row of a file links to its file, position and content hash.
        Assert.Equal(await Count(cs, "bronze.raw_events"), await Sql.ScalarAsync<long>(cs,
            "SELECT count(*) FROM bronze.file_records r JOIN ingest.files f USING (file_id) WHERE r.file_sha256 = f.sha256"));

        var bronze = await Count(cs, "bronze.raw_events");
        (exitCode, text) = await CliProcess.RunAsync(["import", "synthea", dir], env);
        Assert.True(exitCode == 0, text);
        Assert.Contains("already imported", text, StringComparison.Ordinal);
        Assert.Equal(bronze, await Count(cs, "bronze.raw_events"));
    }

    [Fact]
    public async Task A_Synthea_file_of_an_unknown_layout_is_named_with_its_missing_column_and_nothing_is_imported()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_Synthea_file_of_an_unknown_layout_is_named_with_its_missing_column_and_nothing_is_imported));
        var dir = Directory.CreateTempSubdirectory("carelake-synthea-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "patients.csv"), "Id,BIRTHDATE,GENDER\np1,1950-01-01,F\n");
            await File.WriteAllTextAsync(Path.Combine(dir, "encounters.csv"), "Id,START,PATIENT\ne1,2020-01-01T00:00:00Z,p1\n");
            var (exitCode, text) = await CliProcess.RunAsync(["import", "synthea", dir], Cli.Environment(cs));
            Assert.Equal(2, exitCode);
            Assert.Contains("encounters.csv", text, StringComparison.Ordinal);
            Assert.Contains("ENCOUNTERCLASS", text, StringComparison.Ordinal);
            Assert.Equal(0L, await Count(cs, "bronze.raw_events"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_FHIR_bulk_export_lands_in_silver_as_counted_from_its_files()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_FHIR_bulk_export_lands_in_silver_as_counted_from_its_files));
        var dir = Path.GetDirectoryName(TestData.Path("fhir_bulk_ndjson_smart_10patients/Patient.000.ndjson"))!;
        var (exitCode, text) = await CliProcess.RunAsync(["import", "fhir", dir], Cli.Environment(cs));
        Assert.True(exitCode == 0, text);
        output.WriteLine(text);

        var resources = Directory.EnumerateFiles(dir, "*.ndjson").Where(f => !f.EndsWith("log.ndjson", StringComparison.Ordinal))
            .SelectMany(File.ReadLines).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Type(JsonElement r) => r.GetProperty("resourceType").GetString()!;
        Assert.Equal(resources.Count(r => Type(r) == "Patient"), await Count(cs, "silver.patients"));
        var encounterClasses = resources.Where(r => Type(r) == "Encounter")
            .GroupBy(r => r.GetProperty("class").GetProperty("code").GetString()!).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(encounterClasses.OrderBy(kv => kv.Key),
            (await Sql.CountByAsync(cs, "SELECT class_received, count(*) FROM silver.encounters GROUP BY 1")).OrderBy(kv => kv.Key));
        Assert.Equal(resources.Count(r => Type(r) == "Condition"), await Count(cs, "silver.diagnoses"));
        Assert.Equal(resources.Count(r => Type(r) is not ("Patient" or "Encounter" or "Condition")), await Count(cs, "silver.unsupported_records"));
        // log.ndjson holds export log entries, not resources: each is quarantined with the reason.
        var logLines = File.ReadLines(Path.Combine(dir, "log.ndjson")).Count(l => l.Trim().Length > 0);
        Assert.Equal(new Dictionary<string, long> { ["missing_field"] = logLines }, await Sql.CountByAsync(cs, "SELECT reason_code, count(*) FROM silver.quarantine GROUP BY 1"));
        // Conditional references to the patient resolve to the Patient resources' ids.
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.encounters e WHERE NOT EXISTS (SELECT 1 FROM silver.patients p WHERE p.source = e.source AND p.patient_id = e.patient_id)"));
    }

    [Fact]
    public async Task The_FHIR_specification_examples_give_their_vital_signs()
    {
        var cs = await TestDatabase.CreateAsync(nameof(The_FHIR_specification_examples_give_their_vital_signs));
        var dir = Path.GetDirectoryName(TestData.Path("fhir_r4_spec_examples/observation-example-bloodpressure.json"))!;
        var (exitCode, text) = await CliProcess.RunAsync(["import", "fhir", dir], Cli.Environment(cs));
        Assert.True(exitCode == 0, text);
        var rows = await Sql.RowsAsync(cs, "SELECT systolic_bp, diastolic_bp, heart_rate, news2_complete FROM silver.vital_signs ORDER BY systolic_bp NULLS LAST");
        Assert.Equal(2, rows.Count);
        Assert.Equal([107m, 60m, null, false], rows[0]);
        Assert.Equal([null, null, 44m, false], rows[1]);
        Assert.Equal(1L, await Count(cs, "silver.unsupported_records")); // the panel only points at its members
    }

    [Fact]
    public async Task An_import_killed_again_and_again_resumes_and_lands_every_record_exactly_once()
    {
        var dir = Directory.CreateTempSubdirectory("carelake-ndjson-").FullName;
        try
        {
            var (exitCode, text) = await CliProcess.RunAsync(["generate", "--preset", "demo", "--days", "30", "--to", $"ndjson:{dir}"], new Dictionary<string, string>());
            Assert.True(exitCode == 0, text);
            var lines = Directory.EnumerateFiles(dir, "*.ndjson").Sum(f => File.ReadLines(f).LongCount(l => l.Trim().Length > 0));

            // The reference: one uninterrupted import.
            var reference = await TestDatabase.CreateAsync("import_reference_uninterrupted");
            (exitCode, text) = await CliProcess.RunAsync(["import", "ndjson", dir], Cli.Environment(reference));
            Assert.True(exitCode == 0, text);

            var cs = await TestDatabase.CreateAsync(nameof(An_import_killed_again_and_again_resumes_and_lands_every_record_exactly_once));
            var env = Cli.Environment(cs, null, ("CARELAKE_BATCH_MAX_MESSAGES", "500"));
            var random = new Random(20261206);
            var landedAtKill = new List<long>();
            for (var kill = 0; kill < 4; kill++)
            {
                using var import = CliProcess.Start(["import", "ndjson", dir], env);
                var before = await Count(cs, "bronze.raw_events");
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (await Count(cs, "bronze.raw_events") == before && !import.HasExited && DateTime.UtcNow < deadline) await Task.Delay(20);
                await Task.Delay(random.Next(0, 300));
                if (import.HasExited) break;
                import.Kill();
                await import.WaitForExitAsync(TimeSpan.FromSeconds(30));
                landedAtKill.Add(await Count(cs, "bronze.raw_events"));
            }

            (exitCode, text) = await CliProcess.RunAsync(["import", "ndjson", dir], env);
            Assert.True(exitCode == 0, text);
            output.WriteLine($"{lines:N0} records; bronze rows at each SIGKILL: {string.Join(", ", landedAtKill)}");
            Assert.Contains(landedAtKill, n => n > 0 && n < lines);

            Assert.Equal(lines, await Count(cs, "bronze.raw_events"));
            Assert.Equal(0L, await Sql.ScalarAsync<long>(cs,
                "SELECT count(*) FROM (SELECT 1 FROM bronze.raw_events GROUP BY source, stream, partition, position HAVING count(*) > 1) d"));
            foreach (var table in new[] { "silver.patients", "silver.patient_versions", "silver.encounters", "silver.encounter_locations", "silver.diagnoses",
                         "silver.procedures", "silver.lab_results", "silver.ehr_access", "silver.vital_signs", "silver.clinical_alerts", "silver.duplicate_events",
                         "silver.quarantine", "gold.patient_risk_snapshot" })
            {
                Assert.True(await Count(reference, table) == await Count(cs, table), $"{table}: {await Count(reference, table)} uninterrupted, {await Count(cs, table)} after the kills");
            }

            const string encounters = "SELECT encounter_id, status, class, admitted_at, discharged_at, disposition, unit FROM silver.encounters ORDER BY encounter_id";
            Assert.Equal(await Sql.RowsAsync(reference, encounters), await Sql.RowsAsync(cs, encounters));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task<long> Count(string cs, string table) => Sql.ScalarAsync<long>(cs, $"SELECT count(*) FROM {table}");

    private static long Distinct(List<Dictionary<string, string>> rows) =>
        rows.Select(r => string.Join('\u001f', r.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value))).Distinct().LongCount();

    private static List<Dictionary<string, string>> Csv(string dir, string file)
    {
        using var reader = new StreamReader(Path.Combine(dir, file));
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read()) rows.Add(header.ToDictionary(h => h, h => csv.GetField(h) ?? "", StringComparer.Ordinal));
        return rows;
    }
}
