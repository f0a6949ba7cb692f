using Npgsql;

namespace CareLake.Scheduling.Timing;

/// <summary>
/// The DAG's run lease: a PostgreSQL session advisory lock held for the length of a run, so two runs of the DAG on
/// one warehouse never overlap. It is released when the run ends or its connection drops (a crashed process holds
/// nothing).
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    /// <summary>The advisory lock key ("carelake dag" in ASCII).</summary>
    public const long Key = 0x636c5f646167;

    private readonly NpgsqlConnection _connection;

    private RunLease(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Takes the lease, or returns null at once when another run holds it.</summary>
    public static async Task<RunLease?> TryAcquireAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Key });
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!) return new RunLease(connection);
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>Takes the lease, waiting for a run holding it to end.</summary>
    public static async Task<RunLease> AcquireAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter { Value = Key });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new RunLease(connection);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Key });
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone, and the lock with it.
        }

        await _connection.DisposeAsync();
    }
}
