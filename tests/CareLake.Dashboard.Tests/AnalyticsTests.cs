namespace CareLake.Dashboard.Tests;

/// <summary>The analytics endpoints' numbers against SQL computed here on the same database, and their filters.</summary>
[Collection(HospitalServerCollection.Name)]
public sealed class AnalyticsTests(HospitalServer hospital)
{
    private const string Inpatient = "encounter_class = 'inpatient'";

    [Fact]
    public async Task The_filter_choices_list_every_unit_and_condition_group()
    {
        var units = await hospital.TableAsync("/v1/analytics/units");
        Assert.Equal(["value", "label"], units.Columns);
        var listed = units.Column("value").Select(AnalyticsDb.Text).ToHashSet();
        foreach (var row in await hospital.RowsAsync("SELECT DISTINCT unit FROM gold.mart_census_daily UNION SELECT DISTINCT unit FROM gold.fact_encounter WHERE unit IS NOT NULL"))
            Assert.Contains((string)row[0]!, listed);

        var conditions = await hospital.TableAsync("/v1/analytics/conditions");
        Assert.Equal(["ami", "copd", "heart_failure", "pneumonia", "other"], conditions.Column("value").Select(AnalyticsDb.Text));
        Assert.Equal("Heart Failure", AnalyticsDb.Text(conditions.Rows[2][1]));
    }

    [Fact]
    public async Task Admissions_count_every_encounter_by_day_and_class_and_narrow_with_the_filters()
    {
        var all = await hospital.TableAsync("/v1/analytics/admissions");
        Assert.Equal(await hospital.CountAsync("SELECT count(*) FROM gold.fact_encounter WHERE admit_date IS NOT NULL"), (long)all.Sum("encounters"));
        var perDay = await hospital.RowsAsync("SELECT admit_date, encounter_class, count(*) FROM gold.fact_encounter WHERE admit_date IS NOT NULL GROUP BY 1, 2");
        var api = all.Rows.ToDictionary(r => $"{AnalyticsDb.Text(r[0])}|{AnalyticsDb.Text(r[1])}", r => r[2].GetInt64());
        Assert.Equal(perDay.Count, api.Count);
        foreach (var row in perDay) Assert.Equal((long)row[2]!, api[$"{AnalyticsDb.Text(row[0])}|{row[1]}"]);

        var middle = await hospital.MiddleAdmitDayAsync();
        var later = await hospital.TableAsync($"/v1/analytics/admissions?from={AnalyticsDb.Day(middle)}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM gold.fact_encounter WHERE admit_date >= '{AnalyticsDb.Day(middle)}'"), (long)later.Sum("encounters"));
        Assert.InRange(later.Sum("encounters"), 1, all.Sum("encounters") - 1);
        Assert.All(later.Column("day"), d => Assert.True(string.CompareOrdinal(d.GetString(), AnalyticsDb.Day(middle)) >= 0));

        var heartFailure = await hospital.TableAsync("/v1/analytics/admissions?condition=heart_failure");
        Assert.Equal(await hospital.CountAsync("SELECT count(*) FROM gold.fact_encounter WHERE condition_group = 'heart_failure'"), (long)heartFailure.Sum("encounters"));
        var unit = await BusiestUnitAsync();
        var onUnit = await hospital.TableAsync($"/v1/analytics/admissions?unit={unit}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM gold.fact_encounter WHERE unit = '{unit}'"), (long)onUnit.Sum("encounters"));
        Assert.True(onUnit.Sum("encounters") < all.Sum("encounters"));
    }

    [Fact]
    public async Task The_census_sums_the_units_of_the_census_mart_and_ignores_the_condition()
    {
        var mart = await hospital.RowsAsync("SELECT census_date, unit, in_house_midnight, in_house_during_day, admissions, discharges FROM gold.mart_census_daily");
        var census = await hospital.TableAsync("/v1/analytics/census");
        var midnight = census.Map("day", "in_house_midnight");
        var byDay = mart.GroupBy(r => AnalyticsDb.Text(r[0])).ToList();
        Assert.Equal(byDay.Count, midnight.Count);
        foreach (var day in byDay) Assert.Equal(day.Sum(r => AnalyticsDb.Number(r[2])), midnight[day.Key]);
        Assert.Equal(mart.Sum(r => AnalyticsDb.Number(r[4])), census.Sum("admissions"));
        Assert.True(census.Sum("in_house_midnight") > 0);

        var unit = await BusiestUnitAsync();
        var onUnit = await hospital.TableAsync($"/v1/analytics/census?unit={unit}");
        Assert.Equal(mart.Where(r => (string)r[1]! == unit).Sum(r => AnalyticsDb.Number(r[3])), onUnit.Sum("in_house_during_day"));
        Assert.True(onUnit.Sum("in_house_during_day") < census.Sum("in_house_during_day"));

        var withCondition = await hospital.TableAsync("/v1/analytics/census?condition=heart_failure");
        Assert.Equal(census.Rows.Count, withCondition.Rows.Count);
        Assert.Equal(census.Sum("in_house_midnight"), withCondition.Sum("in_house_midnight"));
    }

    [Fact]
    public async Task The_length_of_stay_histogram_bins_every_inpatient_stay_with_a_length_of_stay()
    {
        var los = (await hospital.RowsAsync($"SELECT los_days FROM gold.fact_encounter WHERE {Inpatient} AND los_days IS NOT NULL"))
            .Select(r => (int)r[0]!).ToList();
        Assert.NotEmpty(los);
        var histogram = await hospital.TableAsync("/v1/analytics/los/distribution");
        Assert.Equal(17, histogram.Rows.Count);
        Assert.Equal(los.Count, (int)histogram.Sum("encounters"));
        var bins = histogram.Map("los_days_bin", "encounters");
        for (var day = 0; day <= 13; day++) Assert.Equal(los.Count(d => d == day), bins[day.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(los.Count(d => d is >= 14 and <= 20), bins["14-20"]);
        Assert.Equal(los.Count(d => d >= 30), bins["30+"]);

        var middle = await hospital.MiddleAdmitDayAsync();
        var earlier = await hospital.TableAsync($"/v1/analytics/los/distribution?to={AnalyticsDb.Day(middle)}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM gold.fact_encounter WHERE {Inpatient} AND los_days IS NOT NULL AND discharge_date <= '{AnalyticsDb.Day(middle)}'"),
            (long)earlier.Sum("encounters"));
        Assert.True(earlier.Sum("encounters") < los.Count);
    }

    [Fact]
    public async Task The_length_of_stay_trend_equals_the_month_rows_of_the_los_mart()
    {
        var mart = await hospital.RowsAsync("SELECT month, encounters, mean_los_days, median_los_days, p90_los_days FROM gold.mart_los WHERE grouping = 'month' ORDER BY month");
        var trend = await hospital.TableAsync("/v1/analytics/los/trend");
        Assert.Equal(mart.Select(r => AnalyticsDb.Text(r[0])), trend.Column("month").Select(AnalyticsDb.Text));
        for (var i = 0; i < mart.Count; i++)
        {
            Assert.Equal(AnalyticsDb.Number(mart[i][1]), trend.Rows[i][trend.Index("encounters")].GetDouble());
            Assert.Equal(Math.Round(AnalyticsDb.Number(mart[i][2]), 2), trend.Rows[i][trend.Index("mean_los_days")].GetDouble(), 6);
            Assert.Equal(Math.Round(AnalyticsDb.Number(mart[i][3]), 2), trend.Rows[i][trend.Index("median_los_days")].GetDouble(), 6);
            Assert.Equal(Math.Round(AnalyticsDb.Number(mart[i][4]), 2), trend.Rows[i][trend.Index("p90_los_days")].GetDouble(), 6);
        }

        var condition = await TopConditionAsync();
        var filtered = await hospital.TableAsync($"/v1/analytics/los/trend?condition={condition}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM gold.fact_encounter WHERE {Inpatient} AND los_days IS NOT NULL AND condition_group = '{condition}'"),
            (long)filtered.Sum("encounters"));
    }

    [Fact]
    public async Task Readmission_rates_by_condition_group_are_readmitted_over_index_eligible_stays()
    {
        var facts = await hospital.RowsAsync("SELECT condition_group, count(*), count(*) FILTER (WHERE readmitted_30d) FROM gold.fact_encounter WHERE index_eligible GROUP BY 1");
        Assert.NotEmpty(facts);
        var api = await hospital.TableAsync("/v1/analytics/readmissions/by-condition");
        Assert.Contains("readmission_rate_pct", api.Columns);
        var stays = api.Map("condition_group", "index_stays");
        var readmitted = api.Map("condition_group", "readmissions");
        var rates = api.Map("condition_group", "readmission_rate_pct");
        Assert.Equal(facts.Count, api.Rows.Count);
        foreach (var row in facts)
        {
            var group = (string)row[0]!;
            Assert.Equal(AnalyticsDb.Number(row[1]), stays[group]);
            Assert.Equal(AnalyticsDb.Number(row[2]), readmitted[group]);
            Assert.Equal(Math.Round(100.0 * AnalyticsDb.Number(row[2]) / AnalyticsDb.Number(row[1]), 1, MidpointRounding.AwayFromZero), rates[group], 6);
        }

        // The readmission mart, summed over its detail rows, agrees.
        var mart = await hospital.RowsAsync("SELECT condition_group, sum(index_stays), sum(readmissions) FROM gold.mart_readmissions WHERE grouping = 'detail' GROUP BY 1");
        foreach (var row in mart)
        {
            Assert.Equal(AnalyticsDb.Number(row[1]), stays[(string)row[0]!]);
            Assert.Equal(AnalyticsDb.Number(row[2]), readmitted[(string)row[0]!]);
        }

        var one = await hospital.TableAsync("/v1/analytics/readmissions/by-condition?condition=other");
        Assert.Equal(["other"], one.Column("condition_group").Select(AnalyticsDb.Text));
        var unit = await BusiestUnitAsync();
        var onUnit = await hospital.TableAsync($"/v1/analytics/readmissions/by-condition?unit={unit}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(*) FROM gold.fact_encounter WHERE index_eligible AND unit = '{unit}'"), (long)onUnit.Sum("index_stays"));
        Assert.True(onUnit.Sum("index_stays") < api.Sum("index_stays"));
    }

    [Fact]
    public async Task Readmission_rates_by_month_equal_the_month_rows_of_the_readmission_mart()
    {
        var mart = await hospital.RowsAsync("SELECT month, index_stays, readmissions, rate FROM gold.mart_readmissions WHERE grouping = 'month' ORDER BY month");
        var api = await hospital.TableAsync("/v1/analytics/readmissions/by-month");
        Assert.Equal(mart.Select(r => AnalyticsDb.Text(r[0])), api.Column("month").Select(AnalyticsDb.Text));
        for (var i = 0; i < mart.Count; i++)
        {
            Assert.Equal(AnalyticsDb.Number(mart[i][1]), api.Rows[i][api.Index("index_stays")].GetDouble());
            Assert.Equal(AnalyticsDb.Number(mart[i][2]), api.Rows[i][api.Index("readmissions")].GetDouble());
            Assert.Equal(100 * AnalyticsDb.Number(mart[i][3]), api.Rows[i][api.Index("readmission_rate_pct")].GetDouble(), 0.051);
        }
    }

    [Theory]
    [InlineData("sex")]
    [InlineData("race")]
    [InlineData("age_band")]
    public async Task Readmissions_by_demographics_sum_the_readmission_marts_detail_rows(string by)
    {
        var mart = await hospital.RowsAsync($"SELECT {by}, sum(index_stays), sum(readmissions) FROM gold.mart_readmissions WHERE grouping = 'detail' GROUP BY 1");
        var api = await hospital.TableAsync($"/v1/analytics/readmissions/by-demographic?by={by}");
        Assert.Equal(by, api.Columns[0]);
        var stays = api.Map(by, "index_stays");
        var readmitted = api.Map(by, "readmissions");
        Assert.Equal(mart.Count, api.Rows.Count);
        foreach (var row in mart)
        {
            Assert.Equal(AnalyticsDb.Number(row[1]), stays[(string)row[0]!]);
            Assert.Equal(AnalyticsDb.Number(row[2]), readmitted[(string)row[0]!]);
        }
    }

    [Fact]
    public async Task Readmissions_by_ethnicity_follow_the_patient_version_as_of_admission()
    {
        var facts = await hospital.RowsAsync("""
            SELECT coalesce(p.ethnicity, 'unknown'), count(*), count(*) FILTER (WHERE f.readmitted_30d)
            FROM gold.fact_encounter f LEFT JOIN gold.dim_patient p ON p.patient_key = f.patient_key
            WHERE f.index_eligible GROUP BY 1
            """);
        var api = await hospital.TableAsync("/v1/analytics/readmissions/by-demographic?by=ethnicity&condition=other");
        var all = await hospital.TableAsync("/v1/analytics/readmissions/by-demographic?by=ethnicity");
        var stays = all.Map("ethnicity", "index_stays");
        foreach (var row in facts) Assert.Equal(AnalyticsDb.Number(row[1]), stays[(string)row[0]!]);
        Assert.True(api.Sum("index_stays") <= all.Sum("index_stays"));
        Assert.Equal(await hospital.CountAsync("SELECT count(*) FROM gold.fact_encounter WHERE index_eligible AND condition_group = 'other'"), (long)api.Sum("index_stays"));
    }

    [Fact]
    public async Task The_lace_distribution_counts_scored_stays_in_the_documented_bands()
    {
        var facts = await hospital.RowsAsync($"SELECT lace_score, count(*) FROM gold.fact_encounter WHERE {Inpatient} AND lace_score IS NOT NULL GROUP BY 1");
        Assert.NotEmpty(facts);
        var api = await hospital.TableAsync("/v1/analytics/lace");
        var counts = api.Map("lace_score", "encounters");
        Assert.Equal(facts.Count, counts.Count);
        foreach (var row in facts) Assert.Equal(AnalyticsDb.Number(row[1]), counts[AnalyticsDb.Text(row[0])]);
        foreach (var row in api.Rows)
        {
            var score = row[api.Index("lace_score")].GetInt32();
            Assert.Equal(score <= 4 ? "low" : score <= 9 ? "moderate" : "high", row[api.Index("lace_band")].GetString());
        }

        var middle = await hospital.MiddleAdmitDayAsync();
        var later = await hospital.TableAsync($"/v1/analytics/lace?from={AnalyticsDb.Day(middle)}");
        Assert.True(later.Sum("encounters") < api.Sum("encounters"));
    }

    [Fact]
    public async Task Demographics_count_each_patient_with_an_encounter_once()
    {
        var patients = await hospital.CountAsync("SELECT count(DISTINCT (source, patient_id)) FROM gold.fact_encounter");
        var encounters = await hospital.CountAsync("SELECT count(*) FROM gold.fact_encounter");
        foreach (var by in new[] { "age_band", "sex", "race", "ethnicity" })
        {
            var api = await hospital.TableAsync($"/v1/analytics/demographics?by={by}");
            Assert.Equal(by, api.Columns[0]);
            Assert.Equal(patients, (long)api.Sum("patients"));
            Assert.Equal(encounters, (long)api.Sum("encounters"));
        }

        var sexes = await hospital.RowsAsync("""
            SELECT coalesce(p.sex, 'unknown'), count(DISTINCT (f.source, f.patient_id))
            FROM gold.fact_encounter f
            LEFT JOIN gold.dim_patient p ON p.source = f.source AND p.patient_id = f.patient_id AND p.is_current
            GROUP BY 1
            """);
        var bySex = (await hospital.TableAsync("/v1/analytics/demographics?by=sex")).Map("sex", "patients");
        foreach (var row in sexes) Assert.Equal(AnalyticsDb.Number(row[1]), bySex[(string)row[0]!]);

        var middle = await hospital.MiddleAdmitDayAsync();
        var earlier = await hospital.TableAsync($"/v1/analytics/demographics?by=sex&to={AnalyticsDb.Day(middle)}");
        Assert.Equal(await hospital.CountAsync($"SELECT count(DISTINCT (source, patient_id)) FROM gold.fact_encounter WHERE admit_date <= '{AnalyticsDb.Day(middle)}'"),
            (long)earlier.Sum("patients"));
        Assert.True(earlier.Sum("patients") < patients);
    }

    [Fact]
    public async Task Top_diagnoses_and_procedures_equal_the_diagnosis_pattern_mart()
    {
        var diagnoses = await hospital.TableAsync("/v1/analytics/diagnoses/top");
        var martDiagnoses = await hospital.RowsAsync("SELECT code, description, encounters, patients FROM gold.mart_diagnosis_patterns WHERE pattern = 'principal_diagnosis' AND rank <= 15 ORDER BY rank");
        Assert.NotEmpty(martDiagnoses);
        Assert.Equal(martDiagnoses.Select(r => (string)r[0]!), diagnoses.Column("code").Select(AnalyticsDb.Text));
        Assert.Equal(martDiagnoses.Select(r => AnalyticsDb.Number(r[2])), diagnoses.Column("encounters").Select(v => v.GetDouble()));
        Assert.Equal(martDiagnoses.Select(r => AnalyticsDb.Number(r[3])), diagnoses.Column("patients").Select(v => v.GetDouble()));
        Assert.Equal(martDiagnoses.Select(r => (string?)r[1] ?? ""), diagnoses.Column("description").Select(AnalyticsDb.Text));

        var procedures = await hospital.TableAsync("/v1/analytics/procedures/top");
        var martProcedures = await hospital.RowsAsync("SELECT code_system || ' ' || code, encounters, patients FROM gold.mart_diagnosis_patterns WHERE pattern = 'procedure' AND rank <= 15 ORDER BY rank");
        Assert.NotEmpty(martProcedures);
        Assert.Equal(martProcedures.Select(r => (string)r[0]!), procedures.Rows.Select(r => $"{r[procedures.Index("code_system")].GetString()} {r[procedures.Index("code")].GetString()}"));
        Assert.Equal(martProcedures.Select(r => AnalyticsDb.Number(r[1])), procedures.Column("encounters").Select(v => v.GetDouble()));

        var condition = await TopConditionAsync();
        var filtered = await hospital.TableAsync($"/v1/analytics/diagnoses/top?condition={condition}");
        var expected = await hospital.RowsAsync($"""
            SELECT principal_diagnosis_code, count(*) FROM gold.fact_encounter
            WHERE {Inpatient} AND principal_diagnosis_code IS NOT NULL AND condition_group = '{condition}'
            GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15
            """);
        Assert.Equal(expected.Select(r => (string)r[0]!), filtered.Column("code").Select(AnalyticsDb.Text));
        Assert.Equal(expected.Select(r => AnalyticsDb.Number(r[1])), filtered.Column("encounters").Select(v => v.GetDouble()));
    }

    [Fact]
    public async Task Comorbidity_pairs_equal_the_mart_and_the_matrix_is_symmetric()
    {
        var api = await hospital.TableAsync("/v1/analytics/comorbidity");
        var cells = api.Rows.ToDictionary(r => (AnalyticsDb.Text(r[0]), AnalyticsDb.Text(r[1])), r => r[2].GetDouble());
        var pairs = await hospital.RowsAsync("SELECT code, other_code, encounters FROM gold.mart_diagnosis_patterns WHERE pattern = 'comorbidity_pair'");
        Assert.NotEmpty(pairs);
        foreach (var row in pairs)
        {
            Assert.Equal(AnalyticsDb.Number(row[2]), cells[((string)row[0]!, (string)row[1]!)]);
            Assert.Equal(AnalyticsDb.Number(row[2]), cells[((string)row[1]!, (string)row[0]!)]);
        }

        Assert.Equal(pairs.Count * 2, cells.Count(c => c.Key.Item1 != c.Key.Item2));
        var groups = await hospital.RowsAsync($"SELECT c, count(*) FROM gold.fact_encounter, unnest(charlson_conditions) c WHERE {Inpatient} GROUP BY 1");
        foreach (var row in groups) Assert.Equal(AnalyticsDb.Number(row[1]), cells[((string)row[0]!, (string)row[0]!)]);
    }

    [Theory]
    [InlineData("/v1/analytics/admissions?from=2026-13-01")]
    [InlineData("/v1/analytics/los/distribution?from=yesterday")]
    [InlineData("/v1/analytics/readmissions/by-condition?from=2026-02-01&to=2026-01-01")]
    [InlineData("/v1/analytics/readmissions/by-demographic")]
    [InlineData("/v1/analytics/readmissions/by-demographic?by=zip3")]
    [InlineData("/v1/analytics/demographics?by=ssn")]
    [InlineData("/v1/analytics/demographics?by=sex&to=01/02/2026")]
    [InlineData("/v1/analytics/comorbidity?to=2026-02-30")]
    public async Task Invalid_filters_are_problems(string path) => await hospital.AssertProblemAsync(path);

    [Fact]
    public async Task An_unknown_unit_or_condition_answers_empty_rather_than_everything()
    {
        Assert.Empty((await hospital.TableAsync("/v1/analytics/admissions?unit=NOWHERE")).Rows);
        Assert.Empty((await hospital.TableAsync("/v1/analytics/readmissions/by-condition?condition=gout")).Rows);
        Assert.Equal(0, (await hospital.TableAsync("/v1/analytics/los/distribution?condition=gout")).Sum("encounters"));
    }

    [Theory]
    [InlineData("/analytics")]
    [InlineData("/vitals")]
    public async Task Every_chart_and_table_of_the_page_reads_an_endpoint_with_the_columns_it_plots(string page)
    {
        var html = await hospital.Client.GetStringAsync(page);
        var elements = System.Text.RegularExpressions.Regex.Matches(html, "<(figure|table) class=\"(?:chart|data)[^\"]*\"([^>]*)>");
        Assert.True(elements.Count >= 8, $"{page} has {elements.Count} charts and tables");
        foreach (System.Text.RegularExpressions.Match element in elements)
        {
            string? Attribute(string name) =>
                System.Text.RegularExpressions.Regex.Match(element.Groups[2].Value, $"data-{name}=\"([^\"]*)\"") is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value) : null;
            var api = Attribute("api");
            Assert.NotNull(api);
            Assert.Contains("data-filtered", element.Groups[2].Value, StringComparison.Ordinal);
            var table = await hospital.TableAsync(api);
            Assert.NotEmpty(table.Rows);
            var plotted = new[] { Attribute("x"), Attribute("series"), Attribute("value"), Attribute("link-column") }
                .Concat(Attribute("y")?.Split(',') ?? []).Concat(Attribute("columns")?.Split(',') ?? []);
            foreach (var column in plotted.Where(c => c is not null)) Assert.Contains(column!, table.Columns);
        }
    }

    [Fact]
    public async Task The_openapi_document_describes_every_analytics_and_vitals_endpoint_with_its_filters()
    {
        var document = System.Text.Json.JsonDocument.Parse(await hospital.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v1/analytics/", StringComparison.Ordinal) || p.Name.StartsWith("/v1/vitals/", StringComparison.Ordinal)).ToList();
        Assert.Equal(23, paths.Count);
        foreach (var path in paths)
        {
            var get = path.Value.GetProperty("get");
            Assert.False(string.IsNullOrEmpty(get.GetProperty("summary").GetString()), path.Name);
            var description = get.GetProperty("description").GetString()!;
            Assert.True(description.Contains("Honours", StringComparison.Ordinal) || description.Contains("no filter", StringComparison.OrdinalIgnoreCase), $"{path.Name}: {description}");
        }
    }

    private async Task<string> BusiestUnitAsync() =>
        (string)(await hospital.RowsAsync("SELECT unit FROM gold.fact_encounter WHERE index_eligible GROUP BY unit ORDER BY count(*) DESC, unit LIMIT 1"))[0][0]!;

    private async Task<string> TopConditionAsync() =>
        (string)(await hospital.RowsAsync($"SELECT condition_group FROM gold.fact_encounter WHERE {Inpatient} AND condition_group <> 'other' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"))[0][0]!;
}
