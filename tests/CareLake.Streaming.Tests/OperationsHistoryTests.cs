using System.Net;
using System.Net.Sockets;
using System.Text;
using CareLake.Core.Vitals;
using CareLake.Ingest.Mllp;
using CareLake.Ingest.Positions;
using CareLake.Streaming.Acknowledged;
using CareLake.Streaming.Streaming;
using CareLake.Testing;
using CareLake.Warehouse.Silver;
using Npgsql;

namespace CareLake.Streaming.Tests;

/// <summary>The operations history the stream leaves: one ops.stream_batches row per committed batch, and the MLLP connections.</summary>
public class OperationsHistoryTests
{
    [Fact]
    public async Task Every_committed_batch_leaves_exactly_one_history_row_with_its_counts()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Every_committed_batch_leaves_exactly_one_history_row_with_its_counts));
        var feed = VitalsFeed.Create(count: 1000, patients: 60, seed: 5, dirtyRate: 0.1);
        var expected = new ExpectedWarehouse(feed);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var committed = new List<CommittedBatch>();
        var pipeline = new PipelineContext(dataSource, [new VitalSignsStage(new VitalSignsParser())], TimeProvider.System, _ => { })
        {
            BatchCommitted = b => { lock (committed) committed.Add(b); },
        };
        var worker = new FeedStreamWorker(pipeline, "test", "history-worker", batchMaxMessages: 300);
        await worker.RunAsync(FeedStreamWorkerTests.ToRaw(feed, partitions: 3), CancellationToken.None);

        var rows = await Sql.RowsAsync(cs, """
            SELECT worker, source, sequence, messages, bronze_rows, silver_rows, duplicates, quarantined, duration_ms, started_at <= committed_at
            FROM ops.stream_batches ORDER BY sequence
            """);
        Assert.Equal(4, rows.Count); // 300 + 300 + 300 + 100
        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => (long)r[2]!));
        Assert.Equal([300, 300, 300, 100], rows.Select(r => (int)r[3]!));
        Assert.Equal([300, 300, 300, 100], rows.Select(r => (int)r[4]!));
        Assert.All(rows, r => Assert.Equal(("history-worker", "test", true), ((string)r[0]!, (string)r[1]!, (bool)r[9]!)));
        Assert.All(rows, r => Assert.True((double)r[8]! > 0));
        Assert.Equal(expected.Rows.Count, rows.Sum(r => (int)r[5]!));
        Assert.Equal(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.vital_signs"), rows.Sum(r => (int)r[5]!));
        Assert.Equal(expected.Duplicates, rows.Sum(r => (int)r[6]!));
        Assert.Equal(await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM silver.quarantine"), rows.Sum(r => (int)r[7]!));
        Assert.Equal(expected.QuarantinedByReason.Values.Sum(), rows.Sum(r => (int)r[7]!));
        Assert.Equal(rows.Select(r => (int)r[3]!), committed.OrderBy(b => b.Sequence).Select(b => b.Messages));
    }

    [Fact]
    public async Task A_batch_that_rolls_back_leaves_no_history_row()
    {
        var cs = await TestDatabase.CreateAsync(nameof(A_batch_that_rolls_back_leaves_no_history_row));
        var raw = FeedStreamWorkerTests.ToRaw(VitalsFeed.Create(count: 40, patients: 10, seed: 6, dirtyRate: 0), partitions: 1);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, [new VitalSignsStage(new VitalSignsParser())], TimeProvider.System, _ => { });
        await using var committer = pipeline.CreateCommitter("w1");
        var statistics = new StreamStatistics();
        await committer.CommitAsync(committer.Prepare("test", raw[..20], [new PositionAdvance("patient_vitals", 0, null, 20)]), statistics, CancellationToken.None);

        // A second worker that read the same partition from the start is fenced off: its transaction rolls back.
        await using var other = pipeline.CreateCommitter("w2");
        var stale = other.Prepare("test", raw, [new PositionAdvance("patient_vitals", 0, null, 40)]);
        await Assert.ThrowsAsync<PositionConflictException>(() => other.CommitAsync(stale, statistics, CancellationToken.None));

        var rows = await Sql.RowsAsync(cs, "SELECT worker, messages, bronze_rows FROM ops.stream_batches");
        Assert.Equal(["w1", 20, 20], rows.Single());
        Assert.Equal(20L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM bronze.raw_events"));
    }

    [Fact]
    public async Task Batch_history_older_than_the_retention_is_deleted_by_the_next_commit()
    {
        var cs = await TestDatabase.CreateAsync(nameof(Batch_history_older_than_the_retention_is_deleted_by_the_next_commit));
        await Sql.ScalarAsync<int>(cs, """
            INSERT INTO ops.stream_batches (worker, source, sequence, messages, bronze_rows, silver_rows, duplicates, quarantined, started_at, committed_at, duration_ms)
            VALUES ('old', 'test', 1, 1, 1, 1, 0, 0, now() - interval '3 days', now() - interval '3 days', 1),
                   ('recent', 'test', 1, 1, 1, 1, 0, 0, now() - interval '1 hour', now() - interval '1 hour', 1)
            RETURNING 1
            """);
        var raw = FeedStreamWorkerTests.ToRaw(VitalsFeed.Create(count: 5, patients: 5, seed: 8, dirtyRate: 0), partitions: 1);
        await using var dataSource = NpgsqlDataSource.Create(cs);
        var pipeline = new PipelineContext(dataSource, [new VitalSignsStage(new VitalSignsParser())], TimeProvider.System, _ => { })
        {
            BatchHistoryRetention = TimeSpan.FromDays(2),
        };
        await new FeedStreamWorker(pipeline, "test", "new", 100).RunAsync(raw, CancellationToken.None);
        Assert.Equal(["new", "recent"], (await Sql.RowsAsync(cs, "SELECT worker FROM ops.stream_batches ORDER BY worker")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task MLLP_connections_are_recorded_with_their_message_counts_and_closing()
    {
        var cs = await TestDatabase.CreateAsync(nameof(MLLP_connections_are_recorded_with_their_message_counts_and_closing));
        await using var dataSource = NpgsqlDataSource.Create(cs);
        // A connection a crashed process of the same worker left open is closed when the worker starts again.
        await Sql.ScalarAsync<int>(cs, """
            INSERT INTO ops.mllp_connections (connection_id, worker, remote_endpoint, opened_at, messages, seen_at)
            VALUES ('0190a000-0000-7000-8000-000000000001', 'mllp-test', '10.0.0.9:5000', now() - interval '1 day', 3, now() - interval '1 hour');
            INSERT INTO ops.mllp_connections (connection_id, worker, remote_endpoint, opened_at, messages, closed_at, seen_at)
            VALUES ('0190a000-0000-7000-8000-000000000002', 'other', '10.0.0.8:5000', now() - interval '40 days', 3, now() - interval '31 days', now() - interval '31 days')
            RETURNING 1
            """);
        var pipeline = new PipelineContext(dataSource, SilverStages.All(), TimeProvider.System, _ => { });
        await using var service = new Hl7MllpService(pipeline, new MllpListenerSettings(new IPEndPoint(IPAddress.Loopback, 0)), "mllp-test");
        using var stop = new CancellationTokenSource();
        var running = service.RunAsync(stop.Token);

        using var first = new TcpClient();
        await first.ConnectAsync(service.Listener.LocalEndPoint!);
        for (var i = 1; i <= 3; i++) await SendAsync(first.GetStream(), Adt($"A{i}"));
        using (var second = new TcpClient())
        {
            await second.ConnectAsync(service.Listener.LocalEndPoint!);
            await SendAsync(second.GetStream(), Adt("B1"));
            var local = (IPEndPoint)second.Client.LocalEndPoint!;
            second.Close();
            await WaitUntilAsync(() => service.Listener.OpenConnections == 1);
            await service.Connections.FlushAsync(CancellationToken.None);

            var rows = await Sql.RowsAsync(cs, """
                SELECT remote_endpoint, messages, last_message_at IS NOT NULL, closed_at IS NOT NULL
                FROM ops.mllp_connections WHERE worker = 'mllp-test' AND remote_endpoint <> '10.0.0.9:5000' ORDER BY messages
                """);
            Assert.Equal(2, rows.Count);
            Assert.EndsWith($":{local.Port}", (string)rows[0][0]!, StringComparison.Ordinal);
            Assert.Equal([1L, true, true], rows[0][1..]);
            Assert.EndsWith($":{((IPEndPoint)first.Client.LocalEndPoint!).Port}", (string)rows[1][0]!, StringComparison.Ordinal);
            Assert.Equal([3L, true, false], rows[1][1..]);
        }

        Assert.True(await Sql.ScalarAsync<bool>(cs, "SELECT closed_at IS NOT NULL FROM ops.mllp_connections WHERE remote_endpoint = '10.0.0.9:5000'"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ops.mllp_connections WHERE remote_endpoint = '10.0.0.8:5000'")); // closed over 30 days ago
        first.Close();
        await stop.CancelAsync();
        await running;
        Assert.Equal(0L, await Sql.ScalarAsync<long>(cs, "SELECT count(*) FROM ops.mllp_connections WHERE closed_at IS NULL"));
        Assert.Equal(4L, await Sql.ScalarAsync<long>(cs, "SELECT sum(messages) FROM ops.mllp_connections WHERE worker = 'mllp-test' AND remote_endpoint <> '10.0.0.9:5000'"));
    }

    private static string Adt(string controlId) =>
        $"MSH|^~\\&|ADT1|GHH|CARELAKE|CARELAKE|20261110080000||ADT^A01^ADT_A01|{controlId}|P|2.5.1\r" +
        "EVN|A01|20261110080000\r" +
        $"PID|1||MRN{controlId}^^^GHH^MR||DOE^JOHN||19620320|M\r" +
        $"PV1|1|I|4B^12^A^GHH||||DR1^ATTEND^AARON|||||||ED|||||VN-{controlId}|||||||||||||||||||||||||20261110080000\r";

    private static async Task<string> SendAsync(NetworkStream stream, string message)
    {
        await MllpListener.WriteFrameAsync(stream, Encoding.UTF8.GetBytes(message), CancellationToken.None);
        var reader = new FrameReader(stream, 1 << 20, TimeSpan.FromSeconds(30));
        var (reply, problem) = await reader.ReadAsync(CancellationToken.None);
        Assert.Null(problem);
        return Encoding.UTF8.GetString(reply.Span);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(20);
        }
    }
}
