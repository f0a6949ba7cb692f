using System.Text;
using CareLake.Core.Records;
using CareLake.Interop.Synthea;
using CareLake.Testing;

namespace CareLake.Interop.Tests.Synthea;

/// <summary>The shared real Synthea v3.0 export (tests/testdata/synthea_csv), read and mapped whole.</summary>
public class SyntheaSampleExportTests
{
    private static readonly string[] News2Codes = ["8867-4", "9279-1", "2708-6", "59408-5", "8310-5", "8480-6", "8462-4"];

    private static string SampleFolder => System.IO.Path.GetDirectoryName(TestData.Path("synthea_csv/patients.csv"))!;

    /// <summary>The data rows of a sample file split on commas: the sample has no quoted fields (checked).</summary>
    private static List<string[]> Rows(string file)
    {
        var lines = File.ReadAllLines(System.IO.Path.Combine(SampleFolder, file));
        Assert.DoesNotContain(lines, l => l.Contains('"', StringComparison.Ordinal));
        return [.. lines.Skip(1).Select(l => l.Split(','))];
    }

    [Fact]
    public void The_export_has_the_five_imported_files_in_import_order_and_lists_the_others_as_ignored()
    {
        var export = SyntheaExport.Open(SampleFolder);

        Assert.True(export.IsValid, string.Join("; ", export.Errors));
        Assert.Equal(SyntheaLayouts.All, export.Files.Select(f => f.Kind));
        Assert.Equal(["synthea.patients", "synthea.encounters", "synthea.conditions", "synthea.procedures", "synthea.observations"], export.Files.Select(f => f.Stream));
        Assert.Equal(["allergies.csv", "careplans.csv", "immunizations.csv", "medications.csv", "organizations.csv", "payers.csv", "providers.csv"], export.Ignored);
    }

    [Fact]
    public void Every_record_of_the_sample_maps_without_a_rejection_and_the_counts_match_the_files()
    {
        var export = SyntheaExport.Open(SampleFolder);
        var mapped = export.Files.SelectMany(f => f.Read()).Select(r => (Record: r, Result: SyntheaFolder.Map(r))).ToList();

        Assert.All(mapped, m => Assert.True(m.Result.IsSuccess, $"{m.Record.Stream} #{m.Record.Position}: {m.Result.Rejection?.Message}"));
        var records = mapped.SelectMany(m => m.Result.Value!.Records).ToList();

        Assert.Equal(27, Rows("patients.csv").Count);
        Assert.Equal(27, records.OfType<PatientRecord>().Count());

        var classesInFile = Rows("encounters.csv").GroupBy(r => r[7]).ToDictionary(g => g.Key, g => g.Count());
        var classesMapped = records.OfType<EncounterRecord>().GroupBy(e => e.ClassReceived!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(classesInFile.OrderBy(p => p.Key), classesMapped.OrderBy(p => p.Key));
        Assert.Equal(604, classesMapped.Values.Sum());

        Assert.Equal(438, Rows("conditions.csv").Count);
        Assert.Equal(438, records.OfType<DiagnosisRecord>().Count());
        Assert.Equal(249, Rows("procedures.csv").Count);
        Assert.Equal(249, records.OfType<ProcedureRecord>().Count());

        var observations = Rows("observations.csv");
        var vitalSets = observations.Where(r => r[3] == "vital-signs" && News2Codes.Contains(r[4])).Select(r => (r[1], r[2], r[0])).Distinct().Count();
        Assert.Equal(vitalSets, records.OfType<VitalSignsRecord>().Count());
        Assert.Equal(observations.Count(r => r[3] == "laboratory"), records.OfType<LabResultRecord>().Count());
    }

    [Fact]
    public void Vital_sign_rows_of_one_visit_are_one_record_and_other_observations_one_record_each()
    {
        var observations = SyntheaCsvReader.Read(System.IO.Path.Combine(SampleFolder, "observations.csv")).ToList();
        var lines = File.ReadAllLines(System.IO.Path.Combine(SampleFolder, "observations.csv"));

        // The first visit: nine vital-sign rows (height … respiratory rate), then a survey row.
        Assert.Equal(string.Join('\n', lines[1..10]), Encoding.UTF8.GetString(observations[0].Payload));
        Assert.Equal(lines[10], Encoding.UTF8.GetString(observations[1].Payload));
        Assert.Equal(Enumerable.Range(0, observations.Count).Select(i => (long)i), observations.Select(r => r.Position));

        var rowsInRecords = observations.Sum(r => Encoding.UTF8.GetString(r.Payload).Split('\n').Length);
        Assert.Equal(lines.Length - 1, rowsInRecords);
    }

    [Fact]
    public void The_first_visit_maps_to_its_vital_signs()
    {
        var first = SyntheaCsvReader.Read(System.IO.Path.Combine(SampleFolder, "observations.csv")).First();

        var record = Assert.IsType<VitalSignsRecord>(Assert.Single(SyntheaFolder.Map(first).Value!.Records));

        Assert.Equal(("3edac2e3-d223-6fae-d515-daf96ef6bc76", "0622440b-ab3a-87bf-b0d7-f8145ac11cc5"), (record.PatientId, record.EncounterId));
        Assert.Equal(new DateTimeOffset(2023, 10, 10, 4, 17, 47, TimeSpan.Zero), record.Vitals.MeasuredAt);
        Assert.Equal((82m, 14m, 106m, 79m), (record.Vitals.HeartRate, record.Vitals.RespiratoryRate, record.Vitals.SystolicBp, record.Vitals.DiastolicBp));
        Assert.Null(record.Vitals.Spo2);
        Assert.Null(record.Vitals.TemperatureCelsius);
        Assert.Equal("synthea/observations/" + RecordIds.ContentHash(first.Payload), record.EventId);
        Assert.Equal(record.EventId, record.Vitals.EventId);
    }

    [Fact]
    public void A_visit_whose_vital_sign_rows_are_interleaved_with_another_patients_rows_is_one_set()
    {
        // Rows 47–66 of observations.csv interleave this 1976 visit with another patient's 2023 survey rows.
        var sets = SyntheaCsvReader.Read(System.IO.Path.Combine(SampleFolder, "observations.csv"))
            .SelectMany(r => SyntheaFolder.Map(r).Value!.Records)
            .OfType<VitalSignsRecord>()
            .Where(v => v.PatientId == "261ad2a4-7c6f-da54-6a5b-3441beab9a6a" && v.EncounterId == "ab5c4ea7-afef-5add-1589-9708eed1349d")
            .ToList();

        var vitals = Assert.Single(sets).Vitals;
        Assert.Equal((61m, 15m, 129m, 73m), (vitals.HeartRate, vitals.RespiratoryRate, vitals.SystolicBp, vitals.DiastolicBp));
    }

    [Fact]
    public void Every_record_carries_its_files_header_line_exactly()
    {
        foreach (var file in SyntheaExport.Open(SampleFolder).Files)
        {
            var header = File.ReadLines(file.Path).First();
            Assert.All(file.Read(), r =>
            {
                Assert.Equal([SyntheaLayouts.HeaderKey], r.HeaderKeys!);
                Assert.Equal(Encoding.UTF8.GetBytes(header), Assert.Single(r.HeaderValues!));
            });
        }
    }

    [Fact]
    public void Reading_and_mapping_the_sample_twice_gives_identical_records()
    {
        var files = SyntheaExport.Open(SampleFolder).Files;
        var first = files.SelectMany(f => f.Read()).ToList();
        var second = files.SelectMany(f => f.Read()).ToList();

        Assert.Equal(first.Count, second.Count);
        Assert.All(first.Zip(second), pair =>
        {
            Assert.Equal((pair.First.Stream, pair.First.Position), (pair.Second.Stream, pair.Second.Position));
            Assert.Equal(pair.First.Payload, pair.Second.Payload);
        });

        var mapper = new SyntheaMapper();
        Assert.Equal(
            first.SelectMany(r => SyntheaFolder.Map(r, mapper).Value!.Records),
            second.SelectMany(r => SyntheaFolder.Map(r, new SyntheaMapper()).Value!.Records));
    }

    [Fact]
    public void Patients_and_encounters_are_keyed_by_their_id_and_content_the_other_rows_by_content()
    {
        var patients = SyntheaCsvReader.Read(System.IO.Path.Combine(SampleFolder, "patients.csv")).First();
        var condition = SyntheaCsvReader.Read(System.IO.Path.Combine(SampleFolder, "conditions.csv")).First();

        Assert.Equal("synthea/patients/3edac2e3-d223-6fae-d515-daf96ef6bc76#" + RecordIds.ContentHash(patients.Payload), SyntheaFolder.Map(patients).Value!.Records[0].EventId);
        Assert.Equal("synthea/conditions/" + RecordIds.ContentHash(condition.Payload), SyntheaFolder.Map(condition).Value!.Records[0].EventId);
        Assert.All(SyntheaFolder.Map(condition).Value!.Records, r => Assert.Equal(RecordSources.Synthea, r.Source));
    }
}
