using Npgsql;

namespace CareLake.Warehouse.Silver;

/// <summary>A record that cannot enter silver, and why.</summary>
public readonly record struct QuarantineEntry(int Index, string Stream, string? EventId, string ReasonCode, string Message, string? Field);

/// <summary>A repeat of an event already seen; <see cref="FirstIndex"/> is the original's place in the same batch (-1 when it is from an earlier batch).</summary>
public readonly record struct DuplicateEntry(int Index, string Stream, string EventId, int FirstIndex);

/// <summary>Writes quarantine and duplicate rows, idempotently (keyed by bronze id), inside the batch transaction.</summary>
public static class QuarantineWriter
{
    /// <summary>The database refused a record that passed validation (e.g. a value out of a column's range).</summary>
    public const string RejectedByDatabase = "rejected_by_database";

    /// <summary>Parsing the record failed unexpectedly; a defect to report, the record stays replayable from bronze.</summary>
    public const string ProcessingError = "processing_error";

    public static async Task WriteAsync(NpgsqlConnection connection, IReadOnlyCollection<QuarantineEntry> entries, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(bronzeIds);
        if (entries.Count == 0) return;
        await using var command = new NpgsqlCommand(SqlResources.Warehouse.Load("Silver/quarantine_insert.sql"), connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = entries.Select(e => bronzeIds[e.Index]).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = entries.Select(e => e.Stream).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = entries.Select(e => e.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = entries.Select(e => e.ReasonCode).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = entries.Select(e => e.Message).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = entries.Select(e => e.Field).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <param name="entries">Each repeat with the bronze id of the original it repeats (null when the original is not visible).</param>
    public static async Task WriteDuplicatesAsync(NpgsqlConnection connection, IReadOnlyCollection<(DuplicateEntry Entry, long? OriginalBronzeId)> entries, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(bronzeIds);
        if (entries.Count == 0) return;
        await using var command = new NpgsqlCommand("""
            INSERT INTO silver.duplicate_events (bronze_id, stream, event_id, original_bronze_id, detected_at)
            SELECT d.bronze_id, d.stream, d.event_id, d.original, $5
              FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[]) AS d(bronze_id, stream, event_id, original)
            ON CONFLICT (bronze_id) DO NOTHING
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = entries.Select(e => bronzeIds[e.Entry.Index]).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = entries.Select(e => e.Entry.Stream).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = entries.Select(e => e.Entry.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = entries.Select(e => e.OriginalBronzeId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records messages that map to nothing on purpose, idempotently (keyed by bronze id).</summary>
    public static async Task WriteUnsupportedAsync(NpgsqlConnection connection, string stream, IReadOnlyCollection<(int Index, string Reason)> entries, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(bronzeIds);
        if (entries.Count == 0) return;
        await using var command = new NpgsqlCommand("""
            INSERT INTO silver.unsupported_records (bronze_id, stream, reason, recorded_at)
            SELECT u.bronze_id, $2, u.reason, $4 FROM unnest($1::bigint[], $3::text[]) AS u(bronze_id, reason)
            ON CONFLICT (bronze_id) DO NOTHING
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = entries.Select(e => bronzeIds[e.Index]).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stream });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = entries.Select(e => e.Reason).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
