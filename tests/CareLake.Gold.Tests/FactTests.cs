using System.Globalization;
using CareLake.Testing;
using CareLake.Warehouse.Gold;

namespace CareLake.Gold.Tests;

/// <summary>Each dimension and fact of a generated hospital checked against a computation here, from silver's rows.</summary>
public class FactTests(GoldFixture gold) : IClassFixture<GoldFixture>
{
    private string Cs => gold.ConnectionString;

    private static decimal? Dec(object? v) => v is null ? null : Convert.ToDecimal(v, CultureInfo.InvariantCulture);

    [Fact]
    public void Every_model_succeeded() => Assert.All(gold.Runs, r => Assert.Equal(GoldRunStatus.Success, r.Status));

    [Fact]
    public async Task Vitals_hourly_matches_silver_grouped_by_patient_and_hour()
    {
        var versions = await gold.VersionsAsync();
        var sets = await Sql.RowsAsync(Cs, """
            SELECT source, patient_id, measured_at, event_id, encounter_id, heart_rate, respiratory_rate, spo2, systolic_bp, diastolic_bp, temperature_c,
                   on_supplemental_oxygen, consciousness::text, news2_score, news2_band, news2_complete
              FROM silver.vital_signs
            """);
        var alerts = (await Sql.RowsAsync(Cs, "SELECT source, patient_id, measured_at FROM silver.clinical_alerts"))
            .GroupBy(r => ((string)r[0]!, (string)r[1]!, Hour((DateTime)r[2]!))).ToDictionary(g => g.Key, g => g.Count());
        Assert.NotEmpty(alerts);
        var expected = sets.GroupBy(r => ((string)r[0]!, (string)r[1]!, Hour((DateTime)r[2]!))).ToDictionary(g => g.Key, g =>
        {
            var rows = g.ToList();
            var latest = rows.OrderByDescending(r => (DateTime)r[2]!).ThenByDescending(r => (string)r[3]!, StringComparer.Ordinal).First();
            var complete = rows.Where(r => (bool)r[15]!).ToList();
            var values = new List<object?> { GoldFixture.KeyAsOf(versions, g.Key.Item1, g.Key.Item2, g.Key.Item3), latest[4], GoldFixture.DateKey(g.Key.Item3), g.Key.Item3.Hour, rows.Count, complete.Count };
            for (var column = 5; column <= 10; column++)
            {
                var present = rows.Select(r => Dec(r[column])).Where(v => v is not null).Select(v => v!.Value).ToList();
                values.Add(present.Count == 0 ? null : present.Min());
                values.Add(present.Count == 0 ? null : present.Max());
                values.Add(present.Count == 0 ? null : Math.Round(present.Sum() / present.Count, 2, MidpointRounding.AwayFromZero));
            }

            var oxygen = rows.Select(r => (bool?)r[11]).Where(o => o is not null).ToList();
            values.Add(oxygen.Count == 0 ? null : oxygen.Any(o => o!.Value));
            var consciousness = rows.Select(r => (string?)r[12]).Where(c => c is not null).ToList();
            values.Add(consciousness.Count == 0 ? null : consciousness.MaxBy(c => "ACVPU".IndexOf(c!, StringComparison.Ordinal)));
            values.Add(complete.Count == 0 ? null : complete.Max(r => Convert.ToInt32(r[13], CultureInfo.InvariantCulture)));
            string[] bands = ["low", "low-medium", "medium", "high"];
            values.Add(complete.Count == 0 ? null : complete.Select(r => (string)r[14]!).MaxBy(b => Array.IndexOf(bands, b)));
            values.Add(alerts.GetValueOrDefault(g.Key));
            return values;
        });

        var actual = await Sql.RowsAsync(Cs, """
            SELECT source, patient_id, hour, patient_key, encounter_id, date_key, hour_of_day, sets, complete_sets,
                   heart_rate_min, heart_rate_max, heart_rate_mean, respiratory_rate_min, respiratory_rate_max, respiratory_rate_mean,
                   spo2_min, spo2_max, spo2_mean, systolic_bp_min, systolic_bp_max, systolic_bp_mean,
                   diastolic_bp_min, diastolic_bp_max, diastolic_bp_mean, temperature_c_min, temperature_c_max, temperature_c_mean,
                   any_supplemental_oxygen, worst_consciousness::text, news2_max, news2_worst_band, alerts
              FROM gold.fact_vitals_hourly
            """);
        Assert.Equal(expected.Count, actual.Count);
        Assert.True(actual.Count > 1000);
        Assert.Equal(alerts.Values.Sum(), actual.Sum(r => (int)r[31]!));
        foreach (var row in actual)
        {
            var want = expected[((string)row[0]!, (string)row[1]!, (DateTime)row[2]!)];
            var got = row.Skip(3).Select(v => v switch { decimal d => (object)d, short s => (int)s, _ => v }).ToList();
            Assert.Equal(want.Select(Normalise), got.Select(Normalise));
        }
    }

    private static object? Normalise(object? v) => v switch
    {
        decimal d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        short or int or long => Convert.ToInt64(v, CultureInfo.InvariantCulture),
        _ => v,
    };

    private static DateTime Hour(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Lab_results_are_the_current_ones_with_their_abnormal_flags()
    {
        var versions = await gold.VersionsAsync();
        var labs = await Sql.RowsAsync(Cs, """
            SELECT event_id, source, patient_id, superseded_by, abnormal_flag, value_numeric, reference_low, reference_high,
                   specimen_collected_at, resulted_at, occurred_at
              FROM silver.lab_results
            """);
        var supersedes = labs.Where(r => r[3] is not null).Select(r => (string)r[3]!).ToHashSet(StringComparer.Ordinal);
        var expected = labs.Where(r => r[3] is null).ToDictionary(r => (string)r[0]!, r =>
        {
            var flag = ((string?)r[4])?.ToUpperInvariant();
            var value = Dec(r[5]);
            var (low, high) = (Dec(r[6]), Dec(r[7]));
            bool? abnormal = flag is "L" or "H" or "LL" or "HH" or "A" ? true
                : flag == "N" ? false
                : value is not null && (low is not null || high is not null) ? value < (low ?? value) || value > (high ?? value)
                : null;
            var collected = (DateTime?)r[8] ?? (DateTime?)r[9] ?? (DateTime)r[10]!;
            return new object?[] { abnormal, flag is "LL" or "HH", supersedes.Contains((string)r[0]!), collected, GoldFixture.DateKey(collected), GoldFixture.KeyAsOf(versions, (string)r[1]!, (string)r[2]!, collected) };
        });
        Assert.True(labs.Count > expected.Count, "the generated hospital has corrected results");
        Assert.Contains(expected.Values, v => (bool)v[2]!);
        Assert.Contains(expected.Values, v => v[0] is true);

        var actual = await Sql.RowsAsync(Cs, "SELECT event_id, is_abnormal, is_critical, corrects_earlier, collected_at, date_key, patient_key FROM gold.fact_lab_results");
        Assert.Equal(expected.Count, actual.Count);
        foreach (var row in actual) Assert.Equal(expected[(string)row[0]!], row.Skip(1));
    }

    [Fact]
    public async Task Procedures_carry_their_encounter_date_and_patient_keys()
    {
        var versions = await gold.VersionsAsync();
        var classes = (await Sql.RowsAsync(Cs, "SELECT source, encounter_id, class FROM silver.encounters")).ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => (string?)r[2]);
        var expected = (await Sql.RowsAsync(Cs, "SELECT event_id, source, patient_id, encounter_id, performed_at, performed_end_at FROM silver.procedures"))
            .ToDictionary(r => (string)r[0]!, r =>
            {
                var at = (DateTime)r[4]!;
                var end = (DateTime?)r[5];
                return new object?[]
                {
                    r[3], r[3] is string e ? classes.GetValueOrDefault(((string)r[1]!, e)) : null, GoldFixture.DateKey(at),
                    end is null ? null : Math.Round((decimal)(end.Value - at).TotalSeconds / 60, 1, MidpointRounding.AwayFromZero),
                    GoldFixture.KeyAsOf(versions, (string)r[1]!, (string)r[2]!, at),
                };
            });
        Assert.True(expected.Count > 20);
        var actual = await Sql.RowsAsync(Cs, "SELECT event_id, encounter_id, encounter_class, date_key, duration_minutes, patient_key FROM gold.fact_procedures");
        Assert.Equal(expected.Count, actual.Count);
        foreach (var row in actual) Assert.Equal(expected[(string)row[0]!].Select(Normalise), row.Skip(1).Select(Normalise));
        Assert.Contains(actual, r => r[2] is "inpatient");
    }

    [Fact]
    public async Task Dim_patient_has_one_row_per_version_with_its_analytics_fields()
    {
        var restricted = new HashSet<string>(["036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893"], StringComparer.Ordinal);
        var expected = (await Sql.RowsAsync(Cs, "SELECT source, patient_id, version, valid_from, valid_to, birth_date, postal_code, sex FROM silver.patient_versions"))
            .ToDictionary(r => GoldFixture.PatientKey((string)r[0]!, (string)r[1]!, (int)r[2]!), r =>
            {
                var from = (DateTime)r[3]!;
                var birth = (DateOnly?)r[5];
                int? age = birth is null ? null : from.Year - birth.Value.Year - (from.Month < birth.Value.Month || (from.Month == birth.Value.Month && from.Day < birth.Value.Day) ? 1 : 0);
                var band = age switch { null or < 0 => null, < 18 => "0-17", < 45 => "18-44", < 65 => "45-64", < 75 => "65-74", < 85 => "75-84", _ => "85+" };
                var postal = (string?)r[6];
                var zip3 = postal is null || !System.Text.RegularExpressions.Regex.IsMatch(postal, "^[0-9]{5}(-?[0-9]{4})?$") ? null : restricted.Contains(postal[..3]) ? "000" : postal[..3];
                return new object?[] { r[0], r[1], r[2], r[4] is null, band, zip3, age >= 90 ? null : birth?.Year, r[7] };
            });
        Assert.True(expected.Count > 100);
        var actual = await Sql.RowsAsync(Cs, "SELECT patient_key, source, patient_id, version, is_current, age_band, zip3, birth_year, sex FROM gold.dim_patient");
        Assert.Equal(expected.Count, actual.Count);
        foreach (var row in actual) Assert.Equal(expected[(long)row[0]!], row.Skip(1));
        Assert.Equal(await Sql.ScalarAsync<long>(Cs, "SELECT count(*) FROM silver.patients"), actual.Count(r => (bool)r[4]!));
    }

    [Fact]
    public async Task Dim_date_is_a_calendar_of_whole_years_covering_every_fact_date()
    {
        var rows = await Sql.RowsAsync(Cs, """
            SELECT date_key, date, year, quarter, month, month_name, day_of_month, day_of_week, day_name, is_weekend, iso_year, iso_week, month_start, week_start, day_of_year
              FROM gold.dim_date ORDER BY date
            """);
        var first = (DateOnly)rows[0][1]!;
        var last = (DateOnly)rows[^1][1]!;
        Assert.Equal((1, 1, 12, 31), (first.Month, first.Day, last.Month, last.Day));
        Assert.Equal(last.DayNumber - first.DayNumber + 1, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var d = first.AddDays(i);
            var dt = d.ToDateTime(TimeOnly.MinValue);
            var isoDay = d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek;
            object?[] want =
            [
                d.Year * 10000 + d.Month * 100 + d.Day, d, d.Year, (d.Month + 2) / 3, d.Month, CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(d.Month), d.Day,
                isoDay, d.DayOfWeek.ToString(), isoDay >= 6, ISOWeek.GetYear(dt), ISOWeek.GetWeekOfYear(dt), new DateOnly(d.Year, d.Month, 1), d.AddDays(1 - isoDay), d.DayOfYear,
            ];
            Assert.Equal(want.Select(Normalise), rows[i].Select(Normalise));
        }

        foreach (var fact in new[] { "fact_vitals_hourly", "fact_lab_results", "fact_procedures" })
        {
            Assert.Equal(0L, await Sql.ScalarAsync<long>(Cs, $"SELECT count(*) FROM gold.{fact} f WHERE NOT EXISTS (SELECT 1 FROM gold.dim_date d WHERE d.date_key = f.date_key)"));
        }

        var years = await Sql.RowsAsync(Cs, "SELECT extract(year FROM min(first_event_at) AT TIME ZONE 'UTC')::int, extract(year FROM max(last_event_at) AT TIME ZONE 'UTC')::int FROM silver.encounters");
        Assert.True(first.Year <= (int)years[0][0]! && last.Year >= (int)years[0][1]!);
    }

    [Fact]
    public async Task Dim_location_lists_every_place_with_a_stable_key()
    {
        var facility = (await Sql.RowsAsync(Cs, "SELECT source, encounter_id, facility_id, unit, room, bed FROM silver.encounters"))
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => r);
        var places = new Dictionary<(string?, string?, string?, string?), long>();
        foreach (var r in await Sql.RowsAsync(Cs, "SELECT source, encounter_id, unit, room, bed FROM silver.encounter_locations"))
        {
            var key = ((string?)facility.GetValueOrDefault(((string)r[0]!, (string)r[1]!))?[2], (string?)r[2], (string?)r[3], (string?)r[4]);
            places[key] = places.GetValueOrDefault(key) + 1;
        }

        foreach (var e in facility.Values.Where(e => e[3] is not null)) places.TryAdd(((string?)e[2], (string?)e[3], (string?)e[4], (string?)e[5]), 0);
        var actual = await Sql.RowsAsync(Cs, "SELECT location_key, facility_id, unit, room, bed, stays FROM gold.dim_location");
        Assert.Equal(places.Count, actual.Count);
        Assert.True(actual.Count > 10);
        foreach (var row in actual)
        {
            var key = ((string?)row[1], (string?)row[2], (string?)row[3], (string?)row[4]);
            Assert.Equal(GoldFixture.LocationKey(key.Item1, key.Item2, key.Item3, key.Item4), (long)row[0]!);
            Assert.Equal(places[key], (long)row[5]!);
        }
    }
}
