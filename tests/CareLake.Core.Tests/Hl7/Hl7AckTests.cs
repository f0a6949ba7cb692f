using System.Text;
using CareLake.Core.Hl7;
using static CareLake.Core.Tests.Hl7.Hl7ReferenceMessages;

namespace CareLake.Core.Tests.Hl7;

public class Hl7AckTests
{
    private static readonly DateTimeOffset AckTime = new(2024, 3, 14, 9, 35, 13, TimeSpan.FromHours(-5));

    private static Hl7Message Parse(string text) => Hl7Message.Parse(text).Message ?? throw new InvalidOperationException(Hl7Message.Parse(text).Error!.ToString());

    [Fact]
    public void An_accept_is_the_reference_ACK_byte_for_byte()
    {
        var ack = Hl7Ack.Build(Parse(AdmitA01), Hl7AckCode.ApplicationAccept, "ACK00001", AckTime);

        Assert.Equal(AcceptAck, ack);
    }

    [Fact]
    public void An_application_error_carries_the_text_and_an_ERR_segment_with_location_code_and_severity()
    {
        var error = new Hl7AckError(Hl7ErrorCode.RequiredFieldMissing, "PV1", 1, 19, "PV1-19 is empty");

        var ack = Hl7Ack.Build(Parse(DischargeA03), Hl7AckCode.ApplicationError, "ACK00058", new DateTimeOffset(2024, 3, 18, 14, 10, 6, TimeSpan.FromHours(-5)),
            "PV1-19 visit number not found", error);

        Assert.Equal(ErrorAck + "ERR||PV1^1^19|101^Required field missing^HL70357|E|||PV1-19 is empty\r", ack);
    }

    [Fact]
    public void Sender_and_receiver_are_swapped_whole_with_all_their_components()
    {
        var original = Parse(Encoding.UTF8.GetString(Hl7SampleFiles.Bytes("ADT-A01-01.hl7")));

        var ack = Parse(Hl7Ack.Build(original, Hl7AckCode.ApplicationAccept, "A1", AckTime));

        var msh = ack.Segment("MSH")!;
        Assert.Equal(("EHRApp^1.Edu^ISO", "GHHRFacility^2.16.840.1.1122848.1.32^ISO", "ADTApp", "GHHSFacility^2.16.840.1.122848.1.30^ISO"),
            (msh.Raw(3), msh.Raw(4), msh.Raw(5), msh.Raw(6)));
        Assert.Equal(("ACK", "A01", "ACK", "A1", "P", "2.8"), (ack.Header.MessageCode, ack.Header.TriggerEvent, ack.Header.MessageStructure, ack.Header.ControlId, ack.Header.ProcessingId, ack.Header.Version));
        Assert.Equal(("AA", "MSG00001"), (ack.Get("MSA", 1), ack.Get("MSA", 2)));
        Assert.Null(ack.Segment("ERR"));
        Assert.Equal(AckTime, msh.GetDateTime(7));
    }

    [Fact]
    public void The_acknowledgment_keeps_the_message_delimiters_and_escapes_its_text_with_them()
    {
        var original = Parse("MSH#$%/*#APP#FAC#ME#MYFAC#20240101##ADT$A08#C9#T#2.5\rPID#1##1\r");

        var ack = Hl7Ack.Build(original, Hl7AckCode.ApplicationError, "A2", AckTime, "bad # and $ here");

        Assert.StartsWith("MSH#$%/*#ME#MYFAC#APP#FAC#", ack, StringComparison.Ordinal);
        Assert.Contains("#ACK$A08$ACK#A2#T#2.5\r", ack, StringComparison.Ordinal);
        Assert.EndsWith("MSA#AE#C9#bad /F/ and /S/ here\r", ack, StringComparison.Ordinal);
        Assert.Equal("bad # and $ here", Parse(ack).Get("MSA", 3));
    }

    [Fact]
    public void Before_v2_5_the_error_goes_in_ERR_1_and_before_v2_3_1_MSH_9_has_no_structure()
    {
        var original = Parse("MSH|^~\\&|NES|NINTENDO|TESTSYSTEM|TESTFACILITY|20010101000000+0700||ADT^A04|Q1|P|2.3\rPID|1||1\r");

        var ack = Parse(Hl7Ack.Build(original, Hl7AckCode.ApplicationReject, "A3", AckTime, null,
            new Hl7AckError(Hl7ErrorCode.UnsupportedMessageType, "MSH", 1, 9)));

        Assert.Equal("ACK^A04", ack.Segment("MSH")!.Raw(9));
        var err = ack.Segment("ERR")!;
        Assert.Equal(("MSH", "1", "9", "200", "Unsupported message type", "HL70357"),
            (err.Get(1), err.Get(1, 0, 2), err.Get(1, 0, 3), err.Get(1, 0, 4), err.Get(1, 0, 4, 2), err.Get(1, 0, 4, 3)));
        Assert.Equal(("AR", "Q1"), (ack.Get("MSA", 1), ack.Get("MSA", 2)));
    }

    [Fact]
    public void An_unreadable_message_gets_a_reject_with_an_empty_MSA_2()
    {
        var error = Hl7Message.Parse(new byte[] { 0x00, 0x01, 0x02 }).Error!;

        var text = Hl7Ack.Reject(error, "A4", AckTime, "CARELAKE", "LAKEFAC");
        var ack = Parse(text);

        Assert.Equal(("CARELAKE", "LAKEFAC", null, null), (ack.Header.SendingApplication, ack.Header.SendingFacility, ack.Header.ReceivingApplication, ack.Header.ReceivingFacility));
        Assert.Equal(("ACK", null, "ACK", Hl7Ack.FallbackVersion), (ack.Header.MessageCode, ack.Header.TriggerEvent, ack.Header.MessageStructure, ack.Header.Version));
        Assert.Equal(("AR", "", error.Message), (ack.Get("MSA", 1), ack.Get("MSA", 2), ack.Get("MSA", 3)));
        var err = ack.Segment("ERR")!;
        Assert.Equal(("102", "E"), (err.Get(3), err.Get(4)));
        Assert.Equal("", err.Get(2));
        Assert.DoesNotContain('\n', text);
        Assert.EndsWith("\r", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_whose_header_was_read_is_rejected_to_its_sender_with_the_field_to_blame()
    {
        var error = Hl7Message.Parse("MSH|^~\\&|ADTSYS|GOODHEALTH|DATALAKE|GOODHEALTH|20240314093512-0500||ADT^A01^ADT_A01||P|2.5.1\rPID|1||1\r").Error!;

        var ack = Parse(Hl7Ack.Reject(error, "A5", AckTime));

        Assert.Equal(("DATALAKE", "ADTSYS", "A01"), (ack.Header.SendingApplication, ack.Header.ReceivingApplication, ack.Header.TriggerEvent));
        Assert.Equal(("AR", ""), (ack.Get("MSA", 1), ack.Get("MSA", 2)));
        var err = ack.Segment("ERR")!;
        Assert.Equal(("MSH", "1", "10", "101", "Required field missing", "E"), (err.Get(2), err.Get(2, 0, 2), err.Get(2, 0, 3), err.Get(3), err.Get(3, 0, 2), err.Get(4)));
    }

    [Theory]
    [InlineData(Hl7AckCode.ApplicationAccept, "AA")]
    [InlineData(Hl7AckCode.ApplicationError, "AE")]
    [InlineData(Hl7AckCode.ApplicationReject, "AR")]
    public void Acknowledgment_codes_are_those_of_table_0008(Hl7AckCode code, string expected)
    {
        Assert.Equal(expected, code.Code());
        Assert.Equal(expected, Parse(Hl7Ack.Build(Parse(AdmitA01), code, "X", AckTime)).Get("MSA", 1));
    }

    [Theory]
    [InlineData(Hl7ParseErrorKind.Empty, 100)]
    [InlineData(Hl7ParseErrorKind.MissingHeader, 100)]
    [InlineData(Hl7ParseErrorKind.InvalidSegment, 100)]
    [InlineData(Hl7ParseErrorKind.MissingMessageType, 101)]
    [InlineData(Hl7ParseErrorKind.MissingControlId, 101)]
    [InlineData(Hl7ParseErrorKind.InvalidEncodingCharacters, 102)]
    [InlineData(Hl7ParseErrorKind.BinaryContent, 102)]
    [InlineData(Hl7ParseErrorKind.TooLarge, 207)]
    public void Parse_errors_map_to_table_0357_codes(Hl7ParseErrorKind kind, int code)
    {
        Assert.Equal(code, (int)new Hl7ParseError(kind, "x").ErrorCode);
    }
}
