using CareLake.Core.Records;
using CareLake.Interop.Synthea;

namespace CareLake.Interop.Tests.Synthea;

/// <summary>Synthea's CSV layouts across versions: which headers import, and the error an unknown one gives.</summary>
public sealed class SyntheaLayoutTests : IDisposable
{
    private const string PatientId = "b9c610cd-28a6-4636-ccb6-c7a0d2a4cb85";
    private readonly SyntheaFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Patients_of_the_newer_layout_with_middle_fips_and_income_import()
    {
        var path = _folder.Write("patients.csv", [
            "Id,BIRTHDATE,DEATHDATE,SSN,DRIVERS,PASSPORT,PREFIX,FIRST,MIDDLE,LAST,SUFFIX,MAIDEN,MARITAL,RACE,ETHNICITY,GENDER,BIRTHPLACE,ADDRESS,CITY,STATE,COUNTY,FIPS,ZIP,LAT,LON,HEALTHCARE_EXPENSES,HEALTHCARE_COVERAGE,INCOME",
            $"{PatientId},1961-03-09,2021-07-01,999-61-2828,S99970000,X1234X,Mrs.,Jeanine,Ann,Koss676,,Ward,M,white,nonhispanic,F,Boston  Massachusetts  US,123 Main St,Quincy,Massachusetts,Norfolk County,25021,02169,42.25,-71.0,1000.5,200.25,52000",
        ]);

        Assert.Null(SyntheaCsvReader.CheckLayout(path));
        var patient = SyntheaFolder.MapOne<PatientRecord>(path);

        Assert.Equal((PatientId, "Jeanine", "Koss676"), (patient.PatientId, patient.GivenName, patient.FamilyName));
        Assert.Equal((new DateOnly(1961, 3, 9), new DateOnly(2021, 7, 1)), (patient.BirthDate, patient.DeathDate));
        Assert.Equal(("female", "white", "nonhispanic", "M", "999-61-2828"), (patient.Sex, patient.Race, patient.Ethnicity, patient.MaritalStatus, patient.Ssn));
        Assert.Equal(("123 Main St", "Quincy", "Massachusetts", "02169", "US"), (patient.AddressLine1, patient.City, patient.State, patient.PostalCode, patient.Country));
        Assert.Equal(new DateTimeOffset(1961, 3, 9, 0, 0, 0, TimeSpan.Zero), patient.OccurredAt);
    }

    [Fact]
    public void Patients_of_the_oldest_layout_with_an_upper_case_id_and_few_columns_import()
    {
        var path = _folder.Write("patients.csv", [
            "ID,BIRTHDATE,DEATHDATE,SSN,FIRST,LAST,GENDER",
            $"{PatientId},1990-12-31,,999-11-2222,Ann,Lee,M",
        ]);

        Assert.Null(SyntheaCsvReader.CheckLayout(path));
        var patient = SyntheaFolder.MapOne<PatientRecord>(path);

        Assert.Equal((PatientId, "male", (DateOnly?)null), (patient.PatientId, patient.Sex, patient.DeathDate));
        Assert.Null(patient.MaritalStatus);
        Assert.Null(patient.PostalCode);
    }

    [Fact]
    public void Procedures_of_the_older_layout_with_a_date_instead_of_start_and_stop_import()
    {
        var path = _folder.Write("procedures.csv", [
            "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,REASONCODE,REASONDESCRIPTION",
            $"2019-02-11T09:30:00Z,{PatientId},e1b8c4e4-5a2f-4d4f-9d8e-0c1d2e3f4a5b,430193006,Medication Reconciliation (procedure),510.00,,",
        ]);

        Assert.Null(SyntheaCsvReader.CheckLayout(path));
        var procedure = SyntheaFolder.MapOne<ProcedureRecord>(path);

        Assert.Equal((CodeSystems.SnomedCt, "430193006", "completed"), (procedure.CodeSystem, procedure.Code, procedure.Status));
        Assert.Equal(new DateTimeOffset(2019, 2, 11, 9, 30, 0, TimeSpan.Zero), procedure.PerformedAt);
        Assert.Equal(procedure.PerformedAt, procedure.OccurredAt);
        Assert.Null(procedure.PerformedEndAt);
        Assert.Equal("e1b8c4e4-5a2f-4d4f-9d8e-0c1d2e3f4a5b", procedure.EncounterId);
    }

    [Fact]
    public void Conditions_with_a_system_column_take_their_code_system_from_it()
    {
        var path = _folder.Write("conditions.csv", [
            "START,STOP,PATIENT,ENCOUNTER,SYSTEM,CODE,DESCRIPTION",
            $"2020-04-01,2020-04-20,{PatientId},,http://hl7.org/fhir/sid/icd-10-cm,J06.9,Acute upper respiratory infection",
            $"2020-05-01,,{PatientId},,,444814009,Viral sinusitis (disorder)",
        ]);

        Assert.Null(SyntheaCsvReader.CheckLayout(path));
        var diagnoses = SyntheaCsvReader.Read(path).Select(r => SyntheaFolder.Map(r).Value!.Records.Single()).Cast<DiagnosisRecord>().ToList();

        Assert.Equal([(CodeSystems.Icd10Cm, "J06.9"), (CodeSystems.SnomedCt, "444814009")], diagnoses.Select(d => (d.CodeSystem, d.Code)));
        Assert.Equal(new DateTimeOffset(2020, 4, 1, 0, 0, 0, TimeSpan.Zero), diagnoses[0].DiagnosedAt);
        Assert.Equal(new DateTimeOffset(2020, 4, 20, 0, 0, 0, TimeSpan.Zero), diagnoses[0].ResolvedAt);
        Assert.Null(diagnoses[0].EncounterId);
        Assert.Null(diagnoses[1].ResolvedAt);
    }

    [Fact]
    public void Observations_without_a_category_column_group_news2_vitals_and_skip_the_rest()
    {
        var path = _folder.Write("observations.csv", [
            "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,VALUE,UNITS,TYPE",
            $"2015-06-01T10:00:00Z,{PatientId},enc-1,8302-2,Body Height,170.0,cm,numeric",
            $"2015-06-01T10:00:00Z,{PatientId},enc-1,8867-4,Heart rate,72.0,/min,numeric",
            $"2015-06-01T10:00:00Z,{PatientId},enc-1,9279-1,Respiratory rate,16.0,/min,numeric",
            $"2015-06-01T10:00:00Z,{PatientId},enc-1,2093-3,Total Cholesterol,180.0,mg/dL,numeric",
        ]);

        Assert.Null(SyntheaCsvReader.CheckLayout(path));
        var results = SyntheaCsvReader.Read(path).Select(r => SyntheaFolder.Map(r)).ToList();

        Assert.Equal(3, results.Count);
        Assert.NotNull(results[0].Value!.Unsupported);
        var vitals = Assert.IsType<VitalSignsRecord>(Assert.Single(results[1].Value!.Records)).Vitals;
        Assert.Equal((72m, 16m), (vitals.HeartRate, vitals.RespiratoryRate));
        Assert.NotNull(results[2].Value!.Unsupported);
    }

    [Fact]
    public void An_encounters_file_without_its_class_column_is_an_error_naming_file_and_column()
    {
        var path = _folder.Write("encounters.csv", ["Id,START,STOP,PATIENT,CODE,DESCRIPTION", $"e1,2020-01-01T00:00:00Z,,{PatientId},1,x"]);

        var error = SyntheaCsvReader.CheckLayout(path);

        Assert.NotNull(error);
        Assert.Equal(path, error.File);
        Assert.Equal(["ENCOUNTERCLASS"], error.MissingColumns);
        Assert.Contains("encounters.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("ENCOUNTERCLASS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_procedures_file_with_neither_start_nor_date_names_both_alternatives()
    {
        var path = _folder.Write("procedures.csv", ["PATIENT,CODE,DESCRIPTION"]);

        Assert.Equal(["START or DATE"], SyntheaCsvReader.CheckLayout(path)!.MissingColumns);
    }

    [Fact]
    public void An_empty_file_is_an_error_for_its_missing_header()
    {
        var path = _folder.WriteBytes("conditions.csv", []);

        var error = SyntheaCsvReader.CheckLayout(path);

        Assert.NotNull(error);
        Assert.Empty(error.MissingColumns);
        Assert.Contains("no header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_export_reports_each_unknown_layout_and_keeps_the_files_it_can_read()
    {
        _folder.Write("patients.csv", ["Id,BIRTHDATE,GENDER", $"{PatientId},2000-01-01,F"]);
        _folder.Write("observations.csv", ["DATE,PATIENT,CODE,UNITS"]);
        _folder.Write("conditions.csv", ["START,PATIENT,CODE"]);
        _folder.Write("claims.csv", ["Id,PATIENTID"]);
        _folder.Write("notes.txt", ["not a csv"]);

        var export = SyntheaExport.Open(_folder.Path);

        Assert.False(export.IsValid);
        var error = Assert.Single(export.Errors);
        Assert.EndsWith("observations.csv", error.File, StringComparison.Ordinal);
        Assert.Equal(["VALUE"], error.MissingColumns);
        Assert.Equal([SyntheaFileKind.Patients, SyntheaFileKind.Conditions], export.Files.Select(f => f.Kind));
        Assert.Equal(["claims.csv"], export.Ignored);
    }

    [Fact]
    public void A_missing_folder_is_reported_as_such()
    {
        Assert.Throws<DirectoryNotFoundException>(() => SyntheaExport.Open(System.IO.Path.Combine(_folder.Path, "absent")));
    }

    [Fact]
    public void A_file_carelake_does_not_import_cannot_be_read_as_one()
    {
        var path = _folder.Write("medications.csv", ["START,PATIENT,CODE"]);

        Assert.Throws<ArgumentException>(() => SyntheaCsvReader.Read(path));
    }
}
