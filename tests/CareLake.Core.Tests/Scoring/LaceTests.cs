using CareLake.Core.Contracts;
using CareLake.Core.Scoring;

namespace CareLake.Core.Tests.Scoring;

/// <summary>The worked examples, pitfalls and table boundaries of reference/clinical.md §3 (LACE, van Walraven 2010).</summary>
public class LaceTests
{
    private static LaceScore Scored(int losDays, bool emergent, int charlson, int edVisits)
    {
        var result = Lace.Score(losDays, emergent, charlson, edVisits);
        Assert.True(result.IsSuccess, result.Rejection?.Message);
        return result.Value!;
    }

    // §3 worked examples: LOS | emergent | Charlson | ED visits | L+A+C+E | total | band
    [Theory]
    [InlineData(4, true, 2, 1, "4+3+2+1", 10, "high")]
    [InlineData(0, false, 0, 0, "0+0+0+0", 0, "low")]
    [InlineData(2, false, 1, 0, "2+0+1+0", 3, "low")]
    [InlineData(10, true, 4, 2, "5+3+5+2", 15, "high")]
    [InlineData(15, true, 6, 5, "7+3+5+4", 19, "high")]
    public void Worked_example_scores_as_published(int los, bool emergent, int charlson, int edVisits, string components, int total, string band)
    {
        var score = Scored(los, emergent, charlson, edVisits);

        Assert.Equal(components, $"{score.LengthOfStay}+{score.Acuity}+{score.Comorbidity}+{score.EmergencyVisits}");
        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band.Code());
    }

    [Fact]
    public void Pitfall_1_a_stay_of_14_days_or_more_scores_7_not_the_6_of_modified_lace()
    {
        Assert.Equal(7, Lace.LengthOfStayPoints(14));
        Assert.Equal(7, Lace.LengthOfStayPoints(30));
    }

    [Fact]
    public void Pitfall_2_a_charlson_index_of_4_scores_5_not_4()
    {
        Assert.Equal(5, Lace.ComorbidityPoints(4));
        Assert.Equal(3, Lace.ComorbidityPoints(3));
    }

    [Fact]
    public void Pitfall_3_a_same_day_stay_counted_as_a_date_difference_scores_0()
    {
        Assert.Equal(0, Scored(0, false, 0, 0).LengthOfStay);
        Assert.Equal(1, Scored(1, false, 0, 0).LengthOfStay);
    }

    [Fact]
    public void Pitfall_4_the_c_component_takes_the_1987_charlson_index_not_the_lace_tool_weights()
    {
        // Metastatic solid tumour alone: Charlson 1987 index 6 scores C = 5 (the LACE tool would weight it +6 points
        // of its own comorbidity score, which is not an input here).
        var charlson = Charlson.Score(["C78.0"]);
        Assert.Equal(6, charlson.Index);
        Assert.Equal(5, Scored(0, false, charlson.Index, 0).Comorbidity);

        // Dementia is +3 in the LACE tool but 1 in the 1987 weights, so C = 1.
        var dementia = Charlson.Score(["F03.90"]);
        Assert.Equal(1, Scored(0, false, dementia.Index, 0).Comorbidity);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(6, 4)]
    [InlineData(7, 5)]
    [InlineData(13, 5)]
    [InlineData(14, 7)]
    [InlineData(365, 7)]
    public void Length_of_stay_range_boundaries(int days, int points) => Assert.Equal(points, Lace.LengthOfStayPoints(days));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(4, 5)]
    [InlineData(29, 5)]
    public void Charlson_points_cap_at_5_from_an_index_of_4(int index, int points) => Assert.Equal(points, Lace.ComorbidityPoints(index));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(4, 4)]
    [InlineData(5, 4)]
    [InlineData(40, 4)]
    public void Ed_visit_points_cap_at_4(int visits, int points) => Assert.Equal(points, Lace.EmergencyVisitPoints(visits));

    [Fact]
    public void Acuity_is_3_for_an_emergent_admission_only()
    {
        Assert.Equal(3, Scored(0, true, 0, 0).Acuity);
        Assert.Equal(0, Scored(0, false, 0, 0).Acuity);
    }

    [Theory]
    [InlineData(4, "low")]
    [InlineData(5, "moderate")]
    [InlineData(9, "moderate")]
    [InlineData(10, "high")]
    [InlineData(19, "high")]
    public void Band_boundaries(int total, string band) => Assert.Equal(band, Lace.BandOf(total).Code());

    [Fact]
    public void Band_boundaries_hold_for_a_scored_discharge()
    {
        // 4 days (4) + no ED visit: total 4, low; one ED visit more: 5, moderate.
        Assert.Equal(LaceBand.Low, Scored(4, false, 0, 0).Band);
        Assert.Equal(LaceBand.Moderate, Scored(4, false, 0, 1).Band);
        // 7 days (5) + emergent (3) + Charlson 1 (1) = 9 moderate; + one ED visit = 10 high.
        Assert.Equal(9, Scored(7, true, 1, 0).Total);
        Assert.Equal(LaceBand.High, Scored(7, true, 1, 1).Band);
    }

    [Theory]
    [InlineData(-1, 0, 0, "los_days")]
    [InlineData(0, -1, 0, "charlson")]
    [InlineData(0, 0, -1, "ed_visits_6m")]
    [InlineData(int.MinValue, 0, 0, "los_days")]
    public void A_negative_input_is_rejected_as_a_value_naming_the_field(int los, int charlson, int edVisits, string field)
    {
        var result = Lace.Score(los, true, charlson, edVisits);

        Assert.False(result.IsSuccess);
        Assert.Equal(RejectionReason.InvalidValue, result.Rejection!.Reason);
        Assert.Equal(field, result.Rejection.Field);
    }

    [Fact]
    public void The_largest_inputs_score_the_maximum_of_19()
    {
        Assert.Equal(19, Scored(int.MaxValue, true, int.MaxValue, int.MaxValue).Total);
    }
}
