using CareLake.Generator;
using CareLake.Generator.AccessLogs;
using CareLake.Generator.Model;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>
/// A generated hospital through the real silver path and the gold runner: every mart's numbers recomputed here, in C#,
/// from silver rows read plainly or from the generator's own record of what happened.
/// </summary>
public class GeneratedMartsTests(GeneratedMartsTests.Fixture fixture) : IClassFixture<GeneratedMartsTests.Fixture>
{
    internal static readonly TimeSpan Offset = GeneratorOptions.DefaultFacilityUtcOffset;
    private readonly string _cs = fixture.ConnectionString;
    private readonly Hospital _hospital = fixture.Hospital;

    /// <summary>The hospital fed once for the class, and one full gold run.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        internal Hospital Hospital { get; } = Hospital.Small(patients: 3000, days: 30, seed: 99);

        public string ConnectionString { get; private set; } = "";

        public async Task InitializeAsync()
        {
            ConnectionString = await MartDatabase.CreateAsync(nameof(GeneratedMartsTests));
            await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
            await Hospital.FeedAsync(dataSource, Hospital.Messages, batch: 2000);
            var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions());
            Assert.All(runs, r => Assert.True(r.Status == GoldRunStatus.Success, $"{r.Model}: {r.Error}"));
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private static DateOnly Day(DateTime utc) => DateOnly.FromDateTime(new DateTimeOffset(utc, TimeSpan.Zero).ToOffset(Offset).DateTime);

    private static DateTime Midnight(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Offset).UtcDateTime;

    [Fact]
    public async Task Census_matches_a_walk_over_the_stays()
    {
        var stays = (await Sql.RowsAsync(_cs, """
            SELECT l.encounter_id, l.sequence, l.unit, l.started_at, l.ended_at, e.status
              FROM silver.encounter_locations l JOIN silver.encounters e USING (source, encounter_id)
             WHERE e.status <> 'cancelled' AND e.status <> 'planned' AND e.status <> 'registered'
            """)).Select(r => (Encounter: (string)r[0]!, Seq: (int)r[1]!, Unit: (string)r[2]!, Start: (DateTime)r[3]!, End: (DateTime?)r[4], Status: (string)r[5]!)).ToList();
        Assert.True(stays.Count > 50, $"only {stays.Count} stays");
        var dataEnd = stays.Max(s => s.End is { } e && e > s.Start ? e : s.Start);
        var first = stays.GroupBy(s => s.Encounter).ToDictionary(g => g.Key, g => g.Min(s => s.Seq));
        var last = stays.GroupBy(s => s.Encounter).ToDictionary(g => g.Key, g => g.Max(s => s.Seq));
        var expected = new Dictionary<(DateOnly, string), int[]>();
        var units = stays.Select(s => s.Unit).Distinct().ToList();
        for (var day = Day(stays.Min(s => s.Start)); day <= Day(dataEnd); day = day.AddDays(1))
        {
            var from = Midnight(day);
            var to = Midnight(day.AddDays(1));
            foreach (var unit in units)
            {
                var here = stays.Where(s => s.Unit == unit).ToList();
                expected[(day, unit)] =
                [
                    here.Count(s => s.Start <= to && (s.End is null || s.End > to)),
                    here.Where(s => (s.Start < to && (s.End is null || s.End > from)) || (s.Start >= from && s.Start < to)).Select(s => s.Encounter).Distinct().Count(),
                    here.Count(s => s.Seq == first[s.Encounter] && Day(s.Start) == day),
                    here.Count(s => s.Seq == last[s.Encounter] && s.Status == "discharged" && s.End is { } e && Day(e) == day),
                    here.Count(s => s.Seq != first[s.Encounter] && Day(s.Start) == day),
                    here.Count(s => s.Seq != last[s.Encounter] && s.End is { } e && Day(e) == day),
                ];
            }
        }

        var actual = (await Sql.RowsAsync(_cs, "SELECT census_date, unit, in_house_midnight, in_house_during_day, admissions, discharges, transfers_in, transfers_out FROM gold.mart_census_daily"))
            .ToDictionary(r => ((DateOnly)r[0]!, (string)r[1]!), r => r[2..].Select(v => (int)v!).ToArray());
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, counts) in expected) Assert.True(counts.SequenceEqual(actual[key]), $"{key}: expected {string.Join(",", counts)}, got {string.Join(",", actual[key])}");
        Assert.Contains(actual.Values, v => v[0] > 0 && v[4] > 0);
        Assert.Contains(actual.Values, v => v[2] > 0 && v[5] > 0);
    }

    [Fact]
    public async Task Demographics_count_every_current_patient_and_encounter_once()
    {
        var asOf = Day(await Sql.ScalarAsync<DateTime>(_cs, "SELECT max(greatest(admitted_at, discharged_at)) FROM silver.encounters"));
        var encounters = (await Sql.RowsAsync(_cs, "SELECT patient_id, class FROM silver.encounters WHERE status <> 'cancelled'"))
            .GroupBy(r => (string)r[0]!).ToDictionary(g => g.Key, g => g.Select(r => (string?)r[1]).ToList());
        var expected = new Dictionary<string, int[]>();
        foreach (var r in await Sql.RowsAsync(_cs, "SELECT patient_id, birth_date, death_date, sex, race, ethnicity, state FROM silver.patients"))
        {
            var birth = (DateOnly?)r[1];
            var death = (DateOnly?)r[2];
            var at = death is { } dd && dd < asOf ? dd : asOf;
            var key = string.Join("|", Band(birth, at), r[3], r[4], r[5], r[6]);
            var visits = encounters.GetValueOrDefault((string)r[0]!) ?? [];
            var counts = expected.TryGetValue(key, out var c) ? c : expected[key] = new int[5];
            counts[0]++;
            if (death is not null) counts[1]++;
            if (visits.Count > 0) counts[2]++;
            counts[3] += visits.Count;
            counts[4] += visits.Count(v => v == "inpatient");
        }

        var actual = (await Sql.RowsAsync(_cs, "SELECT age_band, sex, race, ethnicity, state, patients, deceased_patients, patients_with_encounter, encounters, inpatient_encounters, as_of_date FROM gold.mart_demographics"))
            .ToDictionary(r => string.Join("|", r[0..5]), r => (Counts: r[5..10].Select(v => (int)v!).ToArray(), AsOf: (DateOnly)r[10]!));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, counts) in expected) Assert.Equal(counts, actual[key].Counts);
        Assert.All(actual.Values, v => Assert.Equal(asOf, v.AsOf));
        Assert.Equal(await Sql.ScalarAsync<long>(_cs, "SELECT count(*) FROM silver.patients"), actual.Values.Sum(v => (long)v.Counts[0]));
    }

    // Completed years, then the published bands, written without the SQL functions.
    private static string? Band(DateOnly? birth, DateOnly at)
    {
        if (birth is not { } b) return null;
        var age = at.Year - b.Year - (at.Month < b.Month || (at.Month == b.Month && at.Day < b.Day) ? 1 : 0);
        return age switch { < 0 => null, < 18 => "0-17", < 45 => "18-44", < 65 => "45-64", < 75 => "65-74", < 85 => "75-84", _ => "85+" };
    }

    [Fact]
    public async Task Alert_marts_carry_every_alert_with_the_values_of_the_set_that_raised_it()
    {
        var alerts = await Sql.RowsAsync(_cs, "SELECT a.alert_id, a.patient_id, a.kind, a.severity, a.measured_at, v.heart_rate, v.respiratory_rate, v.spo2, v.systolic_bp, v.temperature_c, v.news2_score FROM silver.clinical_alerts a JOIN silver.vital_signs v USING (event_id)");
        Assert.True(alerts.Count > 10, $"only {alerts.Count} alerts");
        var vitals = (await Sql.RowsAsync(_cs, "SELECT alert_id, patient_id, kind, severity, measured_at, heart_rate, respiratory_rate, spo2, systolic_bp, temperature_c, news2_score, red_parameters, rr_score, sbp_score, unit FROM gold.mart_alerts_vitals"))
            .ToDictionary(r => (long)r[0]!);
        Assert.Equal(alerts.Count, vitals.Count);
        foreach (var a in alerts) Assert.Equal(a, vitals[(long)a[0]!][..11]);

        // A red-score alert names at least one parameter scoring 3; the names agree with the sub-scores.
        foreach (var row in vitals.Values)
        {
            var red = (string[])row[11]!;
            if ((string)row[2]! == "news2_red_score") Assert.NotEmpty(red);
            Assert.Equal(Equals(row[12], (short)3), red.Contains("respiratory_rate"));
            Assert.Equal(Equals(row[13], (short)3), red.Contains("systolic_bp"));
        }

        // Units: the stay covering the measurement when there is one.
        var covering = (await Sql.RowsAsync(_cs, """
            SELECT a.alert_id, l.unit FROM silver.clinical_alerts a
              JOIN silver.encounter_locations l ON l.source = a.source AND l.encounter_id = a.encounter_id
             WHERE l.started_at <= a.measured_at AND (l.ended_at IS NULL OR l.ended_at > a.measured_at)
            """)).ToDictionary(r => (long)r[0]!, r => (string)r[1]!);
        Assert.NotEmpty(covering);
        foreach (var (id, unit) in covering) Assert.Equal(unit, vitals[id][14]);

        // Daily: per (day, kind) the alerts add up; per patient the counts and ranks follow from the alerts.
        var byDayKind = alerts.GroupBy(a => (Day((DateTime)a[4]!), (string)a[2]!)).ToDictionary(g => g.Key, g => g.Count());
        var daily = (await Sql.RowsAsync(_cs, "SELECT alert_date, kind, sum(alerts)::int FROM gold.mart_alerts_daily GROUP BY 1, 2"))
            .ToDictionary(r => ((DateOnly)r[0]!, (string)r[1]!), r => (int)r[2]!);
        Assert.Equal(byDayKind.OrderBy(p => p.Key), daily.OrderBy(p => p.Key));
        var perPatient = alerts.GroupBy(a => (string)a[1]!).ToDictionary(g => g.Key, g => g.Count());
        var patients = (await Sql.RowsAsync(_cs, "SELECT patient_id, alerts, alert_rank, critical_alerts + high_alerts FROM gold.mart_alerts_patients"))
            .ToDictionary(r => (string)r[0]!, r => ((int)r[1]!, (int)r[2]!, (int)r[3]!));
        Assert.Equal(perPatient.Count, patients.Count);
        foreach (var (patient, n) in perPatient)
        {
            Assert.Equal((n, 1 + perPatient.Values.Count(m => m > n), n), patients[patient]);
        }
    }

    [Fact]
    public async Task Ehr_access_rows_and_flags_match_the_generators_suspicious_patterns()
    {
        var truth = new HospitalSimulator(_hospital.Options).ClinicalEvents().OfType<EhrAccessEvent>().Where(e => e.Patient is not null).ToList();
        var keys = truth.Select(e => (Day(e.OccurredAt.UtcDateTime), e.UserId, e.Patient!.Mrn)).ToHashSet();
        var rows = (await Sql.RowsAsync(_cs, "SELECT access_date, user_id, patient_id, accesses, flag_break_glass, flag_many_outside_unit, user_patients, user_home_unit FROM gold.mart_ehr_access"))
            .ToDictionary(r => ((DateOnly)r[0]!, (string)r[1]!, (string)r[2]!), r => r);
        Assert.Equal(keys.Count, rows.Count);
        Assert.Equal(truth.Count, rows.Values.Sum(r => (int)r[3]!));

        // Break-the-glass: exactly the user-patient-days with a break_glass action.
        var breakGlass = truth.Where(e => e.Action == AccessAction.BreakGlass).Select(e => (Day(e.OccurredAt.UtcDateTime), e.UserId, e.Patient!.Mrn)).ToHashSet();
        Assert.NotEmpty(breakGlass);
        Assert.Equal(breakGlass.Order(), rows.Where(r => (bool)r.Value[4]!).Select(r => r.Key).Order());

        // Mass chart access (hundreds of patients, most not on the user's unit) is flagged for its user and day.
        var mass = truth.Where(e => e.Pattern == AccessPattern.MassAccess).GroupBy(e => (Day(e.OccurredAt.UtcDateTime), e.UserId)).ToList();
        Assert.NotEmpty(mass);
        var judged = 0;
        foreach (var day in mass.Where(g => g.Select(e => e.Patient!.Mrn).Distinct().Count() >= 100))
        {
            // Users with no home unit (billing opens charts only after discharge) are not judged by this rule.
            var flagged = rows.Where(r => r.Key.Item1 == day.Key.Item1 && r.Key.Item2 == day.Key.UserId && r.Value[7] is not null).ToList();
            Assert.All(flagged, r => Assert.True((bool)r.Value[5]!));
            judged += flagged.Count;
        }

        Assert.True(judged > 0 || mass.All(g => rows.First(r => r.Key.Item2 == g.Key.UserId).Value[7] is null), "no mass access was judged");

        // Each user-day's patient count is the number of its rows.
        foreach (var g in rows.GroupBy(r => (r.Key.Item1, r.Key.Item2))) Assert.All(g, r => Assert.Equal(g.Count(), (int)r.Value[6]!));
    }

    [Fact]
    public async Task Completeness_measures_every_gold_column_and_its_nulls()
    {
        var columns = await Sql.RowsAsync(_cs, """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
              JOIN information_schema.tables t USING (table_schema, table_name)
             WHERE c.table_schema = 'gold' AND t.table_type = 'BASE TABLE'
               AND c.table_name NOT IN ('mart_data_completeness', 'changed_patients', 'pending_patients')
            """);
        var measured = (await Sql.RowsAsync(_cs, "SELECT table_name, column_name, row_count, null_count, null_pct FROM gold.mart_data_completeness"))
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => r);
        Assert.Equal(columns.Select(c => ((string)c[0]!, (string)c[1]!)).Order(), measured.Keys.Order());
        foreach (var (table, column) in new[] { ("mart_alerts_vitals", "unit"), ("mart_ehr_access", "patient_unit"), ("mart_ehr_access", "user_home_unit"), ("mart_demographics", "age_band"), ("mart_census_daily", "unit") })
        {
            var rows = await Sql.ScalarAsync<long>(_cs, $"SELECT count(*) FROM gold.{table}");
            var nulls = await Sql.ScalarAsync<long>(_cs, $"SELECT count(*) - count({column}) FROM gold.{table}");
            var row = measured[(table, column)];
            Assert.Equal(rows, (long)row[2]!);
            Assert.Equal(nulls, (long)row[3]!);
            Assert.Equal(rows == 0 ? null : Math.Round(100m * nulls / rows, 2), (decimal?)row[4]);
        }

        Assert.Contains(measured.Values, r => (long)r[3]! > 0);
    }
}

/// <summary>
/// A test database whose facility days are the generated facility's (UTC−05:00, no daylight saving), with a session
/// time zone far from it, so a mart that used the session's zone instead would fail.
/// </summary>
internal static class MartDatabase
{
    public static async Task<string> CreateAsync(string name)
    {
        var cs = await TestDatabase.CreateAsync(name);
        var database = new NpgsqlConnectionStringBuilder(cs).Database!;
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"ALTER DATABASE \"{database}\" SET carelake.facility_time_zone = 'Etc/GMT+5'; ALTER DATABASE \"{database}\" SET timezone = 'Asia/Tokyo'", connection);
        await command.ExecuteNonQueryAsync();
        NpgsqlConnection.ClearAllPools();
        return cs;
    }
}
