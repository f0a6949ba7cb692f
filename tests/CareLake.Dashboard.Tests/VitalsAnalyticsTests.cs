namespace CareLake.Dashboard.Tests;

/// <summary>The vitals view's endpoints against SQL computed here on the same database, and their filters.</summary>
[Collection(HospitalServerCollection.Name)]
public sealed class VitalsAnalyticsTests(HospitalServer hospital)
{
    [Fact]
    public async Task The_heart_rate_histogram_bins_every_set_with_a_heart_rate()
    {
        var rates = (await hospital.RowsAsync("SELECT heart_rate FROM silver.vital_signs WHERE heart_rate IS NOT NULL"))
            .Select(r => AnalyticsDb.Number(r[0])).ToList();
        Assert.NotEmpty(rates);
        var api = await hospital.TableAsync("/v1/vitals/heart-rate/histogram");
        Assert.Equal(rates.Count, (int)api.Sum("sets"));
        var bins = api.Map("heart_rate_bin", "sets");
        Assert.Equal(13, bins.Count);
        Assert.Equal(rates.Count(r => r < 40), bins["<40"]);
        Assert.Equal(rates.Count(r => r is >= 70 and < 80), bins["70-79"]);
        Assert.Equal(rates.Count(r => r is >= 100 and < 110), bins["100-109"]);
        Assert.Equal(rates.Count(r => r >= 150), bins["150+"]);

        var middle = await hospital.MiddleAdmitDayAsync();
        var later = await hospital.TableAsync($"/v1/vitals/heart-rate/histogram?from={AnalyticsDb.Day(middle)}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM silver.vital_signs WHERE heart_rate IS NOT NULL AND measured_at >= '{AnalyticsDb.Day(middle)}T00:00:00Z'"),
            (long)later.Sum("sets"));
        Assert.InRange(later.Sum("sets"), 1, rates.Count - 1);
    }

    [Fact]
    public async Task The_spo2_histogram_bins_every_set_with_an_spo2_and_follows_unit_and_condition()
    {
        var values = (await hospital.RowsAsync("SELECT spo2 FROM silver.vital_signs WHERE spo2 IS NOT NULL")).Select(r => AnalyticsDb.Number(r[0])).ToList();
        var api = await hospital.TableAsync("/v1/vitals/spo2/histogram");
        Assert.Equal(values.Count, (int)api.Sum("sets"));
        var bins = api.Map("spo2_bin", "sets");
        Assert.Equal(values.Count(v => v < 86), bins["<=85"]);
        Assert.Equal(values.Count(v => v >= 96 && v < 97), bins["96"]);
        Assert.Equal(values.Count(v => v >= 100), bins["100"]);

        var unit = (string)(await hospital.RowsAsync("""
            SELECT f.unit FROM silver.vital_signs v JOIN gold.fact_encounter f ON f.source = v.source AND f.encounter_id = v.encounter_id
            WHERE f.unit IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
            """))[0][0]!;
        var onUnit = await hospital.TableAsync($"/v1/vitals/spo2/histogram?unit={unit}");
        Assert.Equal(await hospital.CountAsync($"""
            SELECT count(*) FROM silver.vital_signs v JOIN gold.fact_encounter f ON f.source = v.source AND f.encounter_id = v.encounter_id
            WHERE v.spo2 IS NOT NULL AND f.unit = '{unit}'
            """), (long)onUnit.Sum("sets"));
        Assert.InRange(onUnit.Sum("sets"), 1, values.Count - 1);
        var copd = await hospital.TableAsync("/v1/vitals/spo2/histogram?condition=copd");
        Assert.Equal(await hospital.CountAsync("""
            SELECT count(*) FROM silver.vital_signs v JOIN gold.fact_encounter f ON f.source = v.source AND f.encounter_id = v.encounter_id
            WHERE v.spo2 IS NOT NULL AND f.condition_group = 'copd'
            """), (long)copd.Sum("sets"));
    }

    [Fact]
    public async Task Heart_rate_by_band_gives_each_bands_sets_and_percentiles()
    {
        var sets = (await hospital.RowsAsync("SELECT news2_band, heart_rate FROM silver.vital_signs WHERE news2_complete AND heart_rate IS NOT NULL AND news2_band IS NOT NULL"))
            .GroupBy(r => (string)r[0]!, r => AnalyticsDb.Number(r[1])).ToDictionary(g => g.Key, g => g.OrderBy(v => v).ToList());
        var api = await hospital.TableAsync("/v1/vitals/heart-rate/by-band");
        Assert.Equal(new[] { "low", "low-medium", "medium", "high" }.Where(sets.ContainsKey), api.Column("news2_band").Select(AnalyticsDb.Text));
        foreach (var row in api.Rows)
        {
            var values = sets[row[0].GetString()!];
            Assert.Equal(values.Count, row[api.Index("sets")].GetInt32());
            Assert.Equal(Math.Round(values.Average(), 1, MidpointRounding.AwayFromZero), row[api.Index("mean_heart_rate")].GetDouble(), 6);
            Assert.Equal(Math.Round(Percentile(values, 0.5), 1, MidpointRounding.AwayFromZero), row[api.Index("median_heart_rate")].GetDouble(), 6);
            Assert.Equal(Math.Round(Percentile(values, 0.9), 1, MidpointRounding.AwayFromZero), row[api.Index("p90_heart_rate")].GetDouble(), 6);
        }

        // Sicker sets beat faster: the high band's median heart rate is above the low band's.
        var medians = api.Map("news2_band", "median_heart_rate");
        Assert.True(medians["high"] > medians["low"]);
    }

    [Fact]
    public async Task Top_patients_are_the_alert_marts_ranking_and_follow_the_filters()
    {
        var api = await hospital.TableAsync("/v1/vitals/top-patients");
        Assert.InRange(api.Rows.Count, 1, 20);
        var mart = (await hospital.RowsAsync("SELECT patient_id, alert_rank, alerts, critical_alerts FROM gold.mart_alerts_patients"))
            .ToDictionary(r => (string)r[0]!, r => r);
        foreach (var row in api.Rows)
        {
            var expected = mart[row[api.Index("patient_id")].GetString()!];
            Assert.Equal(AnalyticsDb.Number(expected[1]), row[api.Index("alert_rank")].GetDouble());
            Assert.Equal(AnalyticsDb.Number(expected[2]), row[api.Index("alerts")].GetDouble());
            Assert.Equal(AnalyticsDb.Number(expected[3]), row[api.Index("critical_alerts")].GetDouble());
        }

        var alerts = api.Column("alerts").Select(v => v.GetInt32()).ToList();
        Assert.Equal(alerts.OrderByDescending(a => a), alerts);
        Assert.Equal(mart.Values.Where(r => AnalyticsDb.Number(r[1]) <= 20).Select(r => AnalyticsDb.Number(r[2])).OrderDescending().Take(20),
            alerts.Select(a => (double)a));

        var unit = (string)(await hospital.RowsAsync("SELECT unit FROM gold.mart_alerts_vitals WHERE unit IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"))[0][0]!;
        var onUnit = await hospital.TableAsync($"/v1/vitals/top-patients?unit={unit}");
        var first = onUnit.Rows[0];
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM silver.clinical_alerts a JOIN gold.mart_alerts_vitals m USING (alert_id) WHERE m.unit = '{unit}' AND a.patient_id = '{first[onUnit.Index("patient_id")].GetString()}'"),
            first[onUnit.Index("alerts")].GetInt64());
    }

    [Fact]
    public async Task Alerts_by_band_and_severity_count_every_clinical_alert()
    {
        var api = await hospital.TableAsync("/v1/vitals/alerts/severity");
        Assert.Equal(await hospital.CountAsync("SELECT count(*) FROM silver.clinical_alerts"), (long)api.Sum("alerts"));
        var bySeverity = api.Rows.GroupBy(r => r[api.Index("severity")].GetString()!).ToDictionary(g => g.Key, g => g.Sum(r => r[api.Index("alerts")].GetInt64()));
        foreach (var row in await hospital.RowsAsync("SELECT severity, count(*) FROM silver.clinical_alerts GROUP BY 1"))
            Assert.Equal(Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture), bySeverity[(string)row[0]!]);
        // A high-band set raises the critical (aggregate >= 7) alert.
        Assert.All(api.Rows.Where(r => r[0].GetString() == "high"), r => Assert.Equal("critical", r[1].GetString()));

        var daily = await hospital.TableAsync("/v1/vitals/alerts/daily");
        var mart = await hospital.RowsAsync("SELECT alert_date, sum(alerts) FROM gold.mart_alerts_daily GROUP BY 1");
        var perDay = daily.Rows.GroupBy(r => AnalyticsDb.Text(r[0])).ToDictionary(g => g.Key, g => g.Sum(r => r[2].GetDouble()));
        Assert.Equal(mart.Count, perDay.Count);
        foreach (var row in mart) Assert.Equal(AnalyticsDb.Number(row[1]), perDay[AnalyticsDb.Text(row[0])]);

        var lastDay = mart.Max(r => (DateOnly)r[0]!);
        var recent = await hospital.TableAsync($"/v1/vitals/alerts/severity?from={AnalyticsDb.Day(lastDay.AddDays(-14))}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM gold.mart_alerts_vitals WHERE alert_date >= '{AnalyticsDb.Day(lastDay.AddDays(-14))}'"), (long)recent.Sum("alerts"));
        Assert.True(recent.Sum("alerts") < api.Sum("alerts"));
    }

    [Fact]
    public async Task Vitals_at_alert_time_match_the_sets_that_raised_the_alerts()
    {
        var parameters = await hospital.TableAsync("/v1/vitals/alerts/parameters");
        var red = (await hospital.RowsAsync("SELECT red_parameters FROM gold.mart_alerts_vitals")).SelectMany(r => (string[])r[0]!).ToList();
        Assert.NotEmpty(red);
        var counts = parameters.Map("parameter", "alerts");
        foreach (var name in red.Distinct()) Assert.Equal(red.Count(p => p == name), counts[name]);

        var scores = await hospital.TableAsync("/v1/vitals/alerts/scores");
        Assert.Equal(await hospital.CountAsync("SELECT count(*) FROM silver.clinical_alerts a JOIN silver.vital_signs v ON v.event_id = a.event_id WHERE v.news2_score IS NOT NULL"),
            (long)scores.Sum("alerts"));

        var latest = await hospital.TableAsync("/v1/vitals/alerts/vitals");
        Assert.InRange(latest.Rows.Count, 1, 500);
        var times = latest.Column("measured_at").Select(v => DateTimeOffset.Parse(v.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderDescending(), times);
        var newest = latest.Rows[0];
        var set = await hospital.RowsAsync($"""
            SELECT v.heart_rate, v.spo2 FROM silver.clinical_alerts a JOIN silver.vital_signs v ON v.event_id = a.event_id
            WHERE v.heart_rate IS NOT NULL AND v.spo2 IS NOT NULL ORDER BY a.measured_at DESC, a.alert_id DESC LIMIT 1
            """);
        Assert.Equal(AnalyticsDb.Number(set[0][0]), newest[latest.Index("heart_rate")].GetDouble());
        Assert.Equal(AnalyticsDb.Number(set[0][1]), newest[latest.Index("spo2")].GetDouble());
    }

    [Theory]
    [InlineData("/v1/vitals/heart-rate/histogram?from=2026-1-1")]
    [InlineData("/v1/vitals/spo2/histogram?to=tomorrow")]
    [InlineData("/v1/vitals/top-patients?from=2026-03-02&to=2026-03-01")]
    [InlineData("/v1/vitals/alerts/vitals?from=20260101")]
    public async Task Invalid_filters_are_problems(string path) => await hospital.AssertProblemAsync(path);

    /// <summary>Continuous percentile (PostgreSQL's percentile_cont) of sorted values.</summary>
    private static double Percentile(List<double> sorted, double fraction)
    {
        var position = fraction * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
