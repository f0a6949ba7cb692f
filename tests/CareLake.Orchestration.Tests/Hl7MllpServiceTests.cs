using System.Net;
using System.Net.Sockets;
using System.Text;
using CareLake.Ingest.Mllp;
using CareLake.Orchestration.Acknowledged;
using CareLake.Orchestration.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Orchestration.Tests;

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

    private static async Task<string> SendAsync(NetworkStream stream, string message)
    {
        await MllpListener.WriteFrameAsync(stream, Encoding.UTF8.GetBytes(message), CancellationToken.None);
        var (ack, problem) = await new FrameReader(stream, 1 << 20, TimeSpan.FromSeconds(60)).ReadAsync(CancellationToken.None);
        Assert.Null(problem);
        return Encoding.UTF8.GetString(ack.Span);
    }
}
