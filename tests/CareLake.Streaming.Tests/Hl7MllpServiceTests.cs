using System.Net;
using System.Net.Sockets;
using System.Text;
using CareLake.Ingest.Mllp;
using CareLake.Streaming.Acknowledged;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

/// <summary>HL7 v2 over MLLP into the warehouse: the acknowledgment each kind of message gets, and what silver holds.</summary>
public class Hl7MllpServiceTests
{
    private const string Admit =
        "MSH|^~\\&|ADT1|GOOD HEALTH HOSPITAL|CARELAKE|CARELAKE|20261110080000-0500||ADT^A01^ADT_A01|MSG00001|P|2.5.1\r" +
        "EVN|A01|20261110080000-0500\r" +
        "PID|1||MRN12345^^^GHH^MR||EVERYWOMAN^EVE^E||19620320|F|||2222 HOME STREET^^GREENSBORO^NC^27401-1020\r" +
        "PV1|1|I|4B^12^A^GHH||||DR1^ATTEND^AARON|||||||ED|||||VN-77|||||||||||||||||||||||||20261110080000-0500\r" +
        "DG1|1|I10|I50.9^Heart failure, unspecified^I10|||A\r";

    [Fact]
    public async Task Each_message_is_answered_after_its_commit_with_the_code_its_content_deserves()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Each_message_is_answered_after_its_commit_with_the_code_its_content_deserves));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        await using var service = new Hl7MllpService(pipeline, new MllpListenerSettings(new IPEndPoint(IPAddress.Loopback, 0)), "test");
        using var stop = new CancellationTokenSource();
        var running = service.RunAsync(stop.Token);
        using var client = new TcpClient();
        await client.ConnectAsync(service.Listener.LocalEndPoint!);
        var stream = client.GetStream();

        var accepted = await SendAsync(stream, Admit);
        Assert.Contains("\rMSA|AA|MSG00001", accepted, StringComparison.Ordinal);
        Assert.StartsWith("MSH|^~\\&|CARELAKE|CARELAKE|ADT1|GOOD HEALTH HOSPITAL|", accepted, StringComparison.Ordinal);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events")); // committed before the AA

        var again = await SendAsync(stream, Admit);
        Assert.Contains("\rMSA|AA|MSG00001|duplicate", again, StringComparison.Ordinal);

        var noPatient = await SendAsync(stream, Admit.Replace("MSG00001", "MSG00002", StringComparison.Ordinal).Replace("MRN12345^^^GHH^MR", "", StringComparison.Ordinal));
        Assert.Contains("\rMSA|AE|MSG00002", noPatient, StringComparison.Ordinal);
        Assert.Contains("\rERR|", noPatient, StringComparison.Ordinal);

        var garbage = await SendAsync(stream, "this is not HL7");
        Assert.Contains("\rMSA|AR|", garbage, StringComparison.Ordinal);

        var schedule = await SendAsync(stream, "MSH|^~\\&|SCHED|GHH|CARELAKE|CARELAKE|20261110090000||SIU^S12|MSG00003|P|2.5.1\rSCH|1\r");
        Assert.Contains("\rMSA|AA|MSG00003", schedule, StringComparison.Ordinal);

        await stop.CancelAsync();
        await running;

        Assert.Equal(5L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events WHERE source = 'mllp' AND stream = 'hl7'"));
        Assert.Equal(["inpatient", "4B", "MRN12345"], (await Sql.RowsAsync(cs, "SELECT class, unit, patient_id FROM silver.encounters")).Single());
        Assert.Equal(["I509", "Y"], (await Sql.RowsAsync(cs, "SELECT code_undotted, present_on_admission FROM silver.diagnoses")).Single());
        Assert.Equal(1L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.duplicate_events"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.unsupported_records"));
        var quarantined = await Sql.CountByAsync(cs, "SELECT reason_code, count(*) FROM silver.quarantine GROUP BY 1");
        Assert.Equal(new Dictionary<string, long> { ["malformed_hl7"] = 1, ["missing_field"] = 1 }.OrderBy(kv => kv.Key), quarantined.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task The_schedulers_drain_types_every_queued_message_once_and_queues_their_patients_for_gold()
    {
        var cs = await TestDatabase.CreateAsync(nameof(The_schedulers_drain_types_every_queued_message_once_and_queues_their_patients_for_gold));
        var second = Admit.Replace("MSG00001", "MSG00002", StringComparison.Ordinal).Replace("MRN12345", "MRN777", StringComparison.Ordinal).Replace("VN-77", "VN-78", StringComparison.Ordinal);
        await LandUntypedAsync(cs, [("ADT1|GOOD HEALTH HOSPITAL|MSG00001", Admit), ("ADT1|GOOD HEALTH HOSPITAL|MSG00002", second)]);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });

        Assert.Equal(2L, await SilverQueue.DrainAsync(pipeline, "dag", 1, CancellationToken.None));
        Assert.Equal(0L, await SilverQueue.DrainAsync(pipeline, "dag", 1, CancellationToken.None));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ingest.silver_pending"));
        Assert.Equal(["MRN12345", "MRN777"], (await Sql.RowsAsync(cs, "SELECT patient_id FROM silver.encounters ORDER BY 1")).Select(r => (string)r[0]!));
        Assert.Equal(["MRN12345", "MRN777"], (await Sql.RowsAsync(cs, "SELECT DISTINCT patient_id FROM gold.changed_patients ORDER BY 1")).Select(r => (string)r[0]!));
    }

    /// <summary>What a worker killed after its bronze commit and before silver leaves behind: the statement it committed, nothing after.</summary>
    private static async Task LandUntypedAsync(string cs, IReadOnlyList<(string Key, string Message)> messages)
    {
        await using var landing = NpgsqlDataSource.Create(cs);
        await using var land = landing.CreateCommand(CareLake.Warehouse.SqlResources.Warehouse.Load("Acknowledged/land_acknowledged.sql"));
        land.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Hl7MllpService.SourceName });
        land.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messages.Select(_ => SilverStages.Hl7Stream).ToArray() });
        land.Parameters.Add(new NpgsqlParameter<byte[]?[]> { TypedValue = messages.Select(m => (byte[]?)Encoding.UTF8.GetBytes(m.Key)).ToArray() });
        land.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = messages.Select(m => Encoding.UTF8.GetBytes(m.Message)).ToArray() });
        land.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        await land.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Messages_a_killed_worker_landed_in_bronze_but_did_not_type_are_typed_once_by_the_next_and_their_resends_are_duplicates()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Messages_a_killed_worker_landed_in_bronze_but_did_not_type_are_typed_once_by_the_next_and_their_resends_are_duplicates));
        var second = Admit.Replace("MSG00001", "MSG00002", StringComparison.Ordinal).Replace("MRN12345", "MRN777", StringComparison.Ordinal).Replace("VN-77", "VN-78", StringComparison.Ordinal);
        await LandUntypedAsync(cs, [("ADT1|GOOD HEALTH HOSPITAL|MSG00001", Admit), ("ADT1|GOOD HEALTH HOSPITAL|MSG00002", second)]);

        Assert.Equal(2L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ingest.silver_pending"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.adt_events"));

        await using var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        await using var service = new Hl7MllpService(pipeline, new MllpListenerSettings(new IPEndPoint(IPAddress.Loopback, 0)), "next");
        using var stop = new CancellationTokenSource();
        var running = service.RunAsync(stop.Token);
        using var client = new TcpClient();
        await client.ConnectAsync(service.Listener.LocalEndPoint!);
        // The sender never got the first AA, so it sends the message again: answered, as a duplicate.
        Assert.Contains("\rMSA|AA|MSG00001|duplicate", await SendAsync(client.GetStream(), Admit), StringComparison.Ordinal);
        await stop.CancelAsync();
        await running;

        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ingest.silver_pending"));
        Assert.Equal(3L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events"));
        Assert.Equal(["MRN12345", "MRN777"], (await Sql.RowsAsync(cs, "SELECT patient_id FROM silver.encounters ORDER BY 1")).Select(r => (string)r[0]!));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.adt_events"));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.diagnoses"));
        Assert.Equal(["ADT1|GOOD HEALTH HOSPITAL|MSG00001"], (await Sql.RowsAsync(cs, "SELECT event_id FROM silver.duplicate_events")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Two_workers_landing_and_typing_the_same_source_at_once_type_each_message_once()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Two_workers_landing_and_typing_the_same_source_at_once_type_each_message_once));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        var messages = Enumerable.Range(0, 200).Select(i => Admit.Replace("MSG00001", $"MSG{i:00000}", StringComparison.Ordinal)
            .Replace("MRN12345", $"MRN{i}", StringComparison.Ordinal).Replace("VN-77", $"VN-{i}", StringComparison.Ordinal)).ToList();
        IncomingMessage Incoming(string m) => new(SilverStages.Hl7Stream, Encoding.UTF8.GetBytes(m), Encoding.UTF8.GetBytes($"ADT1|GOOD HEALTH HOSPITAL|{m.Split('|')[9]}"));

        var results = new List<IngestResult>();
        await using (var first = new AcknowledgedIngest(pipeline, Hl7MllpService.SourceName, "a", maxGroupMessages: 7, deferSilver: true))
        await using (var other = new AcknowledgedIngest(pipeline, Hl7MllpService.SourceName, "b", maxGroupMessages: 7, deferSilver: true))
        {
            // Each worker gets every message, one at a time from 4 senders each: every message lands twice, once answered as a repeat.
            var sends = new[] { first, other }.SelectMany(ingest => Enumerable.Range(0, 4).Select(s => Task.Run(async () =>
            {
                var mine = new List<IngestResult>();
                foreach (var m in messages.Where((_, i) => i % 4 == s)) mine.AddRange(await ingest.CommitAsync([Incoming(m)], CancellationToken.None));
                return mine;
            })));
            foreach (var r in await Task.WhenAll(sends)) results.AddRange(r);
        }

        Assert.Equal(400, results.Count);
        Assert.Equal(200, results.Count(r => r.Silver.Fate == RecordFate.Duplicate));
        Assert.Equal(200, results.Count(r => r.Silver.Fate == RecordFate.Stored));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ingest.silver_pending"));
        Assert.Equal(400L, await Sql.ScalarAsync<long>(cs, "SELECT count(DISTINCT position) FROM bronze.raw_events WHERE source = 'mllp'"));
        Assert.Equal(200L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.adt_events"));
        Assert.Equal(200L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.encounters"));
        Assert.Equal(200L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.duplicate_events"));
    }

    private static async Task<string> SendAsync(NetworkStream stream, string message)
    {
        await MllpListener.WriteFrameAsync(stream, Encoding.UTF8.GetBytes(message), CancellationToken.None);
        var (ack, problem) = await new FrameReader(stream, 1 << 20, TimeSpan.FromSeconds(60)).ReadAsync(CancellationToken.None);
        Assert.Null(problem);
        return Encoding.UTF8.GetString(ack.Span);
    }
}
