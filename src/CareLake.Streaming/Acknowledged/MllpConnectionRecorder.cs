using CareLake.Ingest.Mllp;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Streaming.Acknowledged;

/// <summary>
/// Publishes an MLLP listener's connections to <c>ops.mllp_connections</c> every few seconds (one statement for all
/// of them, none while there is nothing to say), so the dashboard, which runs in another process, can show them. The
/// listener only counts in memory: a message costs no database write.
/// </summary>
public sealed class MllpConnectionRecorder(NpgsqlDataSource dataSource, MllpListener listener, string workerId, Action<string> log, TimeSpan? interval = null)
{
    /// <summary>How often the connections are written when not told otherwise.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _interval = interval ?? DefaultInterval;
    private bool _warned;

    /// <summary>
    /// Closes this worker's rows left open by an earlier process (and deletes connections closed over 30 days ago), then
    /// writes until cancelled, and once more at the end.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await TryAsync(CloseLeftOpenAsync, CancellationToken.None);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await TryAsync(FlushAsync, cancellationToken);
        }

        await TryAsync(FlushAsync, CancellationToken.None);
    }

    /// <summary>Writes the open connections and those closed since the last write.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var rows = listener.Connections.Concat(listener.TakeClosedConnections()).ToList();
        if (rows.Count == 0) return;
        await using var command = dataSource.CreateCommand("""
            INSERT INTO ops.mllp_connections AS c (connection_id, worker, remote_endpoint, opened_at, last_message_at, messages, closed_at, seen_at)
            SELECT id, $2, remote, opened, last_message, messages, closed, now()
            FROM unnest($1::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::bigint[], $7::timestamptz[])
                AS t(id, remote, opened, last_message, messages, closed)
            ON CONFLICT (connection_id) DO UPDATE
                SET last_message_at = excluded.last_message_at, messages = excluded.messages,
                    closed_at = coalesce(c.closed_at, excluded.closed_at), seen_at = excluded.seen_at
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(r => r.Id)] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workerId });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rows.Select(r => r.RemoteEndPoint)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. rows.Select(r => r.OpenedAt.UtcDateTime)] });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = rows.Select(r => (object?)r.LastMessageAt?.UtcDateTime ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. rows.Select(r => r.Messages)] });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = rows.Select(r => (object?)r.ClosedAt?.UtcDateTime ?? DBNull.Value).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task CloseLeftOpenAsync(CancellationToken cancellationToken)
    {
        // Also where the table is kept from growing: closed connections are deleted after 30 days.
        await using (var close = dataSource.CreateCommand("UPDATE ops.mllp_connections SET closed_at = seen_at WHERE worker = $1 AND closed_at IS NULL"))
        {
            close.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workerId });
            await close.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var prune = dataSource.CreateCommand("DELETE FROM ops.mllp_connections WHERE closed_at < now() - interval '30 days'");
        await prune.ExecuteNonQueryAsync(cancellationToken);
    }

    // Reporting must never stop the listener: a failed write is logged once and tried again at the next interval.
    private async Task TryAsync(Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await write(cancellationToken);
            _warned = false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            if (!_warned) log($"MLLP: connections not recorded ({e.Message.Split('\n')[0]}); trying again");
            _warned = true;
        }
    }
}
