using System.Text;
using CareLake.Core.Records;
using CareLake.Interop.Synthea;

namespace CareLake.Interop.Tests.Synthea;

/// <summary>How a Synthea file is cut into records: exact bytes, quoted fields, line endings, the byte order mark, vital-sign sets.</summary>
public sealed class SyntheaCsvReaderTests : IDisposable
{
    private const string PatientsHeader = "Id,BIRTHDATE,FIRST,LAST,GENDER,ADDRESS,CITY";
    private const string ObservationsHeader = "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE";
    private readonly SyntheaFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Text(FileRecord r) => Encoding.UTF8.GetString(r.Payload);

    [Fact]
    public void A_quoted_field_with_a_comma_stays_one_field()
    {
        var row = "p1,1980-01-01,Ann,Lee,F,\"12 Main St, Apt 4\",Boston";
        var path = _folder.Write("patients.csv", [PatientsHeader, row]);

        var record = Assert.Single(SyntheaCsvReader.Read(path));

        Assert.Equal(row, Text(record));
        var patient = SyntheaFolder.MapOne<PatientRecord>(path);
        Assert.Equal(("12 Main St, Apt 4", "Boston"), (patient.AddressLine1, patient.City));
    }

    [Fact]
    public void A_quoted_field_with_a_line_break_makes_the_record_span_lines()
    {
        var row = "p1,1980-01-01,Ann,Lee,F,\"12 Main St\r\nApt \"\"B\"\"\",Boston";
        var path = _folder.Write("patients.csv", [PatientsHeader, row, "p2,1981-02-02,Bo,Ng,M,1 Elm St,Salem"], newline: "\r\n");

        var records = SyntheaCsvReader.Read(path).ToList();

        Assert.Equal([row, "p2,1981-02-02,Bo,Ng,M,1 Elm St,Salem"], records.Select(Text));
        Assert.Equal([0L, 1L], records.Select(r => r.Position));
        var patient = Assert.IsType<PatientRecord>(SyntheaFolder.Map(records[0]).Value!.Records.Single());
        Assert.Equal("12 Main St\r\nApt \"B\"", patient.AddressLine1);
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_line_ends_are_not_part_of_header_or_payload()
    {
        var path = _folder.Write("patients.csv", [PatientsHeader, "p1,1980-01-01,Ann,Lee,F,1 Elm St,Salem"], newline: "\r\n", bom: true);

        var record = Assert.Single(SyntheaCsvReader.Read(path));

        Assert.Equal(Encoding.UTF8.GetBytes(PatientsHeader), Assert.Single(record.HeaderValues!));
        Assert.Equal("p1,1980-01-01,Ann,Lee,F,1 Elm St,Salem", Text(record));
        Assert.Null(SyntheaCsvReader.CheckLayout(path));
        Assert.Equal("p1", SyntheaFolder.MapOne<PatientRecord>(path).PatientId);
    }

    [Fact]
    public void Payload_bytes_are_kept_exactly_even_when_not_valid_utf8()
    {
        byte[] row = [.. "p1,1980-01-01,"u8, 0xC3, 0x28, .. ",Lee,F,1 Elm St,Salem"u8];
        var path = _folder.WriteBytes("patients.csv", [.. Encoding.UTF8.GetBytes(PatientsHeader + "\n"), .. row]);

        var record = Assert.Single(SyntheaCsvReader.Read(path));

        Assert.Equal(row, record.Payload);
        Assert.Equal(Core.Contracts.RejectionReason.InvalidUtf8, SyntheaFolder.Map(record).Rejection!.Reason);
    }

    [Fact]
    public void Blank_lines_and_a_missing_final_line_break_do_not_change_the_records()
    {
        var path = _folder.WriteBytes("patients.csv", Encoding.UTF8.GetBytes(
            PatientsHeader + "\n\np1,1980-01-01,Ann,Lee,F,1 Elm St,Salem\n\r\np2,1981-02-02,Bo,Ng,M,2 Elm St,Salem"));

        var records = SyntheaCsvReader.Read(path).ToList();

        Assert.Equal(["p1,1980-01-01,Ann,Lee,F,1 Elm St,Salem", "p2,1981-02-02,Bo,Ng,M,2 Elm St,Salem"], records.Select(Text));
        Assert.Equal([0L, 1L], records.Select(r => r.Position));
    }

    [Fact]
    public void A_file_with_only_its_header_has_no_records()
    {
        Assert.Empty(SyntheaCsvReader.Read(_folder.Write("patients.csv", [PatientsHeader])));
    }

    [Fact]
    public void Vital_sign_rows_of_one_patient_encounter_and_time_form_a_set_even_when_interleaved()
    {
        string[] rows =
        [
            "2020-01-01T10:00:00Z,p1,e1,vital-signs,8867-4,Heart rate,80.0,/min,numeric",
            "2020-01-01T10:00:00Z,p1,e1,vital-signs,9279-1,Respiratory rate,15.0,/min,numeric",
            "2020-01-01T10:05:00Z,p1,e1,vital-signs,8867-4,Heart rate,82.0,/min,numeric",
            "2020-01-01T10:05:00Z,p2,e1,vital-signs,8867-4,Heart rate,90.0,/min,numeric",
            "2020-01-01T10:05:00Z,p2,e1,laboratory,2093-3,Total Cholesterol,180.0,mg/dL,numeric",
            "2020-01-01T10:05:00Z,p2,e1,vital-signs,8480-6,Systolic Blood Pressure,120.0,mm[Hg],numeric",
        ];
        var path = _folder.Write("observations.csv", [ObservationsHeader, .. rows]);

        var records = SyntheaCsvReader.Read(path).ToList();

        Assert.Equal([rows[0] + "\n" + rows[1], rows[2], rows[3] + "\n" + rows[5], rows[4]], records.Select(Text));
        Assert.Equal([0L, 1L, 2L, 3L], records.Select(r => r.Position));
        Assert.All(records, r => Assert.Equal("synthea.observations", r.Stream));
    }

    [Fact]
    public void A_vital_sign_row_beyond_the_window_of_its_set_starts_a_new_set()
    {
        var heartRate = "2020-01-01T10:00:00Z,p1,e1,vital-signs,8867-4,Heart rate,80.0,/min,numeric";
        var survey = Enumerable.Range(0, 1023).Select(i => $"2020-01-01T10:00:00Z,p2,e2,survey,72166-2,Smoking {i},Never smoker,,text").ToList();
        var respiratoryRate = "2020-01-01T10:00:00Z,p1,e1,vital-signs,9279-1,Respiratory rate,15.0,/min,numeric";
        var within = SyntheaCsvReader.Read(_folder.Write("observations.csv", [ObservationsHeader, heartRate, .. survey.Take(1022), respiratoryRate])).ToList();
        var beyond = SyntheaCsvReader.Read(_folder.Write("observations.csv", [ObservationsHeader, heartRate, .. survey, respiratoryRate])).ToList();

        Assert.Equal(heartRate + "\n" + respiratoryRate, Text(within[0]));
        Assert.Equal(1023, within.Count);
        Assert.Equal([heartRate, respiratoryRate], [Text(beyond[0]), Text(beyond[^1])]);
        Assert.Equal(1025, beyond.Count);
    }

    [Fact]
    public void Reading_from_a_stream_gives_the_same_records_as_reading_the_file()
    {
        var path = _folder.Write("observations.csv", [
            ObservationsHeader,
            "2020-01-01T10:00:00Z,p1,e1,vital-signs,8867-4,Heart rate,80.0,/min,numeric",
            "2020-01-01T10:00:00Z,p1,e1,vital-signs,8462-4,\"Diastolic, Blood Pressure\",70.0,mm[Hg],numeric",
        ]);
        using var stream = new MemoryStream(File.ReadAllBytes(path));

        var fromStream = SyntheaCsvReader.Read(stream, SyntheaFileKind.Observations).Single();
        var fromFile = SyntheaCsvReader.Read(path).Single();

        Assert.Equal((fromFile.Stream, fromFile.Position), (fromStream.Stream, fromStream.Position));
        Assert.Equal(fromFile.Payload, fromStream.Payload);
    }

    [Fact]
    public void A_large_file_read_in_many_buffers_keeps_every_row()
    {
        var rows = Enumerable.Range(0, 5000).Select(i => $"2020-01-01,,p{i},e{i},{100000 + i},\"Condition, number {i}\"").ToList();
        var path = _folder.Write("conditions.csv", ["START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION", .. rows]);

        var records = SyntheaCsvReader.Read(path).ToList();

        Assert.Equal(rows, records.Select(Text));
        Assert.Equal($"Condition, number 4999", Assert.IsType<DiagnosisRecord>(SyntheaFolder.Map(records[^1]).Value!.Records.Single()).Description);
    }
}
