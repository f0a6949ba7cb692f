using System.Globalization;
using System.Text;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

/// <summary>Contract events of every topic through the real batch commit into silver's entity tables.</summary>
public class EntitySilverTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Adt_events_arriving_out_of_order_derive_the_encounter_as_if_in_order()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Adt_events_arriving_out_of_order_derive_the_encounter_as_if_in_order));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var admit = Adt("a1", "admit", T0, """{"encounter_id":"E1","class":"inpatient","facility_id":"F","unit":"4B","room":"12","bed":"A","admit_source":"ED","admitted_at":"2026-11-10T08:00:00Z","attending_provider_id":"DR1"}""", Patient("Ada", "1 Main St"));
        var transfer = Adt("a2", "transfer", T0.AddHours(5), """{"encounter_id":"E1","class":"inpatient","facility_id":"F","unit":"ICU","room":"1","bed":"B","admitted_at":"2026-11-10T08:00:00Z"}""", to: """{"unit":"ICU","room":"1","bed":"B"}""");
        var discharge = Adt("a3", "discharge", T0.AddDays(2), """{"encounter_id":"E1","class":"inpatient","facility_id":"F","unit":"ICU","room":"1","bed":"B","admitted_at":"2026-11-10T08:00:00Z","discharged_at":"2026-11-12T08:00:00Z","discharge_disposition":"snf"}""");

        // Discharge first, then admit, then transfer, each in its own batch.
        await FeedAsync(dataSource, ("patient_admissions", discharge), ("patient_admissions", admit), ("patient_admissions", transfer));

        var encounter = (await Sql.RowsAsync(cs, "SELECT status, class, unit, admitted_at, discharged_at, disposition, event_count, patient_id FROM silver.encounters")).Single();
        Assert.Equal("discharged", encounter[0]);
        Assert.Equal("inpatient", encounter[1]);
        Assert.Equal("ICU", encounter[2]);
        Assert.Equal(T0.UtcDateTime, encounter[3]);
        Assert.Equal(T0.AddDays(2).UtcDateTime, encounter[4]);
        Assert.Equal("snf", encounter[5]);
        Assert.Equal(3, encounter[6]);
        Assert.Equal("P1", encounter[7]);

        var stays = await Sql.RowsAsync(cs, "SELECT unit, started_at, ended_at FROM silver.encounter_locations ORDER BY sequence");
        Assert.Equal(2, stays.Count);
        Assert.Equal(["4B", T0.UtcDateTime, T0.AddHours(5).UtcDateTime], stays[0]);
        Assert.Equal(["ICU", T0.AddHours(5).UtcDateTime, T0.AddDays(2).UtcDateTime], stays[1]);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.patients"));
    }

    [Fact]
    public async Task Cancels_undo_admissions_and_discharges()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Cancels_undo_admissions_and_discharges));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        const string e2 = """{"encounter_id":"E2","class":"emergency","unit":"ED","admitted_at":"2026-11-10T08:00:00Z"}""";
        const string e3 = """{"encounter_id":"E3","class":"inpatient","unit":"5A","admitted_at":"2026-11-10T08:00:00Z"}""";
        await FeedAsync(dataSource,
            ("patient_admissions", Adt("c1", "admit", T0, e2, Patient("Ada", "1 Main St"))),
            ("patient_admissions", Adt("c2", "cancel_admit", T0.AddMinutes(30), e2)),
            ("patient_admissions", Adt("c3", "admit", T0, e3, Patient("Ada", "1 Main St"))),
            ("patient_admissions", Adt("c4", "discharge", T0.AddDays(1), """{"encounter_id":"E3","class":"inpatient","unit":"5A","admitted_at":"2026-11-10T08:00:00Z","discharged_at":"2026-11-11T08:00:00Z","discharge_disposition":"home"}""")),
            ("patient_admissions", Adt("c5", "cancel_discharge", T0.AddDays(1).AddHours(1), e3)));

        var rows = await Sql.RowsAsync(cs, "SELECT encounter_id, status, discharged_at, disposition FROM silver.encounters ORDER BY encounter_id");
        Assert.Equal(["E2", "cancelled", null, null], rows[0]);
        Assert.Equal(["E3", "in_house", null, null], rows[1]);
        Assert.Null((await Sql.RowsAsync(cs, "SELECT ended_at FROM silver.encounter_locations WHERE encounter_id = 'E3'")).Single()[0]);
    }

    [Fact]
    public async Task A_late_demographic_update_lands_in_its_place_in_history()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_late_demographic_update_lands_in_its_place_in_history));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        const string e = """{"encounter_id":"E1","class":"outpatient","unit":"CLINIC","admitted_at":"2026-11-10T08:00:00Z"}""";
        await FeedAsync(dataSource,
            ("patient_admissions", Adt("p1", "register", T0, e, Patient("Ada", "1 Main St"))),
            ("patient_admissions", Adt("p2", "update", T0.AddDays(2), null, Patient("Ada", "3 Oak Ave"))),
            ("patient_admissions", Adt("p3", "update", T0.AddDays(1), null, Patient("Ada", "2 Elm Rd"))),
            ("patient_admissions", Adt("p4", "update", T0.AddDays(3), null, Patient("Ada", "3 Oak Ave")))); // no change: no new version

        var versions = await Sql.RowsAsync(cs, "SELECT version, address_line1, valid_from, valid_to FROM silver.patient_versions ORDER BY version");
        Assert.Equal(3, versions.Count);
        Assert.Equal([1, "1 Main St", T0.UtcDateTime, T0.AddDays(1).UtcDateTime], versions[0]);
        Assert.Equal([2, "2 Elm Rd", T0.AddDays(1).UtcDateTime, T0.AddDays(2).UtcDateTime], versions[1]);
        Assert.Equal([3, "3 Oak Ave", T0.AddDays(2).UtcDateTime, null], versions[2]);
        Assert.Equal(["3 Oak Ave", 3], (await Sql.RowsAsync(cs, "SELECT address_line1, version FROM silver.patients")).Single());
        Assert.Equal(4L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.patient_records"));
    }

    [Fact]
    public async Task Every_topic_lands_in_its_table_repeats_are_duplicates_and_bad_records_are_quarantined()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Every_topic_lands_in_its_table_repeats_are_duplicates_and_bad_records_are_quarantined));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var dx = Event("d1", "diagnosis", T0, """ "encounter_id":"E1","code_system":"ICD-10-CM","code":"I509","description":"Heart failure","rank":1,"present_on_admission":"Y","diagnosed_at":"2026-11-10T09:00:00Z" """);
        var px = Event("x1", "procedure", T0, """ "encounter_id":"E1","code_system":"SNOMED-CT","code":"40701008","description":"Echocardiography","performed_at":"2026-11-10T10:00:00Z","status":"completed" """);
        var lab = Event("l1", "lab_result", T0, """ "encounter_id":"E1","loinc_code":"2823-3","test_name":"Potassium","value":5.9,"unit":"mmol/L","reference_low":3.5,"reference_high":5.1,"abnormal_flag":"H","specimen_collected_at":"2026-11-10T09:00:00Z","resulted_at":"2026-11-10T10:00:00Z","status":"final" """);
        var corrected = Event("l2", "lab_result", T0.AddHours(3), """ "encounter_id":"E1","loinc_code":"2823-3","test_name":"Potassium","value":4.9,"unit":"mmol/L","abnormal_flag":"N","specimen_collected_at":"2026-11-10T09:00:00Z","resulted_at":"2026-11-10T13:00:00Z","status":"corrected" """);
        var access = Event("u1", "ehr_access", T0, """ "user_id":"nurse7","user_role":"nurse","action":"login","workstation":"WS1","source_ip":"10.0.0.7","outcome":"success" """, patient: null);
        var noEncounter = Event("d2", "diagnosis", T0, """ "code":"J18.9" """);
        var wrongTopic = Event("d3", "lab_result", T0, """ "encounter_id":"E1","loinc_code":"2823-3","value":4 """);

        await FeedAsync(dataSource,
            ("patient_diagnoses", dx), ("patient_procedures", px), ("patient_labs", lab), ("ehr_audit_logs", access),
            ("patient_diagnoses", dx), ("patient_labs", corrected), ("patient_diagnoses", noEncounter), ("patient_diagnoses", wrongTopic));

        Assert.Equal(["I509", "I50.9", "ICD-10-CM", 1, "Y"], (await Sql.RowsAsync(cs, "SELECT code_undotted, code_dotted, code_system, rank, present_on_admission FROM silver.diagnoses")).Single());
        Assert.Equal(["40701008", "SNOMED-CT"], (await Sql.RowsAsync(cs, "SELECT code, code_system FROM silver.procedures")).Single());
        var labs = await Sql.RowsAsync(cs, "SELECT event_id, value_numeric, superseded_by FROM silver.lab_results ORDER BY event_id");
        Assert.Equal(["l1", 5.9m, "l2"], labs[0]);
        Assert.Equal(["l2", 4.9m, null], labs[1]);
        Assert.Equal(["nurse7", null, "login"], (await Sql.RowsAsync(cs, "SELECT user_id, patient_id, action FROM silver.ehr_access")).Single());
        Assert.Equal(["d1"], (await Sql.RowsAsync(cs, "SELECT event_id FROM silver.duplicate_events")).Single());
        var quarantine = await Sql.RowsAsync(cs, "SELECT event_id, reason_code, field FROM silver.quarantine ORDER BY event_id");
        Assert.Equal(["d2", "missing_field", "encounter_id"], quarantine[0]);
        Assert.Equal(["d3", "wrong_topic", "event_type"], quarantine[1]);
    }

    private static async Task FeedAsync(NpgsqlDataSource dataSource, params (string Topic, byte[] Payload)[] messages)
    {
        // One batch per message, in the given order, so that later batches see what earlier ones committed.
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (topic, payload) in messages)
        {
            var position = positions.GetValueOrDefault(topic);
            positions[topic] = position + 1;
            var worker = new FeedStreamWorker(context, "test", "test-worker", batchMaxMessages: 1);
            await worker.RunAsync([new RawMessage("test", topic, 0, position, null, null, null, payload, null, ReceivedAt)], CancellationToken.None);
        }
    }

    private static string Ts(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Patient(string given, string line1) =>
        $$$"""{"given_name":"{{{given}}}","family_name":"Lovelace","birth_date":"1950-12-10","sex":"female","race":"white","ethnicity":"not-hispanic","marital_status":"W","language":"en","phone":"555-0100","address":{"line1":"{{{line1}}}","city":"Boston","state":"MA","postal_code":"02115","country":"US"}}""";

    private static byte[] Adt(string id, string type, DateTimeOffset at, string? encounter, string? patient = null, string? to = null)
    {
        var fields = (encounter is null ? "" : $",\"encounter\":{encounter}") + (patient is null ? "" : $",\"patient\":{patient}") +
            (to is null ? "" : $",\"from\":{{\"unit\":\"4B\",\"room\":\"12\",\"bed\":\"A\"}},\"to\":{to}");
        return Encoding.UTF8.GetBytes(
            $"{{\"event_id\":\"{id}\",\"event_type\":\"{type}\",\"schema_version\":1,\"occurred_at\":\"{Ts(at)}\",\"patient_id\":\"P1\"{fields}}}");
    }

    private static byte[] Event(string id, string type, DateTimeOffset at, string fields, string? patient = "P1") =>
        Encoding.UTF8.GetBytes(
            $"{{\"event_id\":\"{id}\",\"event_type\":\"{type}\",\"schema_version\":1,\"occurred_at\":\"{Ts(at)}\"" +
            (patient is null ? "" : $",\"patient_id\":\"{patient}\"") + $",{fields.Trim()}}}");
}
