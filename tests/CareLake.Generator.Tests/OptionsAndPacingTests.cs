using System.Diagnostics;
using CareLake.Generator.Outputs;

namespace CareLake.Generator.Tests;

public sealed class OptionsAndPacingTests
{
    [Theory]
    [InlineData("tiny", 200, 30)]
    [InlineData("demo", 2_000, 90)]
    [InlineData("full", 63_000, 365)]
    public void Presets_have_the_documented_sizes(string name, int patients, int days)
    {
        var options = GeneratorOptions.Preset(name);
        Assert.Equal((patients, days), (options.Patients, options.Days));
        options.Validate();
    }

    [Fact]
    public void Unknown_presets_and_out_of_range_options_are_rejected_with_the_option_named()
    {
        Assert.Throws<ArgumentException>(() => GeneratorOptions.Preset("huge"));
        Assert.Contains("Patients", Assert.Throws<ArgumentException>(() => new GeneratorOptions { Patients = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("IcuVitalsInterval", Assert.Throws<ArgumentException>(() => new GeneratorOptions { IcuVitalsInterval = TimeSpan.FromSeconds(10) }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("DuplicateRate", Assert.Throws<ArgumentException>(() => new GeneratorOptions { DirtyData = new() { DuplicateRate = 2 } }.Validate()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_period_ends_at_the_last_facility_midnight_so_nothing_lies_in_the_future()
    {
        var now = new DateTimeOffset(2026, 3, 10, 3, 30, 0, TimeSpan.Zero); // 22:30 on 9 March at −05:00
        var start = GeneratorOptions.PeriodEndingAt(now, 30, TimeSpan.FromHours(-5));
        var options = new GeneratorOptions { Start = start, Days = 30 };

        Assert.Equal(new DateTimeOffset(2026, 2, 7, 0, 0, 0, TimeSpan.FromHours(-5)), start);
        Assert.True(options.End <= now);
        Assert.All(new HospitalSimulator(options with { Patients = 100 }).ClinicalEvents(), e => Assert.True(e.OccurredAt < now));
    }

    [Fact]
    public void Every_event_lies_inside_the_period_at_the_facility_offset()
    {
        var options = FileOutputs.Small with { Patients = 200, Days = 15 };
        Assert.All(new HospitalSimulator(options).ClinicalEvents(), e =>
        {
            Assert.InRange(e.OccurredAt, options.PeriodStart, options.End.AddTicks(-1));
            Assert.Equal(options.FacilityUtcOffset, e.OccurredAt.Offset);
        });
    }

    [Fact]
    public void A_rate_paces_messages_in_wall_clock_time()
    {
        var pacer = EventPacer.Create(eventsPerSecond: 2_000, simulatedSpeed: null)!;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 401; i++) pacer.Wait(DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.18, 2);
    }

    [Fact]
    public void A_speed_replays_simulated_time()
    {
        var pacer = EventPacer.Create(eventsPerSecond: null, simulatedSpeed: 3_600)!;
        var stopwatch = Stopwatch.StartNew();
        pacer.Wait(DateTimeOffset.UnixEpoch, CancellationToken.None);
        pacer.Wait(DateTimeOffset.UnixEpoch.AddMinutes(15), CancellationToken.None); // 15 simulated minutes at 3,600× = 0.25 s
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.23, 2);
        Assert.Null(EventPacer.Create(null, null));
        Assert.Throws<ArgumentException>(() => EventPacer.Create(10, 10));
    }
}
