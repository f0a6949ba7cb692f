using CareLake.Testing;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Gold.Tests.Encounters;

/// <summary>
/// gold.fact_encounter's readmission rule (clinical.md §5.3) on hand-built histories, one patient per rule. The data's
/// end is the latest admission or discharge in silver: 2026-06-30, a clinic visit of patient CLOCK.
/// </summary>
public sealed class ReadmissionRuleTests(ReadmissionRuleTests.Histories histories) : IClassFixture<ReadmissionRuleTests.Histories>
{
    public sealed class Histories : IAsyncLifetime
    {
        public string ConnectionString { get; private set; } = "";

        public Dictionary<string, object?[]> Rows { get; } = new(StringComparer.Ordinal);

        public async Task InitializeAsync()
        {
            ConnectionString = await TestDatabase.CreateAsync(nameof(ReadmissionRuleTests));
            await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
            var h = new SilverHistory(dataSource);
            foreach (var p in new[] { "CLOCK", "TRANSFER", "TRANSFER_OUT", "DEATH", "SYNTHEA_DEATH", "AMA", "DAY30", "DAY31", "SAMEDAY", "PLANNED", "TRANSPLANT", "FOLLOWUP", "OBSERVATION", "ILLOGICAL" })
            {
                await h.PatientAsync(p, new DateOnly(1950, 5, 1), deathDate: p == "SYNTHEA_DEATH" ? new DateOnly(2026, 2, 3) : null);
            }

            await h.EncounterAsync("CLOCK", "CLOCK-1", "outpatient", At(6, 30, 9), At(6, 30, 10));

            // Transfer to another acute hospital, readmitted the next day: one episode, attributed to the second stay.
            await h.EncounterAsync("TRANSFER", "T-1", "inpatient", At(1, 10, 8), At(1, 14, 12), "transfer");
            await h.EncounterAsync("TRANSFER", "T-2", "inpatient", At(1, 15, 9), At(1, 20, 12), "home");
            await h.EncounterAsync("TRANSFER", "T-3", "inpatient", At(2, 5, 9), At(2, 8, 12), "home");
            await h.DiagnosesAsync("TRANSFER", "T-3", At(2, 5, 9), "J18.9");

            // Transferred out and not seen again for weeks: the stay ends its own episode and is excluded.
            await h.EncounterAsync("TRANSFER_OUT", "TO-1", "inpatient", At(1, 10, 8), At(1, 12, 12), "transfer");
            await h.EncounterAsync("TRANSFER_OUT", "TO-2", "inpatient", At(1, 20, 8), At(1, 22, 12), "home");

            await h.EncounterAsync("DEATH", "D-1", "inpatient", At(2, 1, 8), At(2, 3, 12), "expired");
            // Synthea records no disposition: the patient's death date within the stay says it.
            await h.EncounterAsync("SYNTHEA_DEATH", "SD-1", "inpatient", At(2, 1, 8), At(2, 3, 12), disposition: null);

            await h.EncounterAsync("AMA", "A-1", "inpatient", At(3, 1, 8), At(3, 2, 12), "ama");
            await h.EncounterAsync("AMA", "A-2", "inpatient", At(3, 5, 8), At(3, 9, 12), "home");

            await h.EncounterAsync("DAY30", "D30-1", "inpatient", At(3, 1, 8), At(3, 1, 20), "home");
            await h.EncounterAsync("DAY30", "D30-2", "inpatient", At(3, 31, 23), At(4, 2, 12), "home");
            await h.EncounterAsync("DAY31", "D31-1", "inpatient", At(3, 1, 8), At(3, 1, 20), "home");
            await h.EncounterAsync("DAY31", "D31-2", "inpatient", At(4, 1, 1), At(4, 2, 12), "home");

            // Discharged home in the morning, back in the evening: day 0 is not an outcome; the return starts its own episode.
            await h.EncounterAsync("SAMEDAY", "S-1", "inpatient", At(3, 10, 8), At(3, 12, 10), "home");
            await h.EncounterAsync("SAMEDAY", "S-2", "inpatient", At(3, 12, 18), At(3, 15, 10), "home");

            // A planned chemotherapy stay 9 days after discharge is not a readmission; the unplanned one at day 19 is.
            await h.EncounterAsync("PLANNED", "P-1", "inpatient", At(4, 1, 8), At(4, 3, 10), "home");
            await h.EncounterAsync("PLANNED", "P-2", "inpatient", At(4, 12, 8), At(4, 13, 10), "home");
            await h.DiagnosesAsync("PLANNED", "P-2", At(4, 12, 8), "Z51.11", "C18.9");
            await h.EncounterAsync("PLANNED", "P-3", "inpatient", At(4, 22, 8), At(4, 25, 10), "home");
            // A kidney transplant (SNOMED CT procedure) makes a stay planned too.
            await h.EncounterAsync("TRANSPLANT", "K-1", "inpatient", At(4, 1, 8), At(4, 3, 10), "home");
            await h.EncounterAsync("TRANSPLANT", "K-2", "inpatient", At(4, 20, 8), At(4, 28, 10), "home");
            await h.ProcedureAsync("TRANSPLANT", "K-2", At(4, 20, 12), "SNOMED-CT", "70536003");

            // Discharged 2026-05-31: follow-up to 06-30 is inside the data. Discharged 06-01: one day short.
            await h.EncounterAsync("FOLLOWUP", "F-1", "inpatient", At(5, 28, 8), At(5, 31, 23), "home");
            await h.EncounterAsync("FOLLOWUP", "F-2", "inpatient", At(5, 31, 23, 30), At(6, 1, 10), "home");

            // Observation and ED stays after an inpatient discharge are neither index stays nor readmissions.
            await h.EncounterAsync("OBSERVATION", "O-1", "inpatient", At(2, 1, 8), At(2, 4, 10), "home");
            await h.EncounterAsync("OBSERVATION", "O-2", "observation", At(2, 6, 8), At(2, 7, 10), "home");
            await h.EncounterAsync("OBSERVATION", "O-3", "emergency", At(2, 9, 8), At(2, 9, 12), "home");

            // Discharged before admitted: the stay has no length and is left out of the episodes.
            await h.EncounterAsync("ILLOGICAL", "I-1", "inpatient", At(2, 10, 8), At(2, 9, 10), "home");
            await h.EncounterAsync("ILLOGICAL", "I-2", "inpatient", At(2, 20, 8), At(2, 22, 10), "home");

            var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions { FullRefresh = true });
            Assert.All(runs, r => Assert.True(r.Status == GoldRunStatus.Success, $"{r.Model}: {r.Error}"));

            foreach (var row in await Sql.RowsAsync(ConnectionString,
                         "SELECT encounter_id, episode_id, index_eligible, exclusion_reason, readmitted_30d, days_to_readmission, readmission_encounter_id, los_days, planned, died_during_stay FROM gold.fact_encounter"))
            {
                Rows[(string)row[0]!] = row;
            }
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private static DateTime At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    private sealed record Outcome(string? Episode, bool Eligible, string? Reason, bool? Readmitted, int? Days, string? By);

    private Outcome Fate(string encounterId)
    {
        var r = histories.Rows[encounterId];
        return new Outcome((string?)r[1], (bool)r[2]!, (string?)r[3], (bool?)r[4], (int?)r[5], (string?)r[6]);
    }

    [Fact]
    public void A_transfer_with_a_next_day_admission_is_one_episode_attributed_to_its_last_stay()
    {
        Assert.Equal(new Outcome("T-1", false, "transfer", null, null, null), Fate("T-1"));
        Assert.Equal(new Outcome("T-1", true, null, true, 16, "T-3"), Fate("T-2"));
        Assert.Equal(new Outcome("T-3", true, null, false, null, null), Fate("T-3"));
    }

    [Fact]
    public void A_transfer_out_not_followed_by_an_admission_is_excluded_and_ends_its_episode()
    {
        Assert.Equal(new Outcome("TO-1", false, "transfer", null, null, null), Fate("TO-1"));
        Assert.Equal(new Outcome("TO-2", true, null, false, null, null), Fate("TO-2"));
    }

    [Fact]
    public void Death_during_the_stay_excludes_it_also_from_the_patients_death_date_when_no_disposition_is_recorded()
    {
        Assert.Equal(new Outcome("D-1", false, "death", null, null, null), Fate("D-1"));
        Assert.Equal(new Outcome("SD-1", false, "death", null, null, null), Fate("SD-1"));
        Assert.Equal(true, histories.Rows["SD-1"][9]);
    }

    [Fact]
    public void A_discharge_against_medical_advice_is_excluded_and_its_return_is_an_index_stay_of_its_own()
    {
        Assert.Equal(new Outcome("A-1", false, "ama", null, null, null), Fate("A-1"));
        Assert.Equal(new Outcome("A-2", true, null, false, null, null), Fate("A-2"));
    }

    [Fact]
    public void Day_30_is_a_readmission_and_day_31_is_not_counting_calendar_days()
    {
        Assert.Equal(new Outcome("D30-1", true, null, true, 30, "D30-2"), Fate("D30-1"));
        Assert.Equal(new Outcome("D31-1", true, null, false, null, null), Fate("D31-1"));
    }

    [Fact]
    public void A_same_day_readmission_is_not_counted_and_starts_its_own_episode()
    {
        Assert.Equal(new Outcome("S-1", true, null, false, null, null), Fate("S-1"));
        Assert.Equal(new Outcome("S-2", true, null, false, null, null), Fate("S-2"));
    }

    [Fact]
    public void Planned_stays_are_not_readmissions_nor_index_stays()
    {
        Assert.Equal(new Outcome("P-1", true, null, true, 19, "P-3"), Fate("P-1"));
        Assert.Equal(new Outcome("P-2", false, "planned", null, null, null), Fate("P-2"));
        Assert.Equal(true, histories.Rows["P-2"][8]);
        Assert.Equal(new Outcome("K-1", true, null, false, null, null), Fate("K-1"));
        Assert.Equal(new Outcome("K-2", false, "planned", null, null, null), Fate("K-2"));
    }

    [Fact]
    public void Follow_up_must_reach_30_days_inside_the_data()
    {
        Assert.Equal(new Outcome("F-1", true, null, false, null, null), Fate("F-1"));
        Assert.Equal(new Outcome("F-2", false, "incomplete_follow_up", null, null, null), Fate("F-2"));
    }

    [Fact]
    public void Observation_and_emergency_stays_are_neither_index_stays_nor_readmissions()
    {
        Assert.Equal(new Outcome("O-1", true, null, false, null, null), Fate("O-1"));
        Assert.Equal(new Outcome(null, false, "not_inpatient", null, null, null), Fate("O-2"));
        Assert.Equal(new Outcome(null, false, "not_inpatient", null, null, null), Fate("O-3"));
    }

    [Fact]
    public void A_stay_discharged_before_it_was_admitted_is_excluded_without_a_length()
    {
        Assert.Equal(new Outcome(null, false, "illogical_dates", null, null, null), Fate("I-1"));
        Assert.Null(histories.Rows["I-1"][7]);
        Assert.Equal(new Outcome("I-2", true, null, false, null, null), Fate("I-2"));
    }

    [Fact]
    public async Task Every_encounter_has_one_row()
    {
        Assert.Equal(await Sql.ScalarAsync<long>(histories.ConnectionString, "SELECT count(*) FROM silver.encounters"), histories.Rows.Count);
        Assert.Equal(0, histories.Rows["D30-1"][7]);
        Assert.Equal(4, histories.Rows["T-1"][7]);
    }
}
