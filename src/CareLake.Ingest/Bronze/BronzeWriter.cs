using Npgsql;
using NpgsqlTypes;

namespace CareLake.Ingest.Bronze;

/// <summary>
/// Lands messages in <c>bronze.raw_events</c> with one binary COPY per batch, inside the caller's
/// transaction (the one that also advances the source positions).
/// </summary>
public static class BronzeWriter
{
    private const string Copy =
        "COPY bronze.raw_events (id, source, stream, partition, position, message_key, header_keys, header_values, payload, message_timestamp, received_at) FROM STDIN (FORMAT BINARY)";

    /// <returns>The bronze ids, in the order of <paramref name="messages"/>.</returns>
    public static async Task<long[]> WriteAsync(NpgsqlConnection connection, IReadOnlyList<RawMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var ids = await AllocateIdsAsync(connection, messages.Count, cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(ids[i], NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(m.Source, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(m.Stream, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(m.Partition, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(m.Position, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullable(importer, m.Key, NpgsqlDbType.Bytea, cancellationToken);
            await WriteNullable(importer, m.HeaderKeys, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await WriteNullable(importer, m.HeaderValues, NpgsqlDbType.Array | NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(m.Payload, NpgsqlDbType.Bytea, cancellationToken);
            if (m.MessageTimestamp is { } ts) await importer.WriteAsync(ts, NpgsqlDbType.TimestampTz, cancellationToken);
            else await importer.WriteNullAsync(cancellationToken);
            await importer.WriteAsync(m.ReceivedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
        return ids;
    }

    private static async Task<long[]> AllocateIdsAsync(NpgsqlConnection connection, int count, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT nextval('bronze.raw_events_id_seq') FROM generate_series(1, $1)", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        var ids = new long[count];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; await reader.ReadAsync(cancellationToken); i++) ids[i] = reader.GetInt64(0);
        return ids;
    }

    private static Task WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) where T : class =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
