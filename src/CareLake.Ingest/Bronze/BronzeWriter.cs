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
        // Synchronous row writes: they only fill Npgsql's buffer, and the async overloads cost more per field than the copy itself.
        using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            importer.StartRow();
            importer.Write(ids[i], NpgsqlDbType.Bigint);
            importer.Write(m.Source, NpgsqlDbType.Text);
            importer.Write(m.Stream, NpgsqlDbType.Text);
            importer.Write(m.Partition, NpgsqlDbType.Integer);
            importer.Write(m.Position, NpgsqlDbType.Bigint);
            WriteNullable(importer, m.Key, NpgsqlDbType.Bytea);
            WriteNullable(importer, m.HeaderKeys, NpgsqlDbType.Array | NpgsqlDbType.Text);
            WriteNullable(importer, m.HeaderValues, NpgsqlDbType.Array | NpgsqlDbType.Bytea);
            importer.Write(m.Payload, NpgsqlDbType.Bytea);
            if (m.MessageTimestamp is { } ts) importer.Write(ts.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            else importer.WriteNull();
            importer.Write(m.ReceivedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
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

    private static void WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type) where T : class
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, type);
    }
}
