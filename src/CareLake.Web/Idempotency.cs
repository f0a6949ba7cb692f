using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Web;

/// <summary>The response stored for an idempotency key, with the hash of the request that produced it.</summary>
public sealed record StoredResponse(byte[] RequestSha256, int Status, byte[] Body);

/// <summary>
/// <c>ingest.idempotency_keys</c>: responses of committed requests by their <c>Idempotency-Key</c>. A response is saved
/// after its request's commit, not in the same transaction (the commit groups many senders): a crash between the two
/// means a retry commits again, which silver counts as duplicates, never as second facts.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>A key is 1–255 visible ASCII characters.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= '!' and <= '~');

    /// <summary>The SHA-256 of what makes two requests the same: method, path, media type and body.</summary>
    public static byte[] RequestHash(string method, string path, string? mediaType, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{method}\n{path}\n{mediaType}\n"));
        hash.AppendData(body);
        return hash.GetHashAndReset();
    }

    public async Task<StoredResponse?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT request_sha256, status, response_body FROM ingest.idempotency_keys WHERE key = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new StoredResponse(reader.GetFieldValue<byte[]>(0), reader.GetInt16(1), reader.GetFieldValue<byte[]>(2));
    }

    /// <summary>Stores the response unless the key already has one (the first stays).</summary>
    public async Task SaveAsync(string key, StoredResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO ingest.idempotency_keys (key, request_sha256, status, response_body) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = response.RequestSha256 });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)response.Status });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = response.Body });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// Serialises requests with the same idempotency key within this server, so a repeat sent while the first is still
/// committing waits for it and is answered from the store. (Across several servers the first to finish stores its
/// response; silver counts the other's events as duplicates.)
/// </summary>
internal sealed class KeyedLock
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!)) _entries[key] = entry = new Entry();
            entry.Users++;
        }

        try
        {
            await entry.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Release(key, entry, held: false);
            throw;
        }

        return new Holder(this, key, entry);
    }

    private void Release(string key, Entry entry, bool held)
    {
        if (held) entry.Gate.Release();
        lock (_entries)
        {
            if (--entry.Users > 0) return;
            _entries.Remove(key);
        }

        entry.Gate.Dispose();
    }

    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public int Users { get; set; }
    }

    private sealed class Holder(KeyedLock owner, string key, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(key, entry, held: true);
        }
    }
}
