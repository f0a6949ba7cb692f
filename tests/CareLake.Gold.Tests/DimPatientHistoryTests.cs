using System.Globalization;
using System.Text;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>dim_patient under late and out-of-order demographic updates, fed as contract events through the real silver path.</summary>
public class DimPatientHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Versions_arriving_out_of_order_give_the_history_in_event_time_and_facts_follow_it()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Versions_arriving_out_of_order_give_the_history_in_event_time_and_facts_follow_it));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        const string encounter = """{"encounter_id":"E1","class":"inpatient","facility_id":"F","unit":"4B","room":"12","bed":"A","admitted_at":"2026-11-10T08:00:00Z"}""";
        // The lab falls in the second version's validity, which only exists once the late update arrives.
        var lab = Event("l1", "lab_result", T0.AddDays(1).AddHours(6), """ "encounter_id":"E1","loinc_code":"2823-3","test_name":"Potassium","value":5.9,"unit":"mmol/L","reference_low":3.5,"reference_high":5.1,"specimen_collected_at":"2026-11-11T14:00:00Z","resulted_at":"2026-11-11T15:00:00Z","status":"final" """);

        await FeedAndRunAsync(dataSource, "patient_admissions", Adt("p1", "admit", T0, encounter, Patient("1 Main St", "02115")));
        await FeedAndRunAsync(dataSource, "patient_labs", lab);
        await FeedAndRunAsync(dataSource, "patient_admissions", Adt("p3", "update", T0.AddDays(2), null, Patient("3 Oak Ave", "02116")));
        Assert.Equal([Key(1), Key(2)], await Keys(cs));
        Assert.Equal(Key(1), await Sql.ScalarAsync<long>(cs, "SELECT patient_key FROM gold.fact_lab_results"));

        // The late one: between the two, so versions 2 and 3 are renumbered and the lab now falls in version 2.
        await FeedAndRunAsync(dataSource, "patient_admissions", Adt("p2", "update", T0.AddDays(1), null, Patient("2 Elm Rd", "03601")));
        var rows = await Sql.RowsAsync(cs, "SELECT patient_key, version, valid_from, valid_to, is_current, address_line1, zip3, postal_code FROM gold.dim_patient ORDER BY version");
        Assert.Equal(3, rows.Count);
        Assert.Equal([Key(1), 1, T0.UtcDateTime, T0.AddDays(1).UtcDateTime, false, "1 Main St", "021", "02115"], rows[0]);
        Assert.Equal([Key(2), 2, T0.AddDays(1).UtcDateTime, T0.AddDays(2).UtcDateTime, false, "2 Elm Rd", "000", "03601"], rows[1]); // 036 is a restricted ZIP-3
        Assert.Equal([Key(3), 3, T0.AddDays(2).UtcDateTime, null, true, "3 Oak Ave", "021", "02116"], rows[2]);
        Assert.Equal(Key(2), await Sql.ScalarAsync<long>(cs, "SELECT patient_key FROM gold.fact_lab_results"));

        // An update that changes nothing adds no version; a full refresh gives the same rows.
        await FeedAndRunAsync(dataSource, "patient_admissions", Adt("p4", "update", T0.AddDays(3), null, Patient("3 Oak Ave", "02116")));
        var incremental = await Sql.RowsAsync(cs, "SELECT * FROM gold.dim_patient ORDER BY version");
        Assert.Equal(3, incremental.Count);
        await GoldModels.RunAsync(dataSource, new GoldRunOptions { FullRefresh = true });
        Assert.Equal(incremental, await Sql.RowsAsync(cs, "SELECT * FROM gold.dim_patient ORDER BY version"));
    }

    private static long Key(int version) => GoldFixture.PatientKey("mrn", "P1", version);

    private static async Task<List<long>> Keys(string cs) => (await Sql.RowsAsync(cs, "SELECT patient_key FROM gold.dim_patient ORDER BY version")).Select(r => (long)r[0]!).ToList();

    private static int _position;

    private static async Task FeedAndRunAsync(NpgsqlDataSource dataSource, string topic, byte[] payload)
    {
        var context = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var worker = new FeedStreamWorker(context, "test", "test-worker", batchMaxMessages: 1);
        await worker.RunAsync([new RawMessage("test", topic, 0, Interlocked.Increment(ref _position), null, null, null, payload, null, T0.AddDays(5))], CancellationToken.None);
        var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions());
        Assert.All(runs, r => Assert.Equal(GoldRunStatus.Success, r.Status));
    }

    private static string Ts(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Patient(string line1, string postalCode) =>
        $$$"""{"given_name":"Ada","family_name":"Lovelace","birth_date":"1950-12-10","sex":"female","race":"white","ethnicity":"not-hispanic","address":{"line1":"{{{line1}}}","city":"Boston","state":"MA","postal_code":"{{{postalCode}}}","country":"US"}}""";

    private static byte[] Adt(string id, string type, DateTimeOffset at, string? encounter, string? patient = null) =>
        Encoding.UTF8.GetBytes($"{{\"event_id\":\"{id}\",\"event_type\":\"{type}\",\"schema_version\":1,\"occurred_at\":\"{Ts(at)}\",\"patient_id\":\"P1\"" +
            (encounter is null ? "" : $",\"encounter\":{encounter}") + (patient is null ? "" : $",\"patient\":{patient}") + "}");

    private static byte[] Event(string id, string type, DateTimeOffset at, string fields) =>
        Encoding.UTF8.GetBytes($"{{\"event_id\":\"{id}\",\"event_type\":\"{type}\",\"schema_version\":1,\"occurred_at\":\"{Ts(at)}\",\"patient_id\":\"P1\",{fields.Trim()}}}");
}
