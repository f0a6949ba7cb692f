using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Dashboard;

/// <summary>
/// The ward (clinical) view: who is in house on which unit with their current NEWS2 and its trend, the alerts of the
/// last 24 hours, a live stream that says when vitals or alerts commit, and one patient's page (header, vitals, labs,
/// diagnoses, encounters, alerts). "Now" is the server's <see cref="TimeProvider"/> (from the app's services, else the
/// system clock), passed to every query as <c>@now</c>.
/// </summary>
public static class WardEndpoints
{
    public const int MaxPatientIdLength = 200;

    private const string TableAnswer = " Answer: {columns:[{name,type}], rows:[[…]]}.";

    public static void MapWard(this IEndpointRouteBuilder app, TableQuery queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var ward = app.MapGroup("/v1/ward").WithTags("Ward");
        MapWardTable(ward, "/patients", "Ward/in_house.sql", queries, "WardPatients", "Patients in house, by unit, with their current NEWS2",
            "One row per encounter in house now (admitted and not yet discharged; cancelled, planned and registered-only encounters are not), " +
            "ordered by unit then NEWS2, highest first: patient_id, source, name, sex, age, encounter_id, class, unit, room, bed (the stay at now), " +
            "admitted_at, days_in_house, news2_score and news2_band (the latest complete vital-sign set), previous_news2, trend (up, down, steady; " +
            "null with fewer than two scored sets), news2_recent (the last 8 scores, oldest first), last_vitals_at with that set's heart_rate, " +
            "respiratory_rate, spo2, systolic_bp and temperature_c, and alerts_24h (clinical alerts measured in the last 24 h). Filter: unit.");
        MapWardTable(ward, "/summary", "Ward/summary.sql", queries, "WardSummary", "The ward's summary cards",
            "One row: as_of (the server's now), in_house, the encounters in house by current NEWS2 band (high, medium, low_medium, low, no_score), " +
            "and the clinical alerts measured in the last 24 h (alerts_24h, critical_alerts_24h, patients_alerted_24h; on the unit, with unit). Filter: unit.");
        MapWardTable(ward, "/alerts", "Ward/alerts.sql", queries, "WardAlerts", "Clinical alerts of the last 24 hours",
            "Alerts measured in the 24 h up to now, newest first (at most 1,000): alert_id, measured_at, raised_at, patient_id, source, name, unit " +
            "(the alert encounter's stay at the measurement), kind, severity, news2_score, reason, encounter_id. Filter: unit.");
        ward.MapGet("/units", (HttpContext http, CancellationToken aborted) =>
                queries.AnswerAsync("Ward/units.sql", [Now(http)], aborted))
            .WithName("WardUnits")
            .WithSummary("Units to filter the ward by")
            .WithDescription("Rows [value, label]: every unit a stay was placed on, labelled with its patients in house now." + TableAnswer)
            .Produces(StatusCodes.Status200OK, contentType: "application/json");

        var changes = new WardChanges(queries.DataSource);
        ward.MapGet("/stream", (HttpContext http, CancellationToken _) => WardChanges.StreamAsync(http, changes))
            .WithName("StreamWard")
            .WithSummary("Ward changes as server-sent events")
            .WithDescription("text/event-stream: an event 'vitals' when a transaction that stored vital signs commits, 'alerts' when one that raised " +
                             "a clinical alert commits, and 'resync' after the server lost and regained its database notifications (re-read everything). " +
                             "Data: {\"at\": the server's time}. Commits close together are sent as one event, at most one per kind every 0.75 s; " +
                             "a comment every 15 s keeps the connection open. The stream starts with the comment ': connected' once it listens. " +
                             "Read GET /v1/ward/patients, /summary and /alerts again on an event.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        var patients = app.MapGroup("/v1/patients/{patientId}").WithTags("Patients");
        MapPatientTable(patients, "", "Ward/patient.sql", queries, withNow: true, "Patient", "One patient's header",
            "One row (identified: the clinical view): patient_id, source, name, given_name, family_name, sex, birth_date, age, death_date, in_house, " +
            "the encounter in house now (encounter_id, encounter_class, admitted_at, days_in_house, unit, room, bed, attending_provider_id) and the " +
            "current NEWS2 (news2_score, news2_band, news2_measured_at).");
        MapPatientTable(patients, "/vitals", "Ward/patient_vitals.sql", queries, withNow: true, "PatientVitals", "One patient's vital signs over time",
            "The vital-sign sets measured up to now, oldest first (the latest 2,000; within the days from–to, UTC, when given): measured_at, " +
            "news2_score, news2_band, heart_rate, respiratory_rate, spo2, spo2_scale, on_supplemental_oxygen, systolic_bp, diastolic_bp, " +
            "temperature_c, consciousness, encounter_id, event_id. Filters: from, to (yyyy-MM-dd).", withDays: true);
        MapPatientTable(patients, "/labs", "Ward/patient_labs.sql", queries, withNow: true, "PatientLabs", "One patient's lab results",
            "Current results (a correction replaces what it corrects) collected up to now, newest first (at most 2,000): collected_at, test_name, " +
            "loinc_code, value_numeric, value_text, unit, reference_low, reference_high, abnormal_flag, status, resulted_at, encounter_id, event_id.");
        MapPatientTable(patients, "/diagnoses", "Ward/patient_diagnoses.sql", queries, withNow: false, "PatientDiagnoses", "One patient's diagnoses",
            "Newest first, the principal first within an encounter (at most 2,000): diagnosed_at, code (ICD-10-CM dotted, other systems as sent), " +
            "code_system, description, rank, present_on_admission, clinical_status, resolved_at, encounter_id, event_id.");
        MapPatientTable(patients, "/encounters", "Ward/patient_encounters.sql", queries, withNow: false, "PatientEncounters", "One patient's encounters",
            "Newest first: encounter_id, class, status, unit (last), admitted_at, discharged_at, and from gold.fact_encounter (null until gold has " +
            "the encounter) los_days, los_hours, principal_diagnosis_code, condition_group, charlson_index, lace_score, lace_band, index_eligible, " +
            "readmitted_30d, days_to_readmission, readmission_encounter_id; readmission_of names the earlier stay this one readmits; disposition.");
        MapPatientTable(patients, "/alerts", "Ward/patient_alerts.sql", queries, withNow: false, "PatientAlerts", "One patient's clinical alerts",
            "Newest first (at most 2,000): alert_id, measured_at, raised_at, kind, severity, news2_score, reason, encounter_id, event_id.");
    }

    /// <summary>The server's now: its <see cref="TimeProvider"/> service, else the system clock.</summary>
    internal static DateTimeOffset NowOf(HttpContext http) => (http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();

    private static NpgsqlParameter Now(HttpContext http) => TableQuery.Parameter("now", NpgsqlDbType.TimestampTz, NowOf(http).UtcDateTime);

    private static void MapWardTable(RouteGroupBuilder group, string pattern, string sqlPath, TableQuery queries, string name, string summary, string description) =>
        group.MapGet(pattern, async (string? unit, HttpContext http) =>
            {
                var (filter, problem) = DashboardFilter.Parse(null, null, unit, null);
                if (problem is not null) return problem;
                return await queries.AnswerAsync(sqlPath, [Now(http), TableQuery.Parameter("unit", NpgsqlDbType.Text, filter!.Unit)], http.RequestAborted);
            })
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + TableAnswer)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);

    private static void MapPatientTable(RouteGroupBuilder group, string pattern, string sqlPath, TableQuery queries, bool withNow, string name,
        string summary, string description, bool withDays = false) =>
        group.MapGet(pattern, async (string patientId, string? source, string? from, string? to, HttpContext http) =>
            {
                if (patientId.Length > MaxPatientIdLength || source?.Length > DashboardFilter.MaxTextLength
                    || patientId.Any(char.IsControl) || (source ?? "").Any(char.IsControl))
                    return DashboardFilter.Problem($"A patient id is at most {MaxPatientIdLength} characters, a source at most {DashboardFilter.MaxTextLength}, " +
                                                   "neither with control characters.");
                var (filter, problem) = DashboardFilter.Parse(withDays ? from : null, withDays ? to : null, null, null);
                if (problem is not null) return problem;
                var known = await SourceOfAsync(queries, patientId, string.IsNullOrWhiteSpace(source) ? null : source.Trim(), http.RequestAborted);
                if (known is null)
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown patient",
                        detail: $"No patient '{patientId}'{(source is null ? "" : $" of source '{source}'")} has demographics or vital signs here.");
                List<NpgsqlParameter> parameters =
                [
                    TableQuery.Parameter("source", NpgsqlDbType.Text, known),
                    TableQuery.Parameter("patient", NpgsqlDbType.Text, patientId),
                ];
                if (withNow) parameters.Add(Now(http));
                if (withDays)
                {
                    parameters.Add(TableQuery.Parameter("from", NpgsqlDbType.Date, filter!.From));
                    parameters.Add(TableQuery.Parameter("to", NpgsqlDbType.Date, filter.To));
                }

                return await queries.AnswerAsync(sqlPath, parameters, http.RequestAborted);
            })
            .WithName(name)
            .WithSummary(summary)
            .WithDescription(description + " The patient is patientId within source (optional: a medical record number is preferred, then the " +
                             "other sources in order). Unknown patient: 404." + TableAnswer)
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>The source of a patient id, or null when no patient of that id has demographics or vital signs.</summary>
    private static async Task<string?> SourceOfAsync(TableQuery queries, string patientId, string? source, CancellationToken cancellationToken)
    {
        await using var command = queries.DataSource.CreateCommand(TableQuery.Sql.Load("Ward/patient_key.sql"));
        command.CommandTimeout = (int)TableQuery.Timeout.TotalSeconds;
        command.Parameters.Add(TableQuery.Parameter("patient", NpgsqlDbType.Text, patientId));
        command.Parameters.Add(TableQuery.Parameter("source", NpgsqlDbType.Text, source));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
