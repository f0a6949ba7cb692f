using System.Text;
using CareLake.Web.Bodies;

namespace CareLake.Web.Tests;

public class BodySplitTests
{
    private static List<string> Texts(BodySplit split) => split.Payloads.Select(p => Encoding.UTF8.GetString(p)).ToList();

    [Fact]
    public void Hl7_messages_split_at_each_line_starting_with_msh()
    {
        var split = Hl7Bodies.Messages("MSH|a\rPID|1\rMSH|b\nPID|2\nMSH|c\r\nPID|3\r\n"u8);

        Assert.Null(split.Error);
        Assert.Equal(["MSH|a\rPID|1\r", "MSH|b\nPID|2\n", "MSH|c\r\nPID|3\r\n"], Texts(split));
    }

    [Fact]
    public void Msh_inside_a_segment_does_not_start_a_message()
    {
        var split = Hl7Bodies.Messages("MSH|a\rNTE|1|see MSH|b\rOBX|MSH\r"u8);

        Assert.Equal(["MSH|a\rNTE|1|see MSH|b\rOBX|MSH\r"], Texts(split));
    }

    [Fact]
    public void Blank_lines_around_hl7_messages_belong_to_none_and_a_last_message_may_lack_its_terminator()
    {
        var split = Hl7Bodies.Messages("\uFEFF\r\n\r\nMSH|a\rPID|1\r\r\n  \r\n\r\nMSH|b\rPID|2"u8);

        Assert.Equal(["MSH|a\rPID|1\r", "MSH|b\rPID|2"], Texts(split));
    }

    [Theory]
    [InlineData("PID|1\rPV1|1\r")]
    [InlineData("garbage before\rMSH|a\r")]
    [InlineData("xMSH|a\r")]
    public void Hl7_bodies_without_a_leading_msh_are_malformed(string body)
    {
        Assert.True(Hl7Bodies.Messages(Encoding.UTF8.GetBytes(body)).IsMalformed);
    }

    [Fact]
    public void Ndjson_lines_keep_their_bytes_without_terminators_and_skip_blank_lines()
    {
        var split = EventBodies.Lines("\uFEFF{\"a\":1}\r\n\r\n   \n{ \"b\" : 2 }\nnot json\n{\"c\":3}"u8);

        Assert.Equal(["{\"a\":1}", "{ \"b\" : 2 }", "not json", "{\"c\":3}"], Texts(split));
    }

    [Fact]
    public void A_single_event_is_the_object_without_surrounding_whitespace()
    {
        var split = EventBodies.SingleEvent("\r\n  {\"a\": [1, {\"b\": null}]} \n"u8);

        Assert.Equal(["{\"a\": [1, {\"b\": null}]}"], Texts(split));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{\"a\":1} {\"a\":2}")]
    [InlineData("{\"a\":")]
    [InlineData("{'a':1}")]
    public void A_single_event_body_that_is_not_one_json_object_is_malformed(string body)
    {
        var split = EventBodies.SingleEvent(Encoding.UTF8.GetBytes(body));

        Assert.True(split.IsMalformed);
        Assert.Empty(split.Payloads);
    }

    [Fact]
    public void Nesting_deeper_than_silver_accepts_is_still_one_event()
    {
        var body = "{\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.Single(EventBodies.SingleEvent(Encoding.UTF8.GetBytes(body)).Payloads);
    }
}
