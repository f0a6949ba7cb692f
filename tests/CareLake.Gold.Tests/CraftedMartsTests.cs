using System.Globalization;
using System.Text;
using CareLake.Ingest.Bronze;
using CareLake.Streaming.Sources;
using CareLake.Testing;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Gold.Tests;

/// <summary>Hand-built contract events through silver into the marts: census edge cases and each suspicious-access flag.</summary>
public class CraftedMartsTests
{
    private static readonly TimeSpan Local = GeneratedMartsTests.Offset;

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, Local);

    [Fact]
    public async Task Census_counts_a_midnight_transfer_once_and_a_same_day_stay_only_during_the_day()
    {
        var cs = await MartDatabase.CreateAsync(nameof(Census_counts_a_midnight_transfer_once_and_a_same_day_stay_only_during_the_day));
        var feed = new Feed();
        // E1: 4W from the 10th 10:00, moved to the ICU exactly at midnight starting the 11th, discharged the 12th 09:00.
        feed.Adt("e1a", "admit", At(10, 10), Encounter("E1", "4W", At(10, 10)), "P1", Person("Ada", "Lovelace"));
        feed.Adt("e1t", "transfer", At(11, 0), Encounter("E1", "ICU", At(10, 10)), "P1", transfer: ("4W", "ICU"));
        feed.Adt("e1d", "discharge", At(12, 9), Encounter("E1", "ICU", At(10, 10), At(12, 9)), "P1");
        // E2: a stay within one day. E3: admitted to the ICU on the 11th, still there at the data's end.
        feed.Adt("e2a", "admit", At(10, 8), Encounter("E2", "4W", At(10, 8)), "P2", Person("Bo", "Diddley"));
        feed.Adt("e2d", "discharge", At(10, 17), Encounter("E2", "4W", At(10, 8), At(10, 17)), "P2");
        feed.Adt("e3a", "admit", At(11, 22), Encounter("E3", "ICU", At(11, 22)), "P3", Person("Cy", "Young"));
        // E4: admitted then cancelled: never in the census.
        feed.Adt("e4a", "admit", At(11, 12), Encounter("E4", "4W", At(11, 12)), "P4", Person("Di", "Prince"));
        feed.Adt("e4c", "cancel_admit", At(11, 13), Encounter("E4", "4W", At(11, 12)), "P4");
        await feed.RunAsync(cs);

        var rows = (await Sql.RowsAsync(cs, "SELECT census_date, unit, in_house_midnight, in_house_during_day, admissions, discharges, transfers_in, transfers_out FROM gold.mart_census_daily ORDER BY 1, 2"))
            .Select(r => $"{(DateOnly)r[0]!:MM-dd} {r[1]} {string.Join(",", r[2..])}").ToList();
        //                  midnight, during, admissions, discharges, in, out
        Assert.Equal([
            "03-10 4W 0,2,2,1,0,0",
            "03-10 ICU 1,0,0,0,0,0",   // E1 arrives at the midnight ending the 10th
            "03-11 4W 0,0,0,0,0,1",    // E1 left 4W at 00:00: not there during the 11th
            "03-11 ICU 2,2,1,0,1,0",
            "03-12 4W 0,0,0,0,0,0",
            "03-12 ICU 1,2,0,1,0,0",   // E3 is still in house at the data's end
        ], rows);
    }

    [Fact]
    public async Task Each_suspicious_access_pattern_is_flagged_and_routine_access_is_not()
    {
        var cs = await MartDatabase.CreateAsync(nameof(Each_suspicious_access_pattern_is_flagged_and_routine_access_is_not));
        var feed = new Feed();
        feed.Adt("ps", "register", At(1, 9), """{"encounter_id":"EC","class":"outpatient","unit":"CLINIC","admitted_at":"2026-03-01T14:00:00Z"}""", "PSMITH", Person("Jo", "Smith-Jones"));
        feed.Adt("pn", "register", At(1, 9), """{"encounter_id":"ED1","class":"outpatient","unit":"CLINIC","admitted_at":"2026-03-01T14:00:00Z"}""", "PNEAR", Person("Al", "Smithers"));
        feed.Adt("pi", "admit", At(9, 8), Encounter("EIN", "4W", At(9, 8)), "PIN", Person("In", "House"));

        // Surname: jsmithjones (initial + Smith-Jones's letters, numbered 2) opens PSMITH; asmith opens PNEAR (Smithers).
        feed.Access("s1", At(10, 10), "jsmithjones2", "nurse", "view", "PSMITH");
        feed.Access("s2", At(10, 10), "asmith", "nurse", "view", "PNEAR");
        // Break-the-glass.
        feed.Access("b1", At(10, 11), "bglass", "physician", "break_glass", "PNEAR");
        feed.Access("b2", At(10, 11, 5), "bglass", "physician", "view", "PNEAR");
        feed.Access("b3", At(11, 11), "bglass", "physician", "view", "PNEAR");
        // Home unit 4W from three views of an in-house patient; then 20 patients outside it on the 11th, 19 on the 12th.
        for (var i = 0; i < 3; i++) feed.Access($"h{i}", At(10, 9 + i), "hunit", "nurse", "view", "PIN");
        for (var i = 0; i < 20; i++) feed.Access($"o{i}", At(11, 10, i), "hunit", "nurse", "view", $"Q{i:D2}");
        for (var i = 0; i < 19; i++) feed.Access($"n{i}", At(12, 10, i), "hunit", "nurse", "view", $"Q{i:D2}");
        feed.Access("n19", At(12, 11), "hunit", "nurse", "view", "PIN"); // on the home unit: not outside
        // After-hours bulk export: 5 patients at 22:00 on the 10th; 4 at 23:00 on the 11th; 6 by day on the 12th.
        for (var i = 0; i < 5; i++) feed.Access($"x{i}", At(10, 22, i), "xport", "billing", i == 4 ? "print" : "export", $"R{i}");
        for (var i = 0; i < 4; i++) feed.Access($"y{i}", At(11, 23, i), "xport", "billing", "export", $"R{i}");
        for (var i = 0; i < 6; i++) feed.Access($"z{i}", At(12, 14, i), "xport", "billing", "export", $"R{i}");
        feed.Access("z6", At(12, 6, 59), "xport", "billing", "view", "R9"); // after hours, but only a view
        await feed.RunAsync(cs);

        var rows = (await Sql.RowsAsync(cs, """
            SELECT access_date, user_id, patient_id, flag_many_outside_unit, flag_break_glass, flag_after_hours_bulk_export,
                   flag_surname_match, suspicious, user_home_unit, patient_unit, outside_home_unit, accesses, after_hours_accesses
              FROM gold.mart_ehr_access
            """)).ToDictionary(r => $"{(DateOnly)r[0]!:dd} {r[1]} {r[2]}", r => r[3..]);
        bool[] Flags(string key) => rows[key][..5].Select(v => (bool)v!).ToArray();

        Assert.Equal([false, false, false, true, true], Flags("10 jsmithjones2 PSMITH"));
        Assert.Equal([false, false, false, false, false], Flags("10 asmith PNEAR"));
        Assert.Equal([false, true, false, false, true], Flags("10 bglass PNEAR"));
        Assert.Equal(2, rows["10 bglass PNEAR"][8]);
        Assert.Equal([false, false, false, false, false], Flags("11 bglass PNEAR"));

        Assert.Equal(["4W", "4W", false], rows["10 hunit PIN"][5..8]);
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal([true, false, false, false, true], Flags($"11 hunit Q{i:D2}")));
        Assert.All(Enumerable.Range(0, 19), i => Assert.Equal([false, false, false, false, false], Flags($"12 hunit Q{i:D2}")));
        Assert.Equal(["4W", "4W", false], rows["12 hunit PIN"][5..8]);
        Assert.Equal([false, false, false, false, false], Flags("12 hunit PIN"));

        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal([false, false, true, false, true], Flags($"10 xport R{i}")));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal([false, false, false, false, false], Flags($"11 xport R{i}")));
        Assert.All(Enumerable.Range(0, 6), i => Assert.Equal([false, false, false, false, false], Flags($"12 xport R{i}")));
        Assert.Equal(1, rows["12 xport R9"][9]);
        Assert.Null(rows["10 xport R0"][5]); // billing never opened an in-house chart: no home unit
        Assert.Equal(2 + 2 + 1 + 20 + 20 + 5 + 4 + 7, rows.Count);
    }

    private static string Encounter(string id, string unit, DateTimeOffset admitted, DateTimeOffset? discharged = null)
    {
        var end = discharged is { } d ? $",\"discharged_at\":\"{Ts(d)}\",\"discharge_disposition\":\"home\"" : "";
        return $"{{\"encounter_id\":\"{id}\",\"class\":\"inpatient\",\"facility_id\":\"F\",\"unit\":\"{unit}\",\"room\":\"1\",\"bed\":\"A\",\"admitted_at\":\"{Ts(admitted)}\"{end}}}";
    }

    private static string Person(string given, string family) =>
        $$$"""{"given_name":"{{{given}}}","family_name":"{{{family}}}","birth_date":"1950-12-10","sex":"female","race":"white","ethnicity":"not-hispanic","address":{"line1":"1 Main St","city":"Boston","state":"MA","postal_code":"02115","country":"US"}}""";

    private static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Contract events in the order given, one topic partition each, fed in one run, then a full gold run.</summary>
    private sealed class Feed
    {
        private readonly List<RawMessage> _messages = [];
        private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);

        public void Adt(string id, string type, DateTimeOffset at, string encounter, string patient, string? person = null, (string From, string To)? transfer = null)
        {
            var fields = $",\"encounter\":{encounter}" + (person is null ? "" : $",\"patient\":{person}") +
                (transfer is { } t ? $",\"from\":{{\"unit\":\"{t.From}\"}},\"to\":{{\"unit\":\"{t.To}\"}}" : "");
            Add("patient_admissions", $"{{\"event_id\":\"{id}\",\"event_type\":\"{type}\",\"schema_version\":1,\"occurred_at\":\"{Ts(at)}\",\"patient_id\":\"{patient}\"{fields}}}");
        }

        public void Access(string id, DateTimeOffset at, string user, string role, string action, string patient) =>
            Add("ehr_audit_logs", $"{{\"event_id\":\"{id}\",\"event_type\":\"ehr_access\",\"schema_version\":1,\"occurred_at\":\"{Ts(at)}\",\"patient_id\":\"{patient}\"," +
                $"\"user_id\":\"{user}\",\"user_role\":\"{role}\",\"action\":\"{action}\",\"resource_type\":\"Patient\",\"resource_id\":\"{patient}\",\"workstation\":\"WS\",\"source_ip\":\"10.0.0.1\",\"outcome\":\"success\"}}");

        private void Add(string topic, string json)
        {
            var position = _positions.GetValueOrDefault(topic);
            _positions[topic] = position + 1;
            _messages.Add(new RawMessage(GeneratorFeed.SourceName, topic, 0, position, null, null, null, Encoding.UTF8.GetBytes(json), null, DateTimeOffset.UtcNow));
        }

        public async Task RunAsync(string cs)
        {
            await using var dataSource = NpgsqlDataSource.Create(cs);
            await Hospital.FeedAsync(dataSource, _messages, batch: 1);
            Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.quarantine"));
            var runs = await GoldModels.RunAsync(dataSource, new GoldRunOptions());
            Assert.All(runs, r => Assert.True(r.Status == GoldRunStatus.Success, $"{r.Model}: {r.Error}"));
        }
    }
}
