using CareLake.Core.Scoring;
using Xunit.Abstractions;

namespace CareLake.Generator.Tests;

/// <summary>The realised distributions of one generated year (issue 3: LOS, readmissions, NEWS2 mix, deaths, comorbidity).</summary>
[Collection(PopulationCollection.Name)]
public sealed class PopulationDistributionTests(PopulationFixture population, ITestOutputHelper output)
{
    private static readonly string[] ReadmissionConditions = ["I50", "J44", "J18", "J15", "I21"];

    [Fact]
    public void Mean_length_of_stay_is_4_to_5_and_a_half_days_with_a_long_right_tail()
    {
        var los = population.Stays.Inpatient.Where(s => s.Discharge is not null)
            .Select(s => (s.Discharge!.Value.At - s.AdmittedAt).TotalDays).Order().ToList();
        var mean = los.Average();
        var median = los[los.Count / 2];
        var p90 = los[(int)(los.Count * 0.9)];
        output.WriteLine($"{los.Count} stays: mean {mean:F2} d, median {median:F2}, p90 {p90:F2}, max {los[^1]:F1}");

        Assert.True(los.Count > 1_000, $"only {los.Count} completed stays");
        Assert.InRange(mean, 4.0, 5.5);
        Assert.True(mean > median, "a right-skewed distribution has its mean above its median");
        Assert.True(p90 > 1.8 * median, $"p90 {p90:F1} is not a long tail over median {median:F1}");
        Assert.True(los[^1] > 15, "some stays last weeks");
        Assert.Equal(population.Summary.MeanLengthOfStayDays, mean, 6);
    }

    [Fact]
    public void Thirty_day_readmission_rate_is_14_to_20_percent_by_the_reference_algorithm()
    {
        var (index, readmitted) = Readmissions(_ => true);
        var rate = (double)readmitted / index;
        output.WriteLine($"{readmitted} of {index} index stays = {rate:P2}");

        Assert.True(index > 1_000, $"only {index} index stays");
        Assert.InRange(rate, 0.14, 0.20);
        Assert.Equal((population.Summary.ReadmissionIndexStays, population.Summary.Readmissions), (index, readmitted));
    }

    [Fact]
    public void Heart_failure_copd_pneumonia_and_ami_are_readmitted_more_often_than_other_conditions()
    {
        var (targetIndex, targetReadmitted) = Readmissions(IsReadmissionCondition);
        var (otherIndex, otherReadmitted) = Readmissions(principal => !IsReadmissionCondition(principal));
        var target = (double)targetReadmitted / targetIndex;
        var other = (double)otherReadmitted / otherIndex;
        output.WriteLine($"HF/COPD/pneumonia/AMI {target:P1} of {targetIndex}; others {other:P1} of {otherIndex}");

        Assert.True(targetIndex > 200);
        Assert.True(target > other + 0.02, $"{target:P1} is not clearly above {other:P1}");
    }

    [Fact]
    public void In_hospital_mortality_is_about_two_percent_and_deaths_end_the_timeline()
    {
        var stays = population.Stays.Inpatient.ToList();
        var deaths = stays.Count(s => s.Discharge?.Disposition == "expired");
        var rate = (double)deaths / stays.Count;
        output.WriteLine($"{deaths} deaths in {stays.Count} admissions = {rate:P2}");

        Assert.InRange(rate, 0.01, 0.04);
        var deadPatients = stays.Where(s => s.Discharge?.Disposition == "expired").ToDictionary(s => s.PatientId, s => s.Discharge!.Value.At);
        Assert.DoesNotContain(population.Stays.All, s => deadPatients.TryGetValue(s.PatientId, out var died) && s.AdmittedAt > died);
    }

    [Fact]
    public void Most_vital_sign_sets_score_low_and_a_few_percent_high()
    {
        var bands = population.News2Bands;
        var scored = bands.Values.Sum();
        double Share(News2Band band) => (double)bands.GetValueOrDefault(band) / scored;
        output.WriteLine($"{scored} scored of {population.VitalSets} sets: " + string.Join(", ", bands.OrderBy(b => b.Key).Select(b => $"{b.Key} {Share(b.Key):P1}")));

        Assert.True(Share(News2Band.Low) > 0.75, "most sets are low");
        Assert.InRange(Share(News2Band.High), 0.01, 0.08);
        Assert.True(Share(News2Band.Medium) > 0.01);
        Assert.True(Share(News2Band.LowMedium) > 0.005);
        Assert.Equal(population.Summary.HighNews2Share, Share(News2Band.High), 6);
    }

    [Fact]
    public void A_share_of_patients_are_on_spo2_scale_2()
    {
        var share = (double)population.Scale2Sets / population.VitalSets;
        output.WriteLine($"scale 2: {share:P2} of sets");
        Assert.InRange(share, 0.005, 0.15);
    }

    [Fact]
    public void Deterioration_leads_to_icu_transfers_and_hospital_acquired_complications()
    {
        var admissions = population.Stays.Inpatient.Count();
        var icuTransfers = population.Stays.Inpatient.Count(s => s.Transfers.Contains("ICU"));
        output.WriteLine($"{icuTransfers} of {admissions} stays transferred to ICU; {population.HospitalAcquiredDiagnoses} POA=N diagnoses");
        Assert.InRange((double)icuTransfers / admissions, 0.02, 0.12);
        Assert.True(population.HospitalAcquiredDiagnoses > 50);
    }

    [Fact]
    public void Emergency_admissions_dip_at_weekends()
    {
        var byDay = population.Stays.Inpatient.GroupBy(s => s.AdmittedAt.DayOfWeek).ToDictionary(g => g.Key, g => g.Count());
        var weekday = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }.Average(d => byDay[d]);
        var weekend = new[] { DayOfWeek.Saturday, DayOfWeek.Sunday }.Average(d => byDay[d]);
        output.WriteLine(string.Join(", ", byDay.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        Assert.True(weekday > weekend * 1.1, $"weekday mean {weekday:F0} vs weekend {weekend:F0}");
    }

    [Fact]
    public void Charlson_groups_occur_at_plausible_rates_among_inpatient_stays()
    {
        var stays = population.Stays.Inpatient.Select(s => population.DiagnosesByEncounter.GetValueOrDefault(s.EncounterId) ?? []).Where(c => c.Count > 0).ToList();
        double Share(params string[] prefixes) =>
            (double)stays.Count(codes => codes.Any(c => prefixes.Any(p => c.Replace(".", "", StringComparison.Ordinal).StartsWith(p, StringComparison.Ordinal)))) / stays.Count;

        // Quan 2005 ICD-10 prefixes (clinical.md §4).
        var chf = Share("I099", "I110", "I130", "I132", "I255", "I420", "I425", "I426", "I427", "I428", "I429", "I43", "I50", "P290");
        var copd = Share("I278", "I279", "J40", "J41", "J42", "J43", "J44", "J45", "J46", "J47", "J684", "J701", "J703");
        var diabetes = Share("E100", "E101", "E106", "E108", "E109", "E110", "E111", "E116", "E118", "E119", "E102", "E103", "E104", "E105", "E107", "E112", "E113", "E114", "E115", "E117");
        var renal = Share("I120", "I131", "N18", "N19", "N250", "Z490", "Z491", "Z492", "Z940", "Z992");
        var cancer = Share("C18", "C25", "C34", "C50", "C61", "C83");
        var metastatic = Share("C77", "C78", "C79", "C80");
        var dementia = Share("F00", "F01", "F02", "F03", "F051", "G30", "G311");
        output.WriteLine($"CHF {chf:P1}, CPD {copd:P1}, diabetes {diabetes:P1}, renal {renal:P1}, cancer {cancer:P1}, metastatic {metastatic:P1}, dementia {dementia:P1}");

        Assert.InRange(chf, 0.08, 0.40);
        Assert.InRange(copd, 0.10, 0.45);
        Assert.InRange(diabetes, 0.15, 0.50);
        Assert.InRange(renal, 0.08, 0.45);
        Assert.InRange(cancer, 0.03, 0.30);
        Assert.InRange(metastatic, 0.003, 0.10);
        Assert.InRange(dementia, 0.01, 0.20);
    }

    [Fact]
    public void Demographics_change_over_time_through_update_events()
    {
        output.WriteLine($"{population.Stays.Updates} updates, {population.Stays.AddressChanges} address changes seen");
        Assert.True(population.Stays.Updates > 200);
        Assert.True(population.Stays.AddressChanges > 20);
        Assert.Contains(population.Population.Patients, p => p.History.Any(h => h.Change == Population.DemographicChange.NameChanged));
    }

    [Fact]
    public void Admits_and_discharges_are_now_and_then_cancelled()
    {
        Assert.Contains(population.Stays.All, s => s.Cancelled);
        Assert.Contains(population.Stays.All, s => s.DischargeCancellations > 0 && s.Discharge is not null);
    }

    [Fact]
    public void Access_logs_contain_the_suspicious_patterns()
    {
        Assert.True(population.Actions.GetValueOrDefault("break_glass") > 0);
        Assert.True(population.Actions.GetValueOrDefault("export") > 0);
        Assert.True(population.MostChartsOneUserOneDay >= 150, $"the most charts one user opened in a day was {population.MostChartsOneUserOneDay}");
        foreach (var pattern in Enum.GetValues<Model.AccessPattern>())
        {
            Assert.True(population.Summary.AccessEventsByPattern.GetValueOrDefault(pattern) > 0, $"no {pattern} access");
        }
    }

    private static bool IsReadmissionCondition(string principal) => ReadmissionConditions.Any(p => principal.StartsWith(p, StringComparison.Ordinal));

    /// <summary>clinical.md §5.3, implemented here independently of the generator from the ADT messages alone.</summary>
    private (int Index, int Readmitted) Readmissions(Func<string, bool> indexFilter)
    {
        var cutOff = DateOnly.FromDateTime(PopulationFixture.Options.End.DateTime);
        var (index, readmitted) = (0, 0);
        foreach (var patient in population.Stays.Inpatient.GroupBy(s => s.PatientId))
        {
            var episodes = new List<(DateOnly Admit, DateOnly? Discharge, string? Disposition, string EncounterId)>();
            foreach (var stay in patient.OrderBy(s => s.AdmittedAt))
            {
                var admit = DateOnly.FromDateTime(stay.AdmittedAt.DateTime);
                DateOnly? discharge = stay.Discharge is { } d ? DateOnly.FromDateTime(d.At.DateTime) : null;
                var disposition = stay.Discharge?.Disposition;
                if (episodes.Count > 0 && episodes[^1] is { Disposition: "transfer", Discharge: { } previous } && (admit == previous || admit == previous.AddDays(1)))
                {
                    episodes[^1] = episodes[^1] with { Discharge = discharge, Disposition = disposition };
                }
                else
                {
                    episodes.Add((admit, discharge, disposition, stay.EncounterId));
                }
            }

            for (var i = 0; i < episodes.Count; i++)
            {
                var e = episodes[i];
                if (e.Discharge is not { } discharged || e.Disposition is "expired" or "ama" or "transfer" || cutOff < discharged.AddDays(30)) continue;
                if (!indexFilter(population.PrincipalByEncounter.GetValueOrDefault(e.EncounterId, ""))) continue;
                index++;
                if (i + 1 < episodes.Count && episodes[i + 1].Admit.DayNumber - discharged.DayNumber is >= 1 and <= 30) readmitted++;
            }
        }

        return (index, readmitted);
    }
}
