using CareLake.Warehouse;
using Npgsql;

namespace CareLake.Ingest.Positions;

/// <summary>A partition a batch read from: the position the worker believed was next, and the one after the batch.</summary>
/// <param name="Expected">The stored position the batch starts from; null when the partition has none yet.</param>
public readonly record struct PositionAdvance(string Stream, int Partition, long? Expected, long Next);

/// <summary>Another worker advanced one of the batch's partitions first: this worker no longer owns it.</summary>
public sealed class PositionConflictException(string message) : Exception(message)
{
    public PositionConflictException() : this("source position conflict") { }
    public PositionConflictException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>
/// Source positions in <c>ingest.source_positions</c>: read at start and on every partition assignment,
/// advanced in the same transaction as the bronze rows they cover.
/// </summary>
public static class SourcePositions
{
    private static readonly SqlResources Sql = new(typeof(SourcePositions).Assembly);

    public static async Task<Dictionary<(string Stream, int Partition), long>> ReadAsync(
        NpgsqlDataSource dataSource, string source, IEnumerable<(string Stream, int Partition)> partitions, CancellationToken cancellationToken)
    {
        var list = partitions.ToList();
        var result = new Dictionary<(string, int), long>();
        if (list.Count == 0) return result;
        await using var command = dataSource.CreateCommand("""
            SELECT p.stream, p.partition, p.next_position
              FROM ingest.source_positions p
              JOIN unnest($2::text[], $3::integer[]) AS w(stream, partition) USING (stream, partition)
             WHERE p.source = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = list.Select(p => p.Stream).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = list.Select(p => p.Partition).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        }

        return result;
    }

    /// <summary>Must run first in the batch transaction: the row locks it takes serialise workers per partition.</summary>
    /// <exception cref="PositionConflictException">A partition moved since this worker read it.</exception>
    public static async Task AdvanceAsync(NpgsqlConnection connection, string source, IReadOnlyCollection<PositionAdvance> advances, string workerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(advances);
        if (advances.Count == 0) return; // a source that answers its senders has no positions to advance
        var sorted = advances.OrderBy(a => a.Stream, StringComparer.Ordinal).ThenBy(a => a.Partition).ToArray();
        await using var command = new NpgsqlCommand(Sql.Load("Positions/advance_positions.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sorted.Select(a => a.Stream).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = sorted.Select(a => a.Partition).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = sorted.Select(a => a.Expected).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sorted.Select(a => a.Next).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = workerId });
        var moved = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (moved != sorted.Length)
        {
            throw new PositionConflictException(
                $"{sorted.Length - moved} of {sorted.Length} partitions moved since this worker read them ({string.Join(", ", sorted.Select(a => $"{a.Stream}[{a.Partition}]@{a.Expected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}"))})");
        }
    }
}
