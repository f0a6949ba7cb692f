using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CareLake.Dashboard;

/// <summary>
/// The analytics view's endpoints (<c>/v1/analytics/…</c>): admissions and census, length of stay, 30-day
/// readmissions, LACE, demographics, top diagnoses and procedures, comorbidity co-occurrence, and the filter choices.
/// Every query reads gold (<c>Queries/Analytics/*.sql</c>); each description says which filters it honours.
/// </summary>
public static class AnalyticsEndpoints
{
    private const string Encounters = "Encounter filters: unit = the encounter's last unit (gold.fact_encounter.unit), condition = its condition group.";

    /// <summary>The demographic fields a breakdown may be by, each with its own query file.</summary>
    public static IReadOnlyList<string> Demographics { get; } = ["age_band", "sex", "race", "ethnicity"];

    public static void MapAnalytics(this IEndpointRouteBuilder app, TableQuery queries)
    {
        var group = app.MapGroup("/v1/analytics").WithTags("Analytics");

        MapChoices(group, "/units", "Analytics/units.sql", queries, "AnalyticsUnits", "Units to filter by",
            "Every unit an encounter was placed on (gold.dim_location) as rows [value, label], for the unit filter. Takes no filter.");
        MapChoices(group, "/conditions", "Analytics/conditions.sql", queries, "AnalyticsConditions", "Condition groups to filter by",
            "The readmission condition groups (gold.seed_condition_groups and `other`) as rows [value, label], for the condition filter. Takes no filter.");

        group.MapTable("/admissions", "Analytics/admissions.sql", queries, "AnalyticsAdmissions", "Admissions per day",
            "Encounters admitted per day (admit_date) and encounter class, from gold.fact_encounter: columns day, encounter_class, encounters. " +
            "Honours from/to (admit_date), unit and condition. " + Encounters);
        group.MapTable("/census", "Analytics/census.sql", queries, "AnalyticsCensus", "Daily census",
            "gold.mart_census_daily summed over units per facility day: in_house_midnight, in_house_during_day, admissions, discharges. " +
            "Honours from/to (census_date) and unit. The condition filter does not apply to the census (the mart has no diagnosis) and is ignored.");
        group.MapTable("/los/distribution", "Analytics/los_distribution.sql", queries, "AnalyticsLosDistribution", "Length of stay histogram",
            "Discharged inpatient stays with a length of stay (gold.fact_encounter.los_days) per bin: one bin per day 0-13, then 14-20, 21-29, 30+; " +
            "columns los_days_bin, bin_start, encounters; every bin listed. Honours from/to (discharge_date), unit and condition. " + Encounters);
        group.MapTable("/los/trend", "Analytics/los_trend.sql", queries, "AnalyticsLosTrend", "Length of stay by month",
            "Discharged inpatient stays with a length of stay by discharge month (as gold.mart_los month rows): encounters, mean_los_days, " +
            "median_los_days, p90_los_days (2 decimals). Honours from/to (discharge_date), unit and condition. " + Encounters);
        group.MapTable("/readmissions/by-condition", "Analytics/readmissions_by_condition.sql", queries, "AnalyticsReadmissionsByCondition",
            "30-day readmission rate by condition group",
            "Index stays (gold.fact_encounter.index_eligible), readmissions (readmitted_30d) and readmission_rate_pct = 100 × readmissions / index_stays " +
            "(1 decimal) per condition group with index stays. Honours from/to (index discharge_date), unit and condition. " + Encounters);
        group.MapTable("/readmissions/by-month", "Analytics/readmissions_by_month.sql", queries, "AnalyticsReadmissionsByMonth",
            "30-day readmission rate by month",
            "Index stays, readmissions and readmission_rate_pct (percent, 1 decimal) per month of the index discharge (as gold.mart_readmissions month rows). " +
            "Honours from/to (index discharge_date), unit and condition. " + Encounters);
        MapByDemographic(group, "/readmissions/by-demographic", "readmissions", queries, "AnalyticsReadmissionsByDemographic",
            "30-day readmission rate by a demographic field",
            "Index stays, readmissions and readmission_rate_pct (percent, 1 decimal) by `by` = age_band (at admission), sex, race or ethnicity " +
            "(of the gold.dim_patient version as of the admission; `unknown` when missing); the first column is named after `by`. " +
            "Honours from/to (index discharge_date), unit and condition. " + Encounters);
        group.MapTable("/lace", "Analytics/lace.sql", queries, "AnalyticsLace", "LACE index distribution",
            "Inpatient stays with a LACE score per score (0-19) and band (gold.fact_encounter.lace_score, lace_band): columns lace_score, lace_band, encounters. " +
            "Honours from/to (discharge_date), unit and condition. " + Encounters);
        MapByDemographic(group, "/demographics", "demographics", queries, "AnalyticsDemographics", "Patients by a demographic field",
            "Patients with an encounter (gold.fact_encounter, any class), each counted once, and their encounters, by `by` = age_band (at their latest " +
            "matching admission), sex, race or ethnicity (current gold.dim_patient version; `unknown` when missing); the first column is named after `by`. " +
            "Honours from/to (admit_date), unit and condition. " + Encounters);
        group.MapTable("/diagnoses/top", "Analytics/top_diagnoses.sql", queries, "AnalyticsTopDiagnoses", "Top principal diagnoses",
            "The 15 most frequent principal diagnoses (ICD-10-CM) of inpatient stays with their description, encounters and patients " +
            "(as gold.mart_diagnosis_patterns). Honours from/to (admit_date), unit and condition. " + Encounters);
        group.MapTable("/procedures/top", "Analytics/top_procedures.sql", queries, "AnalyticsTopProcedures", "Top procedures",
            "The 15 most frequent procedures (gold.fact_procedures) of inpatient stays: code_system, code, description, encounters, patients " +
            "(as gold.mart_diagnosis_patterns). Honours from/to (the stay's admit_date), unit and condition. " + Encounters);
        group.MapTable("/comorbidity", "Analytics/comorbidity.sql", queries, "AnalyticsComorbidity", "Comorbidity co-occurrence",
            "Inpatient stays having both Charlson groups (gold.fact_encounter.charlson_conditions, after the hierarchy) for every pair present together, " +
            "in both orders (a symmetric matrix; the diagonal is the stays with the group): condition_a, condition_b, encounters. " +
            "Honours from/to (admit_date), unit and condition. " + Encounters);
    }

    private static void MapChoices(RouteGroupBuilder group, string pattern, string sqlPath, TableQuery queries, string name, string summary, string description) =>
        group.MapGet(pattern, (CancellationToken cancellationToken) => queries.AnswerAsync(sqlPath, [], cancellationToken))
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + " Answer: {columns:[{name,type}], rows:[[value, label]…]}.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json");

    /// <summary>A filtered table whose breakdown field is chosen by <c>by</c>: one query file per field, none built from input.</summary>
    private static void MapByDemographic(RouteGroupBuilder group, string pattern, string fileStem, TableQuery queries, string name, string summary, string description)
    {
        var files = Demographics.ToDictionary(field => field, field => $"Analytics/{fileStem}_by_{field}.sql", StringComparer.Ordinal);
        group.MapGet(pattern, async (string? by, string? from, string? to, string? unit, string? condition, HttpContext http) =>
            {
                if (string.IsNullOrWhiteSpace(by) || !files.TryGetValue(by.Trim(), out var sqlPath))
                    return DashboardFilter.Problem($"by must be one of {string.Join(", ", Demographics)}.");
                var (filter, problem) = DashboardFilter.Parse(from, to, unit, condition);
                return problem ?? await queries.AnswerAsync(sqlPath, filter!.Parameters(), http.RequestAborted);
            })
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + " Answer: {columns:[{name,type}], rows:[[…]]}; by (required), filters from, to (yyyy-MM-dd), unit, condition.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }
}
