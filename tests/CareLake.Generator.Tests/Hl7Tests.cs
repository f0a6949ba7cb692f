using CareLake.Core.Contracts;
using CareLake.Generator.Model;
using CareLake.Generator.Outputs.Hl7;

namespace CareLake.Generator.Tests;

public sealed class Hl7Tests(SmallOutputFixture output) : IClassFixture<SmallOutputFixture>
{
    private readonly List<Hl7Reader> _adt = Hl7Reader.SplitMessages(File.ReadAllText(output.Path("hl7/" + Hl7FileSink.AdtFile))).Select(m => new Hl7Reader(m)).ToList();
    private readonly List<Hl7Reader> _oru = Hl7Reader.SplitMessages(File.ReadAllText(output.Path("hl7/" + Hl7FileSink.OruFile))).Select(m => new Hl7Reader(m)).ToList();

    [Fact]
    public void Every_message_is_well_formed_with_its_key_fields()
    {
        var all = _adt.Concat(_oru).ToList();
        Assert.True(all.Count > 1_000);
        Assert.All(all, m =>
        {
            Assert.Equal("MSH", m.SegmentIds.First());
            Assert.EndsWith("\r", m.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", m.Text, StringComparison.Ordinal);
            Assert.Equal('|', m.FieldSeparator);
            Assert.Equal("^~\\&", m.Field("MSH", 2));
            Assert.Equal("2.5.1", m.Field("MSH", 12));
            Assert.NotEmpty(m.Field("MSH", 9));
            Assert.NotEmpty(m.Field("MSH", 10));
            Assert.Matches(@"^MRN\d{7}\^\^\^CLGH\^MR$", m.Field("PID", 3));
            var patientClass = m.Field("PV1", 2);
            if (patientClass != "N") Assert.Matches(@"^V\d{10}\^\^\^CLGH\^VN$", m.Field("PV1", 19));
        });
        Assert.Equal(all.Count, all.Select(m => m.Field("MSH", 10)).Distinct().Count());
    }

    [Fact]
    public void Adt_uses_the_trigger_events_of_the_standard()
    {
        var types = _adt.Select(m => m.Field("MSH", 9)).ToHashSet();
        Assert.Contains("ADT^A01^ADT_A01", types);
        Assert.Contains("ADT^A02^ADT_A02", types);
        Assert.Contains("ADT^A03^ADT_A03", types);
        Assert.Contains("ADT^A04^ADT_A01", types);
        Assert.Contains("ADT^A08^ADT_A01", types);
        Assert.Subset(new HashSet<string> { "ADT^A01^ADT_A01", "ADT^A02^ADT_A02", "ADT^A03^ADT_A03", "ADT^A04^ADT_A01", "ADT^A08^ADT_A01", "ADT^A11^ADT_A09", "ADT^A13^ADT_A01" }, types);
        Assert.All(_oru, m => Assert.Equal("ORU^R01^ORU_R01", m.Field("MSH", 9)));
        Assert.All(_adt.Where(m => m.Field("MSH", 9).StartsWith("ADT^A08", StringComparison.Ordinal) && m.Field("PV1", 2) != "N"),
            m => Assert.True(m.Segments("DG1").Any() != m.Segments("PR1").Any(), "an A08 of a visit carries diagnoses or procedures"));
    }

    [Fact]
    public void Admissions_round_trip_against_the_json_events()
    {
        var admits = output.Ndjson(Topics.PatientAdmissions).Where(e => e.GetProperty("event_type").GetString() == "admit").ToList();
        var a01 = _adt.Where(m => m.Field("MSH", 9) == "ADT^A01^ADT_A01").ToList();

        Assert.Equal(admits.Count, a01.Count);
        foreach (var (json, hl7) in admits.Zip(a01))
        {
            var encounter = json.GetProperty("encounter");
            var patient = json.GetProperty("patient");
            Assert.Equal(json.GetProperty("patient_id").GetString(), hl7.Component("PID", 3, 1));
            Assert.Equal(encounter.GetProperty("encounter_id").GetString(), hl7.Component("PV1", 19, 1));
            Assert.Equal(Hl7Encoding.Unescape(hl7.Component("PID", 5, 1)), patient.GetProperty("family_name").GetString());
            Assert.Equal(Hl7Encoding.Unescape(hl7.Component("PID", 11, 1)), patient.GetProperty("address").GetProperty("line1").GetString());
            Assert.Equal(patient.GetProperty("birth_date").GetString()!.Replace("-", "", StringComparison.Ordinal), hl7.Field("PID", 7));
            Assert.Equal(encounter.GetProperty("unit").GetString(), hl7.Component("PV1", 3, 1));
            Assert.Equal(encounter.GetProperty("class").GetString() == "inpatient" ? "I" : "O", hl7.Field("PV1", 2));
            Assert.Equal(DateTimeOffset.Parse(encounter.GetProperty("admitted_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.ParseExact(hl7.Field("PV1", 44), "yyyyMMddHHmmsszzz", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Discharges_carry_the_disposition_and_discharge_time()
    {
        var a03 = _adt.Where(m => m.Field("MSH", 9) == "ADT^A03^ADT_A03").ToList();
        Assert.NotEmpty(a03);
        Assert.All(a03, m =>
        {
            Assert.Matches(@"^(01|02|03|06|07|20|51|62|70)$", m.Field("PV1", 36));
            Assert.Matches(@"^\d{14}[+-]\d{4}$", m.Field("PV1", 45));
        });
    }

    [Fact]
    public void Lab_and_vital_results_have_loinc_observations_with_units()
    {
        var vitals = _oru.Where(m => m.Component("OBR", 4, 1) == "85353-1").ToList();
        var labs = _oru.Where(m => m.Field("OBR", 24) == "LAB").ToList();
        Assert.NotEmpty(vitals);
        Assert.NotEmpty(labs);
        Assert.All(labs, m => Assert.All(m.Segments("OBX"), obx =>
        {
            Assert.Equal("NM", obx[2]);
            Assert.EndsWith("^LN", obx[3], StringComparison.Ordinal);
            Assert.Matches(@"^-?\d+(\.\d+)?$", obx[5]);
            Assert.EndsWith("^UCUM", obx[6], StringComparison.Ordinal);
            Assert.Matches("^(N|L|H|LL|HH)$", obx[8]);
        }));
        Assert.Contains(vitals, m => m.Segments("OBX").Any(obx => obx[3].StartsWith("8867-4^", StringComparison.Ordinal)));
        Assert.Contains(labs, m => m.Segments("OBX").Count() == 8);
    }

    [Fact]
    public void Delimiters_in_text_are_escaped_and_round_trip()
    {
        var tricky = "12 Oak St | Rear ^ Unit ~ 3 & 4 \\ B";
        var patient = output.Simulator.Population!.Patients[0];
        var demographics = patient.Demographics with { Address = patient.Demographics.Address with { Line1 = tricky }, FamilyName = "O'Brien^Smith" };
        var update = new AdtEvent { EventId = "upd-test", OccurredAt = FileOutputs.Small.PeriodStart, Kind = AdtKind.Update, Patient = patient, Demographics = demographics };

        var message = new Hl7Reader(new Hl7MessageBuilder("CLGH", "T").Adt(update).Text);

        Assert.Equal(tricky, Hl7Encoding.Unescape(message.Component("PID", 11, 1)));
        Assert.Equal("O'Brien^Smith", Hl7Encoding.Unescape(message.Component("PID", 5, 1)));
        Assert.Contains("\\F\\", message.Field("PID", 11), StringComparison.Ordinal);
        Assert.Contains("\\S\\", message.Field("PID", 11), StringComparison.Ordinal);
        Assert.Contains("\\R\\", message.Field("PID", 11), StringComparison.Ordinal);
        Assert.Contains("\\T\\", message.Field("PID", 11), StringComparison.Ordinal);
        Assert.Contains("\\E\\", message.Field("PID", 11), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a|b", "a\\F\\b")]
    [InlineData("a^b", "a\\S\\b")]
    [InlineData("a&b", "a\\T\\b")]
    [InlineData("a~b", "a\\R\\b")]
    [InlineData("a\\b", "a\\E\\b")]
    [InlineData("plain", "plain")]
    public void Escape_follows_the_standard_sequences(string text, string escaped)
    {
        Assert.Equal(escaped, Hl7Encoding.Escape(text));
        Assert.Equal(text, Hl7Encoding.Unescape(escaped));
    }
}
