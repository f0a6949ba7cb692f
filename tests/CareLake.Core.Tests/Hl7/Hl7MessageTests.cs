using System.Text;
using CareLake.Core.Hl7;
using static CareLake.Core.Tests.Hl7.Hl7ReferenceMessages;

namespace CareLake.Core.Tests.Hl7;

public class Hl7MessageTests
{
    private const string Msh = "MSH|^~\\&|APP|FAC|RAPP|RFAC|20240101120000+0000||ADT^A01^ADT_A01|CTRL1|P|2.5.1";

    private static Hl7Message Parsed(string text)
    {
        var result = Hl7Message.Parse(text);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Message!;
    }

    private static Hl7ParseError Failed(string text)
    {
        var result = Hl7Message.Parse(text);
        Assert.False(result.IsSuccess);
        return result.Error!;
    }

    [Fact]
    public void The_reference_admission_reads_field_by_field()
    {
        var m = Parsed(AdmitA01);

        Assert.Equal(["MSH", "EVN", "PID", "PV1", "DG1", "AL1", "OBX", "OBX", "OBX", "OBX"], m.AllSegments.Select(s => s.Id));
        Assert.Equal("4455667", m.Get("PID", 3, repetition: 0, component: 1));
        Assert.Equal("GHH", m.Get("PID", 3, component: 4));
        Assert.Equal("MR", m.Get("PID", 3, component: 5));
        Assert.Equal(("DOE", "JANE", "Q"), (m.Get("PID", 5), m.Get("PID", 5, component: 2), m.Get("PID", 5, component: 3)));
        Assert.Equal(("19520611", "F"), (m.Get("PID", 7), m.Get("PID", 8)));
        Assert.Equal(("217", "5550123"), (m.Get("PID", 13, component: 6), m.Get("PID", 13, component: 7)));
        Assert.Equal("I", m.Get("PV1", 2));
        Assert.Equal(("4W", "412", "B", "GOODHEALTH"), (m.Get("PV1", 3), m.Get("PV1", 3, component: 2), m.Get("PV1", 3, component: 3), m.Get("PV1", 3, component: 4)));
        Assert.Equal("VN000123^^^GHH^VN", m.Segment("PV1")!.Raw(19));
        Assert.Equal("VN000123", m.Get("PV1", 19));
        Assert.Equal("20240314092000-0500", m.Get("PV1", 44));
        Assert.Equal(new DateTimeOffset(2024, 3, 14, 9, 20, 0, TimeSpan.FromHours(-5)), m.Segment("PV1")!.GetDateTime(44));
        Assert.Equal(("J44.1", "I10"), (m.Get("DG1", 3), m.Get("DG1", 3, component: 3)));
        Assert.Equal("A", m.Get("DG1", 6));
        Assert.Equal("Pt on 2 L/min O2 via NC & new confusion", m.Segments("OBX").Last().Get(5));
        Assert.Equal([22m, 91m, 104m], m.Segments("OBX").Take(3).Select(o => o.GetNumber(5)!.Value));
    }

    [Fact]
    public void The_reference_admission_header_names_sender_receiver_type_and_control_id()
    {
        var h = Parsed(AdmitA01).Header;

        Assert.Equal(("ADTSYS", "GOODHEALTH", "DATALAKE", "GOODHEALTH"), (h.SendingApplication, h.SendingFacility, h.ReceivingApplication, h.ReceivingFacility));
        Assert.Equal(("ADT", "A01", "ADT_A01", "ADT^A01"), (h.MessageCode, h.TriggerEvent, h.MessageStructure, h.MessageType));
        Assert.Equal(("MSG00001", "P", "2.5.1", "20240314093512-0500"), (h.ControlId, h.ProcessingId, h.Version, h.MessageDateTime));
        Assert.Equal(Hl7Delimiters.Default, h.Delimiters);
    }

    [Fact]
    public void The_reference_discharge_carries_disposition_admit_and_discharge_times()
    {
        var m = Parsed(DischargeA03);

        Assert.Equal(("01", "20240314092000-0500", "20240318140000-0500"), (m.Get("PV1", 36), m.Get("PV1", 44), m.Get("PV1", 45)));
        Assert.Equal(["J44.1", "I50.9"], m.Segments("DG1").Select(d => d.Get(3)));
        Assert.Equal(4, (m.Segment("PV1")!.GetDateTime(45)!.Value.Date - m.Segment("PV1")!.GetDateTime(44)!.Value.Date).Days);
    }

    [Fact]
    public void The_reference_acknowledgments_read_back()
    {
        var accept = Parsed(AcceptAck);
        var error = Parsed(ErrorAck);

        Assert.Equal(("ACK", "A01", "ACK", "AA", "MSG00001"), (accept.Header.MessageCode, accept.Header.TriggerEvent, accept.Header.MessageStructure, accept.Get("MSA", 1), accept.Get("MSA", 2)));
        Assert.Equal(("AE", "MSG00057", "PV1-19 visit number not found"), (error.Get("MSA", 1), error.Get("MSA", 2), error.Get("MSA", 3)));
    }

    [Fact]
    public void MSH_fields_are_numbered_as_the_standard_counts_them()
    {
        var msh = Parsed(Msh).Segment("MSH")!;

        Assert.Equal("|", msh.Get(1));
        Assert.Equal("^~\\&", msh.Get(2));
        Assert.Equal("APP", msh.Get(3));
        Assert.Equal("CTRL1", msh.Get(10));
        Assert.Equal(12, msh.FieldCount);
        Assert.Equal(Msh, msh.ToString());
    }

    [Fact]
    public void Delimiters_are_read_from_MSH_1_and_MSH_2_not_assumed()
    {
        var m = Parsed("MSH#$%/*#APP#FAC#R#RF#20240101##ADT$A01#C9#P#2.5\rPID#1##12$$$H$MR%77$$$H$SS##A/F/B/S/C$GIVEN*SUB#|^~&\r");

        Assert.Equal(new Hl7Delimiters('#', '$', '%', '/', '*'), m.Delimiters);
        Assert.Equal(("ADT", "A01", "C9"), (m.Header.MessageCode, m.Header.TriggerEvent, m.Header.ControlId));
        Assert.Equal(("12", "MR", "77"), (m.Get("PID", 3), m.Get("PID", 3, component: 5), m.Get("PID", 3, repetition: 1)));
        Assert.Equal(("A#B$C", "GIVEN", "SUB"), (m.Get("PID", 5), m.Get("PID", 5, component: 2), m.Get("PID", 5, component: 2, subcomponent: 2)));
        Assert.Equal("|^~&", m.Get("PID", 6));
    }

    [Fact]
    public void A_truncation_character_of_v2_7_is_read_as_the_fifth_encoding_character()
    {
        var m = Parsed("MSH|^~\\&#|APP|FAC|||20240101||ADT^A08|C1|P|2.7\rPID|1||LONGVALU#\r");

        Assert.Equal('#', m.Delimiters.Truncation);
        Assert.Equal("^~\\&#", m.Delimiters.EncodingCharacters);
        Assert.Equal("^~\\&#", m.Get("MSH", 2));
        Assert.Equal("LONGVALU#", m.Get("PID", 3));
    }

    [Theory]
    [InlineData("a\\F\\b", "a|b")]
    [InlineData("a\\S\\b", "a^b")]
    [InlineData("a\\T\\b", "a&b")]
    [InlineData("a\\R\\b", "a~b")]
    [InlineData("a\\E\\b", "a\\b")]
    [InlineData("\\X48656C6C6F\\", "Hello")]
    [InlineData("caf\\XC3A9\\", "café")]
    [InlineData("caf\\XE9\\", "café")]
    [InlineData("\\H\\bold\\N\\ text", "bold text")]
    [InlineData("line one\\.br\\line two", "line one\nline two")]
    [InlineData("keep \\Zcustom\\ as is", "keep \\Zcustom\\ as is")]
    [InlineData("\\X4\\ odd hex", "\\X4\\ odd hex")]
    [InlineData("\\XZZ\\ not hex", "\\XZZ\\ not hex")]
    [InlineData("dangling \\F", "dangling \\F")]
    [InlineData("\\.sp\\", "\\.sp\\")]
    public void Escape_sequences_decode_after_splitting(string raw, string expected)
    {
        var m = Parsed($"{Msh}\rNTE|1||{raw}\r");

        Assert.Equal(expected, m.Get("NTE", 3));
    }

    [Fact]
    public void Escaped_delimiters_never_split_a_value()
    {
        var m = Parsed($"{Msh}\rNTE|1||first\\S\\still first^second\\T\\x&sub~rep\\R\\x\r");

        Assert.Equal("first^still first", m.Get("NTE", 3));
        Assert.Equal("second&x", m.Get("NTE", 3, component: 2));
        Assert.Equal("sub", m.Get("NTE", 3, component: 2, subcomponent: 2));
        Assert.Equal("rep~x", m.Get("NTE", 3, repetition: 1));
        Assert.Equal(2, m.Segment("NTE")!.RepetitionCount(3));
    }

    [Fact]
    public void Encoding_then_decoding_gives_the_text_back()
    {
        var d = Hl7Delimiters.Default;
        const string text = "a|b^c&d~e\\f\r\ng";

        Assert.Equal("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g", d.Encode(text));
        Assert.Equal("a|b^c&d~e\\f\ng", d.Decode(d.Encode(text)));
    }

    [Fact]
    public void Empty_values_differ_from_absent_ones()
    {
        var pid = Parsed($"{Msh}\rPID|1||123^^^^MR~|\r").Segment("PID")!;

        Assert.Equal("", pid.Get(2));
        Assert.True(pid.Has(2));
        Assert.Equal("", pid.Get(4));
        Assert.False(pid.Has(5));
        Assert.Null(pid.Get(5));
        Assert.Equal("", pid.Get(3, component: 2));
        Assert.Null(pid.Get(3, component: 6));
        Assert.Equal("", pid.Get(3, repetition: 1));
        Assert.Null(pid.Get(3, repetition: 2));
        Assert.Null(pid.Get(3, subcomponent: 2));
        Assert.Equal(0, pid.RepetitionCount(9));
    }

    [Fact]
    public void Repetitions_components_and_subcomponents_of_a_real_sample_read_by_hand()
    {
        var m = Parsed(Encoding.UTF8.GetString(Hl7SampleFiles.Bytes("ADT-A01-01.hl7")));
        var pid = m.Segment("PID")!;

        // PID-3: PATID1234^5^M11^test1&2.16.1&HCD^MR^GOOD HEALTH HOSPITAL~123456789^^^USSSA^SS
        Assert.Equal(2, pid.RepetitionCount(3));
        Assert.Equal(("PATID1234", "M11", "test1", "2.16.1", "HCD", "MR"),
            (pid.Get(3), pid.Get(3, 0, 3), pid.Get(3, 0, 4), pid.Get(3, 0, 4, 2), pid.Get(3, 0, 4, 3), pid.Get(3, 0, 5)));
        Assert.Equal(("123456789", "USSSA", "SS"), (pid.Get(3, 1), pid.Get(3, 1, 4), pid.Get(3, 1, 5)));
        // PID-5: EVERYMAN&&&&Aniston^ADAM^A^III^Dr.^MD^D^^^19241012^^^^PF^Addsm~Josh&&&&Bing^^stanley^^^^L…
        Assert.Equal(("EVERYMAN", "Aniston", "ADAM", "Josh", "Bing", "L"),
            (pid.Get(5), pid.Get(5, 0, 1, 5), pid.Get(5, 0, 2), pid.Get(5, 1), pid.Get(5, 1, 1, 5), pid.Get(5, 1, 7)));
        Assert.Equal(new DateTimeOffset(1988, 8, 18, 11, 26, 0, new TimeSpan(2, 15, 0)), pid.GetDateTime(7));
        Assert.Equal(("M", "Asian", "1000 Hospital Lane", "Ann Arbor ", "MI", "99999"),
            (pid.Get(8), pid.Get(10, 1, 2), pid.GetJoined(11, 0, 1, " "), pid.Get(11, 0, 3), pid.Get(11, 0, 4), pid.Get(11, 0, 5)));
        Assert.Equal(("PSSN123121234", "20080825111630+0115"), (pid.Get(19), pid.Get(29)));
        var pv1 = m.Segment("PV1")!;
        Assert.Equal(("P", "HUH AE OMU", "OMU B", "Bed 03", "HOMERTON UNIVER"), (pv1.Get(2), pv1.Get(3), pv1.Get(3, 0, 2), pv1.Get(3, 0, 3), pv1.Get(3, 0, 4)));
        Assert.Equal(("1122334", "R", "NHS Provider-General (inc.A&E-this Hosp)", "40007716", "20150208113419+0110"),
            (pv1.Get(7), pv1.Get(13), pv1.Get(14), pv1.Get(19), pv1.Get(44)));
        Assert.Equal("", pv1.Get(45));
        var evn = m.Segment("EVN")!;
        Assert.Equal(new DateTimeOffset(2021, 8, 17, 15, 19, 43, 400, TimeSpan.FromHours(2)), evn.GetDateTime(6));
        var dg1 = m.Segment("DG1")!;
        Assert.Equal(("I9", "422504002", "Ischemic stroke(disorder)", "SCT", "A", "1"), (dg1.Get(2), dg1.Get(3), dg1.Get(3, 0, 2), dg1.Get(3, 0, 3), dg1.Get(6), dg1.Get(15)));
        var pr1 = m.Segment("PR1")!;
        Assert.Equal(("76164006", "SCT", "200501251140+0100", "2"), (pr1.Get(3), pr1.Get(3, 0, 3), pr1.Get(5), pr1.Get(7)));
        // OBX-5 of this converter test message repeats: 60~120.
        var obx = m.Segment("OBX")!;
        Assert.Equal(("NM", "8867-4", "60", "120", "70-80", "A", "S"), (obx.Get(2), obx.Get(3), obx.Get(5), obx.Get(5, 1), obx.Get(7), obx.Get(8), obx.Get(11)));
    }

    [Fact]
    public void An_ORU_sample_reads_field_by_field()
    {
        var m = Parsed(Encoding.UTF8.GetString(Hl7SampleFiles.Bytes("LRI_2.0-NG_CBC_Typ_Message.hl7")));

        Assert.Equal(("NIST Test Lab APP", "NIST Lab Facility", null, "NIST EHR Facility"), (m.Header.SendingApplication, m.Header.SendingFacility, m.Header.ReceivingApplication, m.Header.ReceivingFacility));
        Assert.Equal(("ORU", "R01", "ORU_R01", "NIST-LRI-NG-002.00", "T", "2.5.1"), (m.Header.MessageCode, m.Header.TriggerEvent, m.Header.MessageStructure, m.Header.ControlId, m.Header.ProcessingId, m.Header.Version));
        Assert.Equal(("AL", "NE"), (m.Header.AcceptAcknowledgmentType, m.Header.ApplicationAcknowledgmentType));
        Assert.Equal(("PATID1234", "Jones", "William"), (m.Get("PID", 3), m.Get("PID", 5), m.Get("PID", 5, component: 2)));
        var obr = m.Segment("OBR")!;
        Assert.Equal(("57021-8", "20110103143428-0800", "20110104170028-0800", "F"), (obr.Get(4), obr.Get(7), obr.Get(22), obr.Get(25)));
        var first = m.Segments("OBX").First();
        Assert.Equal(("26453-1", "LN", "4.41", "10*6/uL", "4.3 to 6.2", "N", "F"), (first.Get(3), first.Get(3, 0, 3), first.Get(5), first.Get(6), first.Get(7), first.Get(8), first.Get(11)));
        var hemoglobin = m.Segments("OBX").ElementAt(1);
        Assert.Equal(("718-7", 12.5m, "L"), (hemoglobin.Get(3), hemoglobin.GetNumber(5), hemoglobin.Get(8)));
    }

    [Fact]
    public void A_v2_3_sample_without_message_structure_reads()
    {
        var m = Parsed(Encoding.UTF8.GetString(Hl7SampleFiles.Bytes("LAB-ORU-1.hl7")));

        Assert.Equal(("ORU", "R01", null, "182", "2.5"), (m.Header.MessageCode, m.Header.TriggerEvent, m.Header.MessageStructure, m.Header.ControlId, m.Header.Version));
        Assert.Equal(2, m.Segments("OBR").Count());
        Assert.Equal(["11156-7", "11273-0", "20509-6", "20570-8", "11125-2", "23761-0", "26450-7", "26478-8", "26485-3", "30180-4"], m.Segments("OBX").Select(o => o.Get(3)));
        Assert.Equal("", m.Segments("OBX").First().Get(5));
        Assert.Equal(4.06m, m.Segments("OBX").ElementAt(1).GetNumber(5));
    }

    [Theory]
    [InlineData("ADT^A01", "ADT", "A01", null)]
    [InlineData("ADT^A01^ADT_A01", "ADT", "A01", "ADT_A01")]
    [InlineData("ACK", "ACK", null, null)]
    [InlineData("ORU^R01^ORU_R01^extra", "ORU", "R01", "ORU_R01")]
    public void MSH_9_is_read_with_or_without_the_message_structure(string msh9, string code, string? trigger, string? structure)
    {
        var h = Parsed($"MSH|^~\\&|A|B|C|D|20240101||{msh9}|X1|P|2.3").Header;

        Assert.Equal((code, trigger, structure), (h.MessageCode, h.TriggerEvent, h.MessageStructure));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r\r\n\n")]
    public void Segments_may_end_in_CR_LF_or_CRLF_and_blank_lines_are_skipped(string terminator)
    {
        var text = string.Join(terminator, Msh, "PID|1||123^^^^MR|||", "ZPI|custom|value", "") + terminator;

        var m = Parsed(text);

        Assert.Equal(["MSH", "PID", "ZPI"], m.AllSegments.Select(s => s.Id));
        Assert.Equal("2.5.1", m.Header.Version);
        Assert.Equal("123", m.Get("PID", 3));
        Assert.Equal([0, 1, 2], m.AllSegments.Select(s => s.Index));
    }

    [Fact]
    public void Z_segments_are_kept_with_their_fields()
    {
        var m = Parsed($"{Msh}\rZPI|1|loyalty^gold\rPID|1||9\rZPI|2|x\r");

        Assert.Equal(["1", "2"], m.Segments("ZPI").Select(z => z.Get(1)));
        Assert.Equal("gold", m.Get("ZPI", 2, component: 2));
    }

    [Fact]
    public void Bytes_with_a_byte_order_mark_or_in_ISO_8859_1_read_as_text()
    {
        var utf8 = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"{Msh}\rPID|1||1||Müller\r")).ToArray();
        var latin1 = Encoding.Latin1.GetBytes($"{Msh}\rPID|1||1||Müller\r");

        Assert.Equal("Müller", Hl7Message.Parse(utf8).Message!.Get("PID", 5));
        Assert.Equal("Müller", Hl7Message.Parse(latin1).Message!.Get("PID", 5));
    }

    [Fact]
    public void ToString_writes_the_message_back_with_CR_terminators()
    {
        var text = $"{Msh}\nPID|1||1\n";

        Assert.Equal($"{Msh}\rPID|1||1\r", Parsed(text).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\r\n\r\n")]
    public void Empty_input_is_rejected_as_empty(string text)
    {
        Assert.Equal(Hl7ParseErrorKind.Empty, Failed(text).Kind);
        Assert.Equal(Hl7ParseErrorKind.Empty, Hl7Message.Parse(Encoding.UTF8.GetBytes(text)).Error!.Kind);
    }

    [Fact]
    public void Input_over_the_size_limit_is_rejected_before_reading()
    {
        var bytes = Encoding.UTF8.GetBytes($"{Msh}\rNTE|1||{new string('x', 500)}\r");

        var error = Hl7Message.Parse(bytes, maxBytes: 256).Error!;

        Assert.Equal(Hl7ParseErrorKind.TooLarge, error.Kind);
        Assert.Contains("256", error.Message, StringComparison.Ordinal);
        Assert.Equal(Hl7ParseErrorKind.TooLarge, Hl7Message.Parse(Encoding.UTF8.GetString(bytes), maxLength: 256).Error!.Kind);
        Assert.True(Hl7Message.Parse(bytes, maxBytes: bytes.Length).IsSuccess);
    }

    [Fact]
    public void Binary_garbage_is_rejected_as_binary_content()
    {
        var garbage = new byte[64];
        new Random(7).NextBytes(garbage);
        garbage[0] = 0x00;

        var error = Hl7Message.Parse(garbage).Error!;

        Assert.Equal(Hl7ParseErrorKind.BinaryContent, error.Kind);
        Assert.Contains("0x00 at offset 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MLLP_framing_left_on_the_message_is_named_in_the_error()
    {
        var framed = new byte[] { 0x0B }.Concat(Encoding.ASCII.GetBytes(AcceptAck)).Concat(new byte[] { 0x1C, 0x0D }).ToArray();

        var error = Hl7Message.Parse(framed).Error!;

        Assert.Equal(Hl7ParseErrorKind.BinaryContent, error.Kind);
        Assert.Contains("MLLP", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PID|1||123", "PID")]
    [InlineData("FHS|^~\\&|batch", "FHS")]
    [InlineData("hello world", "hel")]
    [InlineData("{\"event_type\":\"admit\"}", "{\"e")]
    public void Input_not_starting_with_MSH_is_rejected_at_segment_0(string text, string id)
    {
        var error = Failed(text);

        Assert.Equal((Hl7ParseErrorKind.MissingHeader, 0, id, "MSH"), (error.Kind, error.SegmentIndex, error.SegmentId, error.Expected));
    }

    [Theory]
    [InlineData("MSH", Hl7ParseErrorKind.InvalidFieldSeparator, 1)]
    [InlineData("MSHA^~\\&A", Hl7ParseErrorKind.InvalidFieldSeparator, 1)]
    [InlineData("MSH ^~\\& ", Hl7ParseErrorKind.InvalidFieldSeparator, 1)]
    [InlineData("MSH||APP|FAC", Hl7ParseErrorKind.MissingEncodingCharacters, 2)]
    [InlineData("MSH|^~|APP", Hl7ParseErrorKind.InvalidEncodingCharacters, 2)]
    [InlineData("MSH|^^\\&|APP", Hl7ParseErrorKind.InvalidEncodingCharacters, 2)]
    [InlineData("MSH|^~\\&#!|APP", Hl7ParseErrorKind.InvalidEncodingCharacters, 2)]
    [InlineData("MSH|^~A&|APP", Hl7ParseErrorKind.InvalidEncodingCharacters, 2)]
    [InlineData("MSH|^~\\&|APP|FAC|R|RF|20240101||", Hl7ParseErrorKind.MissingMessageType, 9)]
    [InlineData("MSH|^~\\&|APP|FAC|R|RF|20240101||^A01|C1", Hl7ParseErrorKind.MissingMessageType, 9)]
    [InlineData("MSH|^~\\&|APP|FAC|R|RF|20240101||ADT^A01||P|2.5", Hl7ParseErrorKind.MissingControlId, 10)]
    [InlineData("MSH|^~\\&|APP|FAC|R|RF|20240101||ADT^A01", Hl7ParseErrorKind.MissingControlId, 10)]
    [InlineData("MSH|^~\\&|AP", Hl7ParseErrorKind.MissingMessageType, 9)]
    public void A_broken_header_is_rejected_with_the_MSH_field_to_blame(string text, Hl7ParseErrorKind kind, int field)
    {
        var error = Failed(text + "\rPID|1||1\r");

        Assert.Equal((kind, 0, "MSH", field), (error.Kind, error.SegmentIndex, error.SegmentId, error.Field));
        Assert.Equal($"MSH-{field}", error.Location);
        Assert.False(string.IsNullOrEmpty(error.Expected));
    }

    [Fact]
    public void A_missing_control_id_keeps_the_header_read_so_far_for_the_acknowledgment()
    {
        var error = Failed("MSH|^~\\&|APP|FAC|RAPP|RFAC|20240101||ADT^A01||P|2.5\r");

        Assert.Equal(("APP", "FAC", "ADT", "A01", null), (error.PartialHeader!.SendingApplication, error.PartialHeader.SendingFacility,
            error.PartialHeader.MessageCode, error.PartialHeader.TriggerEvent, error.PartialHeader.ControlId));
        Assert.Equal(Hl7ErrorCode.RequiredFieldMissing, error.ErrorCode);
    }

    [Theory]
    [InlineData("pid|1||123", 1, "pid")]
    [InlineData("continued free text of a note", 1, "con")]
    [InlineData("P1|x", 1, "P1|")]
    [InlineData("PIDX|1", 1, "PID")]
    public void A_line_that_is_not_a_segment_is_rejected_with_its_position(string line, int index, string id)
    {
        var error = Failed($"{Msh}\r{line}\rPV1|1|I\r");

        Assert.Equal((Hl7ParseErrorKind.InvalidSegment, index, id, Hl7ErrorCode.SegmentSequenceError), (error.Kind, error.SegmentIndex, error.SegmentId, error.ErrorCode));
    }

    [Fact]
    public void A_truncated_message_still_reads_the_segments_it_has()
    {
        var truncated = AdmitA01[..AdmitA01.IndexOf("|4W^412", StringComparison.Ordinal)];

        var m = Parsed(truncated);

        Assert.Equal(["MSH", "EVN", "PID", "PV1"], m.AllSegments.Select(s => s.Id));
        Assert.Equal("I", m.Get("PV1", 2));
        Assert.Null(m.Get("PV1", 19));
    }

    [Fact]
    public void Parsing_never_throws_on_random_text()
    {
        var random = new Random(42);
        const string alphabet = "MSH|^~\\&PIDOBX0123456789\r\n#";
        for (var i = 0; i < 2000; i++)
        {
            var text = "MSH" + new string(Enumerable.Range(0, random.Next(0, 80)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var result = Hl7Message.Parse(text);
            Assert.True(result.IsSuccess ^ result.Error is not null);
        }
    }
}
