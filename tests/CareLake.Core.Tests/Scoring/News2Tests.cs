using CareLake.Core.Scoring;

namespace CareLake.Core.Tests.Scoring;

/// <summary>The worked examples and boundary checks of reference/clinical.md §1.3 (RCP NEWS2 Chart 1 and 3).</summary>
public class News2Tests
{
    private static readonly System.Globalization.CultureInfo Invariant = System.Globalization.CultureInfo.InvariantCulture;

    // reference/clinical.md §1.3, one row per line of the published table:
    // id | RR | SpO2 | scale | air/O2 | SBP | pulse | ACVPU | temp | sub-scores (RR,SpO2,O2,SBP,HR,CNS,T) | total | band
    [Theory]
    [InlineData("A  | 16 | 97 | 1 | air | 125 | 72  | A | 37.0 | 0,0,0,0,0,0,0 | 0  | low")]
    [InlineData("B  | 22 | 95 | 1 | air | 105 | 95  | A | 38.3 | 2,1,0,1,1,0,1 | 6  | medium")]
    [InlineData("C  | 26 | 96 | 1 | air | 130 | 80  | A | 37.2 | 3,0,0,0,0,0,0 | 3  | low-medium")]
    [InlineData("D  | 28 | 91 | 1 | O2  | 88  | 135 | V | 39.5 | 3,3,2,3,3,3,2 | 19 | high")]
    [InlineData("E  | 20 | 89 | 2 | air | 140 | 88  | A | 36.8 | 0,0,0,0,0,0,0 | 0  | low")]
    [InlineData("E' | 20 | 89 | 1 | air | 140 | 88  | A | 36.8 | 0,3,0,0,0,0,0 | 3  | low-medium")]
    [InlineData("F  | 18 | 97 | 2 | O2  | 130 | 80  | A | 37.0 | 0,3,2,0,0,0,0 | 5  | medium")]
    [InlineData("G  | 18 | 96 | 1 | air | 120 | 80  | C | 37.0 | 0,0,0,0,0,3,0 | 3  | low-medium")]
    [InlineData("H  | 8  | 92 | 1 | air | 100 | 41  | A | 36.0 | 3,2,0,2,1,0,1 | 9  | high")]
    [InlineData("I  | 25 | 94 | 1 | air | 220 | 131 | A | 39.1 | 3,1,0,3,3,0,2 | 12 | high")]
    [InlineData("J  | 21 | 94 | 1 | air | 118 | 92  | A | 37.5 | 2,1,0,0,1,0,0 | 4  | low")]
    public void Worked_example_scores_as_published(string row)
    {
        var c = row.Split('|', StringSplitOptions.TrimEntries);
        var input = new News2Input(
            RespiratoryRate: decimal.Parse(c[1], Invariant),
            Spo2: decimal.Parse(c[2], Invariant),
            Spo2Scale: int.Parse(c[3], Invariant),
            OnSupplementalOxygen: c[4] == "O2",
            SystolicBp: decimal.Parse(c[5], Invariant),
            HeartRate: decimal.Parse(c[6], Invariant),
            Consciousness: Acvpu(c[7]),
            TemperatureCelsius: decimal.Parse(c[8], Invariant));

        var result = News2.Score(input);

        var s = result.SubScores;
        Assert.Equal(c[9], string.Join(",", s.RespiratoryRate, s.Spo2, s.Oxygen, s.SystolicBp, s.HeartRate, s.Consciousness, s.Temperature));
        Assert.True(result.Total == int.Parse(c[10], Invariant), $"example {c[0]}: total {result.Total}");
        Assert.Equal(c[11], result.Band!.Value.Code());
        Assert.True(result.IsComplete);
    }

    [Theory]
    [InlineData(11, 1)]
    [InlineData(12, 0)]
    [InlineData(20, 0)]
    [InlineData(21, 2)]
    [InlineData(24, 2)]
    [InlineData(25, 3)]
    [InlineData(8, 3)]
    [InlineData(9, 1)]
    public void Respiratory_rate_boundaries(int rate, int expected) => Assert.Equal(expected, News2.ScoreRespiratoryRate(rate));

    [Theory]
    [InlineData(90, 3)]
    [InlineData(91, 2)]
    [InlineData(100, 2)]
    [InlineData(101, 1)]
    [InlineData(110, 1)]
    [InlineData(111, 0)]
    [InlineData(219, 0)]
    [InlineData(220, 3)]
    public void Systolic_bp_boundaries(int sbp, int expected) => Assert.Equal(expected, News2.ScoreSystolicBp(sbp));

    [Theory]
    [InlineData(40, 3)]
    [InlineData(41, 1)]
    [InlineData(50, 1)]
    [InlineData(51, 0)]
    [InlineData(90, 0)]
    [InlineData(91, 1)]
    [InlineData(110, 1)]
    [InlineData(111, 2)]
    [InlineData(130, 2)]
    [InlineData(131, 3)]
    public void Pulse_boundaries(int pulse, int expected) => Assert.Equal(expected, News2.ScoreHeartRate(pulse));

    [Theory]
    [InlineData("35.0", 3)]
    [InlineData("35.1", 1)]
    [InlineData("36.0", 1)]
    [InlineData("36.1", 0)]
    [InlineData("38.0", 0)]
    [InlineData("38.1", 1)]
    [InlineData("39.0", 1)]
    [InlineData("39.1", 2)]
    [InlineData("35.05", 1)] // rounds to 35.1 (clinical.md §1.1, implementation choice)
    [InlineData("35.04", 3)]
    [InlineData("38.04", 0)]
    [InlineData("38.05", 1)]
    public void Temperature_boundaries(string celsius, int expected) =>
        Assert.Equal(expected, News2.ScoreTemperature(decimal.Parse(celsius, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(91, 3)]
    [InlineData(92, 2)]
    [InlineData(93, 2)]
    [InlineData(94, 1)]
    [InlineData(95, 1)]
    [InlineData(96, 0)]
    [InlineData(100, 0)]
    public void Spo2_scale_1_ignores_oxygen(int spo2, int expected)
    {
        Assert.Equal(expected, News2.ScoreSpo2(spo2, 1, onOxygen: false));
        Assert.Equal(expected, News2.ScoreSpo2(spo2, 1, onOxygen: true));
        Assert.Equal(expected, News2.ScoreSpo2(spo2, 1, onOxygen: null));
    }

    [Theory]
    [InlineData(83, true, 3)]
    [InlineData(84, true, 2)]
    [InlineData(85, false, 2)]
    [InlineData(86, true, 1)]
    [InlineData(87, false, 1)]
    [InlineData(88, true, 0)]
    [InlineData(92, true, 0)]
    [InlineData(93, false, 0)]
    [InlineData(100, false, 0)]
    [InlineData(93, true, 1)]
    [InlineData(94, true, 1)]
    [InlineData(95, true, 2)]
    [InlineData(96, true, 2)]
    [InlineData(97, true, 3)]
    [InlineData(100, true, 3)]
    public void Spo2_scale_2_penalises_over_oxygenation_only_on_oxygen(int spo2, bool onOxygen, int expected) =>
        Assert.Equal(expected, News2.ScoreSpo2(spo2, 2, onOxygen));

    [Fact]
    public void Spo2_scale_2_above_92_cannot_be_scored_without_knowing_the_oxygen()
    {
        Assert.Null(News2.ScoreSpo2(95, 2, onOxygen: null));
        Assert.Equal(0, News2.ScoreSpo2(90, 2, onOxygen: null));
    }

    [Fact]
    public void Supplemental_oxygen_adds_two_points() =>
        Assert.Equal((2, 0), (News2.ScoreOxygen(true), News2.ScoreOxygen(false)));

    [Theory]
    [InlineData("A", 0)]
    [InlineData("C", 3)]
    [InlineData("V", 3)]
    [InlineData("P", 3)]
    [InlineData("U", 3)]
    public void Any_level_below_alert_scores_three(string acvpu, int expected) =>
        Assert.Equal(expected, News2.ScoreConsciousness(Acvpu(acvpu)));

    [Fact]
    public void Maximum_aggregate_is_twenty()
    {
        var result = News2.Score(new News2Input(30, 80, 1, true, 80, 150, Consciousness.Unresponsive, 34m));
        Assert.Equal(20, result.Total);
        Assert.Equal(News2Band.High, result.Band);
    }

    [Fact]
    public void A_missing_parameter_gives_no_score_but_keeps_the_sub_scores()
    {
        var result = News2.Score(new News2Input(26, 96, 1, false, null, 80, Consciousness.Alert, null));

        Assert.False(result.IsComplete);
        Assert.Null(result.Total);
        Assert.Null(result.Band);
        Assert.Equal(["systolic_bp", "temperature"], result.MissingParameters);
        Assert.Equal(3, result.SubScores.RespiratoryRate);
        Assert.True(result.SubScores.HasRedScore);
    }

    [Fact]
    public void Missing_oxygen_flag_makes_a_set_incomplete()
    {
        var result = News2.Score(new News2Input(16, 97, 1, null, 125, 72, Consciousness.Alert, 37m));
        Assert.Null(result.Total);
        Assert.Equal(["on_supplemental_oxygen"], result.MissingParameters);
    }

    [Fact]
    public void Scale_2_above_92_without_the_oxygen_flag_is_incomplete()
    {
        var result = News2.Score(new News2Input(16, 95, 2, null, 125, 72, Consciousness.Alert, 37m));
        Assert.Null(result.SubScores.Spo2);
        Assert.Null(result.Total);
    }

    [Theory]
    [InlineData(0, false, "low")]
    [InlineData(4, false, "low")]
    [InlineData(3, true, "low-medium")]
    [InlineData(4, true, "low-medium")]
    [InlineData(5, false, "medium")]
    [InlineData(6, true, "medium")]
    [InlineData(7, false, "high")]
    [InlineData(20, true, "high")]
    public void Band_precedence_follows_chart_3(int total, bool redScore, string band) =>
        Assert.Equal(band, News2.BandOf(total, redScore).Code());

    [Fact]
    public void Values_are_rounded_before_banding()
    {
        Assert.Equal(0, News2.ScoreRespiratoryRate(20.4m));
        Assert.Equal(2, News2.ScoreRespiratoryRate(20.5m));
        Assert.Equal(0, News2.ScoreHeartRate(90.49m));
        Assert.Equal(1, News2.ScoreHeartRate(90.5m));
    }

    internal static Consciousness Acvpu(string code) => code switch
    {
        "A" => Consciousness.Alert,
        "C" => Consciousness.NewConfusion,
        "V" => Consciousness.Voice,
        "P" => Consciousness.Pain,
        "U" => Consciousness.Unresponsive,
        _ => throw new ArgumentOutOfRangeException(nameof(code)),
    };
}
