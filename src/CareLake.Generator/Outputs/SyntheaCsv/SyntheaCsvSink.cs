using System.Globalization;
using System.Text;
using CareLake.Generator.Model;
using CareLake.Generator.Population;

namespace CareLake.Generator.Outputs.SyntheaCsv;

/// <summary>
/// Writes a Synthea-format CSV export (v3.0 columns, as in tests/testdata/synthea_csv): <c>patients.csv</c>,
/// <c>encounters.csv</c>, <c>conditions.csv</c>, <c>procedures.csv</c> and <c>observations.csv</c>. Codes differ from
/// Synthea's on purpose: conditions and encounter (and procedure) reasons carry ICD-10-CM codes (Synthea uses SNOMED CT);
/// procedures carry SNOMED CT, as in Synthea, also those the other outputs carry in ICD-10-PCS; observations carry
/// LOINC, as in Synthea. The rows of one vital-sign set are written next to each other with the same DATE, PATIENT
/// and ENCOUNTER. Observation stays are written with class <c>outpatient</c>, since Synthea has no observation class.
/// </summary>
public sealed class SyntheaCsvSink : IClinicalEventSink
{
    public static readonly string PatientsHeader = "Id,BIRTHDATE,DEATHDATE,SSN,DRIVERS,PASSPORT,PREFIX,FIRST,LAST,SUFFIX,MAIDEN,MARITAL,RACE,ETHNICITY,GENDER,BIRTHPLACE,ADDRESS,CITY,STATE,COUNTY,ZIP,LAT,LON,HEALTHCARE_EXPENSES,HEALTHCARE_COVERAGE";
    public static readonly string EncountersHeader = "Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,PAYER,ENCOUNTERCLASS,CODE,DESCRIPTION,BASE_ENCOUNTER_COST,TOTAL_CLAIM_COST,PAYER_COVERAGE,REASONCODE,REASONDESCRIPTION";
    public static readonly string ConditionsHeader = "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION";
    public static readonly string ProceduresHeader = "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION,BASE_COST,REASONCODE,REASONDESCRIPTION";
    public static readonly string ObservationsHeader = "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE";

    private readonly string _directory;
    private readonly string _facility;
    private readonly StreamWriter _patients;
    private readonly StreamWriter _encounters;
    private readonly StreamWriter _conditions;
    private readonly StreamWriter _procedures;
    private readonly StreamWriter _observations;
    private readonly StreamWriter[] _writers;
    private readonly OpenEncounters _open = new();
    private readonly Dictionary<int, (double Expenses, double Coverage)> _costs = [];

    public SyntheaCsvSink(string directory, string facility)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = directory;
        _facility = facility;
        Directory.CreateDirectory(directory);
        _patients = Open("patients.csv", PatientsHeader);
        _encounters = Open("encounters.csv", EncountersHeader);
        _conditions = Open("conditions.csv", ConditionsHeader);
        _procedures = Open("procedures.csv", ProceduresHeader);
        _observations = Open("observations.csv", ObservationsHeader);
        _writers = [_patients, _encounters, _conditions, _procedures, _observations];
    }

    public string Description => "synthea-csv:" + _directory;

    public void Write(HospitalEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_open.Apply(e) is var (ended, status))
        {
            if (status == "finished") WriteEncounter(ended, ended.Current.DischargedAt);
        }

        switch (e)
        {
            case VitalSignsEvent v:
                var at = Instant(v.MeasuredAt);
                if (v.HeartRate is { } hr) Observation(at, v, "vital-signs", "8867-4", "Heart rate", Int(hr), "/min");
                if (v.RespiratoryRate is { } rr) Observation(at, v, "vital-signs", "9279-1", "Respiratory rate", Int(rr), "/min");
                if (v.Spo2 is { } spo2) Observation(at, v, "vital-signs", "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", Int(spo2), "%");
                if (v.SystolicBp is { } sbp) Observation(at, v, "vital-signs", "8480-6", "Systolic Blood Pressure", Int(sbp), "mm[Hg]");
                if (v.DiastolicBp is { } dbp) Observation(at, v, "vital-signs", "8462-4", "Diastolic Blood Pressure", Int(dbp), "mm[Hg]");
                if (v.TemperatureCelsius is { } t) Observation(at, v, "vital-signs", "8310-5", "Body temperature", t.ToString("0.0", CultureInfo.InvariantCulture), "Cel");
                break;
            case LabResultEvent lab:
                Observation(Instant(lab.SpecimenCollectedAt), lab, "laboratory", lab.Test.Loinc, lab.Test.Name,
                    lab.Value.ToString("F" + lab.Test.Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), lab.Test.Unit);
                break;
        }
    }

    public void Complete(HospitalSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        foreach (var open in _open.StillOpen()) WriteEncounter(open, null);
        foreach (var patient in simulator.Population?.Patients ?? []) WritePatient(patient);
        foreach (var writer in _writers) writer.Flush();
    }

    public void Dispose()
    {
        foreach (var writer in _writers) writer.Dispose();
    }

    private void WriteEncounter(TrackedEncounter tracked, DateTimeOffset? stop)
    {
        var enc = tracked.Current;
        var patient = tracked.Admit.Patient!;
        var (classCode, code, description) = enc.Class switch
        {
            EncounterClass.Inpatient => ("inpatient", "183452005", "Encounter Inpatient"),
            EncounterClass.Emergency => ("emergency", "50849002", "Emergency room admission (procedure)"),
            _ => ("outpatient", "185347001", "Encounter for problem (procedure)"),
        };
        var days = Math.Max(((stop ?? enc.AdmittedAt) - enc.AdmittedAt).TotalDays, 0.1);
        var (baseCost, perDay) = enc.Class switch
        {
            EncounterClass.Inpatient => (1_450.0, 2_380.0),
            EncounterClass.Emergency => (620.0, 1_900.0),
            _ => (880.0, 1_250.0),
        };
        var total = Math.Round(baseCost + perDay * days, 2);
        var coveredShare = patient.Payer switch { "medicare" => 0.8, "medicaid" => 0.9, "commercial" => 0.75, "other" => 0.7, _ => 0.0 };
        var coverage = Math.Round(total * coveredShare, 2);
        var sums = _costs.GetValueOrDefault(patient.Index);
        _costs[patient.Index] = (sums.Expenses + total - coverage, sums.Coverage + coverage);
        WriteRow(_encounters,
            enc.EncounterId, Instant(enc.AdmittedAt), stop is { } s ? Instant(s) : "", patient.Mrn, _facility, enc.AttendingProviderId, patient.Payer,
            classCode, code, description, Money(baseCost), Money(total), Money(coverage), tracked.Reason?.Code ?? "", tracked.Reason?.Description ?? "");

        foreach (var dx in tracked.Diagnoses)
        {
            var conditionStop = dx.IsChronic || stop is null ? "" : LocalDate(stop.Value);
            WriteRow(_conditions, LocalDate(dx.DiagnosedAt), conditionStop,
                patient.Mrn, enc.EncounterId, dx.Code.Code, dx.Code.Description);
        }

        foreach (var px in tracked.Procedures)
        {
            var snomed = px.Procedure.Snomed;
            WriteRow(_procedures, Instant(px.PerformedAt), px.PerformedEndAt is { } ended ? Instant(ended) : "", patient.Mrn, enc.EncounterId,
                snomed.Code, snomed.Description, Money(px.Procedure.BaseCost), tracked.Reason?.Code ?? "", tracked.Reason?.Description ?? "");
        }
    }

    private void WritePatient(SimulatedPatient patient)
    {
        var d = patient.Demographics;
        var state = UsGeography.States.First(s => s.Code == d.Address.State);
        var adult = patient.AgeAtStart >= 18;
        var prefix = !adult ? "" : d.Sex == Sex.Male ? "Mr." : d.MaritalStatus is MaritalStatus.Married or MaritalStatus.Widowed ? "Mrs." : "Ms.";
        var number = (long)(Randomness.DeterministicRandom.Hash((ulong)patient.Index, 77) % 100_000_000);
        var drivers = number % 10 < 7 ? string.Create(CultureInfo.InvariantCulture, $"S99{number % 10_000_000:D7}") : "";
        var passport = number % 10 < 3 ? string.Create(CultureInfo.InvariantCulture, $"X{number:D8}X") : "";
        var (expenses, coverage) = _costs.GetValueOrDefault(patient.Index);
        WriteRow(_patients,
            patient.Mrn,
            d.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            patient.DeceasedAt is { } died ? LocalDate(died) : "",
            d.Ssn, drivers, passport, prefix, d.GivenName, d.FamilyName, "", d.MaidenName ?? "", d.MaritalStatus.Code(), d.Race.Code(), d.Ethnicity.Code(),
            d.Sex switch { Sex.Female => "F", Sex.Male => "M", _ => "U" },
            $"{d.Address.City}  {state.Name}  US", d.Address.Line1, d.Address.City, state.Name, d.Address.County, d.Address.PostalCode,
            d.Address.Latitude.ToString("0.#####", CultureInfo.InvariantCulture), d.Address.Longitude.ToString("0.#####", CultureInfo.InvariantCulture),
            Money(expenses), Money(coverage));
    }

    private void Observation(string date, HospitalEvent e, string category, string code, string description, string value, string unit)
    {
        WriteRow(_observations, date, e.PatientId ?? "", e.EncounterId ?? "", category, code, description, value, unit, "numeric");
    }

    private StreamWriter Open(string name, string header)
    {
        var writer = new StreamWriter(Path.Combine(_directory, name), false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine(header);
        return writer;
    }

    private static void WriteRow(StreamWriter writer, params string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) writer.Write(',');
            var field = fields[i];
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                writer.Write('"');
                writer.Write(field.Replace("\"", "\"\"", StringComparison.Ordinal));
                writer.Write('"');
            }
            else
            {
                writer.Write(field);
            }
        }

        writer.WriteLine();
    }

    private static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The calendar date at the instant's own offset.</summary>
    private static string LocalDate(DateTimeOffset t) => DateOnly.FromDateTime(t.DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Money(double amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
