using System.Security.Cryptography;
using System.Text;
using CareLake.Ingest.Bronze;
using CareLake.Interop;
using Npgsql;

namespace CareLake.Ingest.Files;

/// <summary>A file registered for import in <c>ingest.files</c>.</summary>
/// <param name="FileId">The file's id: the partition its records land under in bronze and in <c>ingest.source_positions</c>.</param>
/// <param name="CompletedAt">When an earlier import of the same content finished; null when it has not.</param>
public sealed record ImportedFile(int FileId, string Path, string Sha256, long SizeBytes, DateTimeOffset? CompletedAt);

/// <summary>
/// Imported files: identified by the SHA-256 of their content, so the same content under any name is the same file.
/// Each record lands in bronze with source <c>file</c>, partition = the file id and position = its ordinal in the file;
/// the positions commit with the rows, so a re-run adds nothing and a killed import resumes where it stopped.
/// </summary>
public static class ImportedFiles
{
    public const string SourceName = "file";

    /// <summary>Hashes the file and registers it, or finds its earlier registration.</summary>
    public static async Task<ImportedFile> RegisterAsync(NpgsqlDataSource dataSource, string path, string format, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        string sha256;
        long size;
        await using (var file = File.OpenRead(path))
        {
            size = file.Length;
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }

        // An import of the same content starting at the same moment may register it between this statement's snapshot
        // and its insert; the second attempt then finds that registration.
        for (var attempt = 1; ; attempt++)
        {
            await using var command = dataSource.CreateCommand("""
                WITH inserted AS (
                    INSERT INTO ingest.files (sha256, path, format, size_bytes, first_imported_at)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (sha256) DO NOTHING
                    RETURNING file_id, path, completed_at)
                SELECT file_id, path, completed_at FROM inserted
                UNION ALL
                SELECT file_id, path, completed_at FROM ingest.files WHERE sha256 = $1
                LIMIT 1
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sha256 });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = System.IO.Path.GetFullPath(path) });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = format });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return new ImportedFile(reader.GetInt32(0), reader.GetString(1), sha256, size,
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
            }

            if (attempt == 2) throw new InvalidOperationException($"{path} could not be registered in ingest.files");
        }
    }

    /// <summary>Records that every record of the file is in bronze.</summary>
    public static async Task CompleteAsync(NpgsqlDataSource dataSource, int fileId, long records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("UPDATE ingest.files SET records = $2, completed_at = $3 WHERE file_id = $1 AND completed_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = fileId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = records });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The file's records as bronze messages of the <c>file</c> source, under the file's id as partition.</summary>
    public static IEnumerable<RawMessage> Messages(ImportedFile file, IEnumerable<FileRecord> records, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(time);
        var key = Encoding.UTF8.GetBytes(file.Sha256);
        foreach (var r in records)
        {
            yield return new RawMessage(SourceName, r.Stream, file.FileId, r.Position, key, r.HeaderKeys, r.HeaderValues, r.Payload, null, time.GetUtcNow());
        }
    }
}
