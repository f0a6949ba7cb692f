using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CareLake.Dashboard;

/// <summary>
/// The vitals view's endpoints (<c>/v1/vitals/…</c>): heart rate and SpO2 distributions, heart rate by NEWS2 band,
/// top patients by alerts, alerts by severity and band, and the vital signs at alert time
/// (<c>Queries/Vitals/*.sql</c>, over <c>silver.vital_signs</c> and <c>gold.mart_alerts_vitals</c>).
/// </summary>
public static class VitalsAnalyticsEndpoints
{
    private const string Sets =
        "Honours from/to (facility day of measured_at), unit (the set's encounter's last unit) and condition (its condition group); " +
        "a set without an encounter is left out when unit or condition is given.";

    private const string Alerts =
        "Honours from/to (alert_date, the facility day), unit (unit at the measurement) and condition (the condition group of the alert's encounter; " +
        "alerts without an encounter are left out when it is given).";

    public static void MapVitalsAnalytics(this IEndpointRouteBuilder app, TableQuery queries)
    {
        var group = app.MapGroup("/v1/vitals").WithTags("Vitals");
        group.MapTable("/heart-rate/histogram", "Vitals/heart_rate_histogram.sql", queries, "VitalsHeartRateHistogram", "Heart rate distribution",
            "Vital-sign sets (silver.vital_signs) by heart rate in bins of 10 beats/min from <40 to 150+: heart_rate_bin, bin_start, sets; every bin listed. " + Sets);
        group.MapTable("/spo2/histogram", "Vitals/spo2_histogram.sql", queries, "VitalsSpo2Histogram", "SpO2 distribution",
            "Vital-sign sets by SpO2 in bins of 1 % from <=85 to 100: spo2_bin, bin_start, sets; every bin listed. " + Sets);
        group.MapTable("/heart-rate/by-band", "Vitals/heart_rate_by_band.sql", queries, "VitalsHeartRateByBand", "Heart rate by NEWS2 band",
            "Per NEWS2 band of the complete sets: sets, mean_heart_rate and the 10th, 25th, 50th (median), 75th and 90th percentiles of heart rate " +
            "(1 decimal). " + Sets);
        group.MapTable("/top-patients", "Vitals/top_patients.sql", queries, "VitalsTopPatients", "Top patients by alert count",
            "The 20 patients with the most clinical alerts (gold.mart_alerts_vitals, ranked as gold.mart_alerts_patients: ties share a rank): " +
            "alert_rank, patient_id, source, alerts, critical_alerts, high_alerts, alert_days, max_news2_score, last_alert_at. " + Alerts);
        group.MapTable("/alerts/severity", "Vitals/severity.sql", queries, "VitalsAlertSeverity", "Alerts by NEWS2 band and severity",
            "Alerts per NEWS2 band of the set that raised them (`incomplete` when it could not be scored) and severity: news2_band, severity, alerts. " + Alerts);
        group.MapTable("/alerts/daily", "Vitals/alerts_daily.sql", queries, "VitalsAlertsDaily", "Alerts per day",
            "Alerts per facility day and severity: day, severity, alerts. " + Alerts);
        group.MapTable("/alerts/parameters", "Vitals/alert_parameters.sql", queries, "VitalsAlertParameters", "Red parameters at alert time",
            "Alerts per NEWS2 parameter that scored 3 in the alerting set (an alert with two red parameters counts for both): parameter, alerts. " + Alerts);
        group.MapTable("/alerts/scores", "Vitals/alert_scores.sql", queries, "VitalsAlertScores", "NEWS2 score at alert time",
            "Alerts per aggregate NEWS2 score of the alerting set (unscored sets left out): news2_score, alerts. " + Alerts);
        group.MapTable("/alerts/vitals", "Vitals/alert_vitals.sql", queries, "VitalsAtAlertTime", "Vital signs at alert time",
            "The 500 latest alerts whose set has a heart rate and an SpO2, newest first: measured_at, patient_id, source, unit, kind, severity, " +
            "news2_score, news2_band, red_parameters, heart_rate, spo2, respiratory_rate, systolic_bp, temperature_c, consciousness. " + Alerts);
    }
}
