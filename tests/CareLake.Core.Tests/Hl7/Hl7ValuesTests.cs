using CareLake.Core.Hl7;

namespace CareLake.Core.Tests.Hl7;

public class Hl7ValuesTests
{
    private static readonly TimeSpan Local = TimeSpan.FromHours(-5);

    public static TheoryData<string, DateTimeOffset> Timestamps() => new()
    {
        { "2024", new DateTimeOffset(2024, 1, 1, 0, 0, 0, Local) },
        { "202403", new DateTimeOffset(2024, 3, 1, 0, 0, 0, Local) },
        { "20240314", new DateTimeOffset(2024, 3, 14, 0, 0, 0, Local) },
        { "2024031409", new DateTimeOffset(2024, 3, 14, 9, 0, 0, Local) },
        { "202403140935", new DateTimeOffset(2024, 3, 14, 9, 35, 0, Local) },
        { "20240314093512", new DateTimeOffset(2024, 3, 14, 9, 35, 12, Local) },
        { "20240314093512.1", new DateTimeOffset(2024, 3, 14, 9, 35, 12, 100, Local) },
        { "20240314093512.1234", new DateTimeOffset(2024, 3, 14, 9, 35, 12, Local).AddTicks(1_234_000) },
        { "20240314093512-0500", new DateTimeOffset(2024, 3, 14, 9, 35, 12, TimeSpan.FromHours(-5)) },
        { "20240314093512+0000", new DateTimeOffset(2024, 3, 14, 9, 35, 12, TimeSpan.Zero) },
        { "198908181126+0215", new DateTimeOffset(1989, 8, 18, 11, 26, 0, new TimeSpan(2, 15, 0)) },
        { "20150624084727.655-0500", new DateTimeOffset(2015, 6, 24, 8, 47, 27, 655, TimeSpan.FromHours(-5)) },
        { "20240229", new DateTimeOffset(2024, 2, 29, 0, 0, 0, Local) },
        { " 20240314 ", new DateTimeOffset(2024, 3, 14, 0, 0, 0, Local) },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void DTM_values_read_with_the_default_offset_when_none_is_given(string text, DateTimeOffset expected)
    {
        Assert.True(Hl7DateTime.TryParse(text, Local, out var value));
        Assert.Equal(expected, value);
        Assert.Equal(expected.Offset, value.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("24")]
    [InlineData("2024031")]
    [InlineData("20240230")]
    [InlineData("20241301")]
    [InlineData("20240314246000")]
    [InlineData("20240314093560")]
    [InlineData("2024-03-14")]
    [InlineData("20240314093512.")]
    [InlineData("20240314093512.12345")]
    [InlineData("202403140935.5")]
    [InlineData("20240314093512+05")]
    [InlineData("20240314093512+1500")]
    [InlineData("20240314093512+0575")]
    [InlineData("2024031409351Z")]
    [InlineData("-0500")]
    public void Invalid_DTM_values_are_refused(string? text)
    {
        Assert.False(Hl7DateTime.TryParse(text, TimeSpan.Zero, out _));
    }

    [Theory]
    [InlineData("19520611", 1952, 6, 11)]
    [InlineData("198808181126+0215", 1988, 8, 18)]
    [InlineData("19850101000000+0700", 1985, 1, 1)]
    public void Dates_are_the_calendar_day_as_written(string text, int year, int month, int day)
    {
        Assert.True(Hl7DateTime.TryParseDate(text, out var date));
        Assert.Equal(new DateOnly(year, month, day), date);
    }

    [Theory]
    [InlineData("1952")]
    [InlineData("195206")]
    [InlineData("19520631")]
    public void A_date_needs_year_month_and_day(string text)
    {
        Assert.False(Hl7DateTime.TryParseDate(text, out _));
    }

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-3.5", -3.5)]
    [InlineData("+0.25", 0.25)]
    [InlineData(" 7. ", 7)]
    [InlineData(".5", 0.5)]
    public void NM_values_read_as_decimals(string text, double expected)
    {
        Assert.True(Hl7Number.TryParse(text, out var value));
        Assert.Equal((decimal)expected, value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1e5")]
    [InlineData("1,000")]
    [InlineData("<5")]
    [InlineData("5 mg")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    public void Non_numbers_are_refused(string? text)
    {
        Assert.False(Hl7Number.TryParse(text, out _));
    }

    [Theory]
    [InlineData("2.5.1", 2, 5, 0, true)]
    [InlineData("2.5", 2, 5, 0, true)]
    [InlineData("2.4", 2, 5, 0, false)]
    [InlineData("2.3", 2, 3, 1, false)]
    [InlineData("2.3.1", 2, 3, 1, true)]
    [InlineData("2.8", 2, 3, 1, true)]
    [InlineData("", 2, 3, 0, false)]
    [InlineData("v2", 2, 3, 0, false)]
    public void Versions_compare_part_by_part(string version, int major, int minor, int patch, bool expected)
    {
        Assert.Equal(expected, Hl7Versions.AtLeast(version, major, minor, patch));
    }
}
