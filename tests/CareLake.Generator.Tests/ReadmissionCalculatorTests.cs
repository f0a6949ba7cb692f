using CareLake.Generator.Encounters;
using CareLake.Generator.Model;

namespace CareLake.Generator.Tests;

/// <summary>The rules of clinical.md §5.3 that the summary's readmission rate applies.</summary>
public sealed class ReadmissionCalculatorTests
{
    private static readonly DateOnly CutOff = new(2026, 12, 31);

    private static InpatientStay Stay(string admit, string? discharge, DischargeDisposition? disposition = DischargeDisposition.Home) =>
        new(DateOnly.Parse(admit, System.Globalization.CultureInfo.InvariantCulture), discharge is null ? null : DateOnly.Parse(discharge, System.Globalization.CultureInfo.InvariantCulture), disposition);

    private static (int, int) Count(params InpatientStay[] stays) => ReadmissionCalculator.Count([stays], CutOff);

    [Fact]
    public void A_readmission_1_to_30_days_after_discharge_counts() =>
        Assert.Equal((2, 1), Count(Stay("2026-01-01", "2026-01-05"), Stay("2026-02-04", "2026-02-06")));

    [Fact]
    public void Day_0_and_day_31_do_not_count()
    {
        Assert.Equal((2, 0), Count(Stay("2026-01-01", "2026-01-05"), Stay("2026-01-05", "2026-01-09")));
        Assert.Equal((2, 0), Count(Stay("2026-01-01", "2026-01-05"), Stay("2026-02-05", "2026-02-06")));
    }

    [Fact]
    public void Deaths_against_advice_and_transfers_out_are_not_index_stays()
    {
        Assert.Equal((0, 0), Count(Stay("2026-01-01", "2026-01-05", DischargeDisposition.Expired)));
        Assert.Equal((0, 0), Count(Stay("2026-01-01", "2026-01-05", DischargeDisposition.AgainstMedicalAdvice), Stay("2026-01-10", "2026-01-12", DischargeDisposition.Expired)));
        Assert.Equal((0, 0), Count(Stay("2026-01-01", "2026-01-05", DischargeDisposition.Transfer)));
    }

    [Fact]
    public void A_transfer_with_a_same_or_next_day_admission_is_one_episode()
    {
        // The transfer and the next stay form one episode ending 01-09; the 01-20 admission readmits it.
        Assert.Equal((2, 1), Count(Stay("2026-01-01", "2026-01-05", DischargeDisposition.Transfer), Stay("2026-01-06", "2026-01-09"), Stay("2026-01-20", "2026-01-22")));
    }

    [Fact]
    public void Stays_without_a_complete_30_day_follow_up_are_not_index_stays() =>
        Assert.Equal((0, 0), Count(Stay("2026-12-01", "2026-12-05")));

    [Fact]
    public void An_admission_still_open_is_an_outcome_but_not_an_index() =>
        Assert.Equal((1, 1), Count(Stay("2026-01-01", "2026-01-05"), Stay("2026-01-10", null, null)));
}
