using CareLake.Core.Records;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Warehouse.Silver;

/// <summary>A bronze row handed to silver: its place in the batch, its stream, its raw bytes and headers.</summary>
public readonly record struct SilverInput(
    int Index,
    string Stream,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<string>? HeaderKeys = null,
    IReadOnlyList<byte[]?>? HeaderValues = null)
{
    public MessageContext Message => new(Stream, Payload, HeaderKeys, HeaderValues, ReceivedAt);
}

/// <summary>What became of one bronze message in silver.</summary>
public enum RecordFate
{
    /// <summary>Landed in its silver table(s).</summary>
    Stored,

    /// <summary>Its event id was already in silver: counted in <c>silver.duplicate_events</c>, not a new fact.</summary>
    Duplicate,

    /// <summary>Refused with a reason in <c>silver.quarantine</c>; bronze keeps it for replay.</summary>
    Quarantined,

    /// <summary>Maps to no silver table on purpose (<c>silver.unsupported_records</c>); bronze keeps it.</summary>
    Unsupported,
}

/// <summary>The fate of the message at <paramref name="Index"/> in its batch, with the reason when it did not land.</summary>
public readonly record struct RecordResult(int Index, RecordFate Fate, string? EventId = null, string? ReasonCode = null, string? Message = null);

/// <summary>What a silver write did.</summary>
public sealed class SilverOutcome
{
    private readonly List<RecordResult> _notStored = [];

    /// <summary>The messages that did not land as new rows (duplicates, quarantined, unsupported); every other one was stored.</summary>
    public IReadOnlyList<RecordResult> NotStored => _notStored;

    /// <summary>The batch's bronze ids, in message order (set by the batch commit).</summary>
    public IReadOnlyList<long> BronzeIds { get; set; } = [];

    /// <summary>Rows inserted into silver tables, all tables together.</summary>
    public long Inserted { get; private set; }
    public long Alerts { get; set; }
    public long Duplicates { get; set; }

    /// <summary>Messages that map to nothing on purpose (kept in bronze, counted in <c>silver.unsupported_records</c>).</summary>
    public long Unsupported { get; set; }

    /// <summary>Rows inserted per silver table.</summary>
    public Dictionary<string, long> InsertedByTable { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Quarantined { get; } = new(StringComparer.Ordinal);

    public void Add(SilverOutcome other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Alerts += other.Alerts;
        Duplicates += other.Duplicates;
        Unsupported += other.Unsupported;
        _notStored.AddRange(other._notStored);
        foreach (var (reason, count) in other.Quarantined) Count(reason, count);
        foreach (var (table, count) in other.InsertedByTable) CountInserted(table, count);
    }

    /// <summary>Counts rows inserted into a silver table (and into <see cref="Inserted"/>).</summary>
    public void CountInserted(string table, long count)
    {
        if (count == 0) return;
        Inserted += count;
        InsertedByTable[table] = InsertedByTable.GetValueOrDefault(table) + count;
    }

    public void Count(string reason, long count = 1) =>
        Quarantined[reason] = Quarantined.GetValueOrDefault(reason) + count;

    public void Quarantine(QuarantineEntry entry)
    {
        Count(entry.ReasonCode);
        _notStored.Add(new RecordResult(entry.Index, RecordFate.Quarantined, entry.EventId, entry.ReasonCode, entry.Message));
    }

    public void Duplicate(DuplicateEntry entry)
    {
        Duplicates++;
        _notStored.Add(new RecordResult(entry.Index, RecordFate.Duplicate, entry.EventId));
    }

    public void NotTyped(int index, string reason)
    {
        Unsupported++;
        _notStored.Add(new RecordResult(index, RecordFate.Unsupported, Message: reason));
    }

    /// <summary>What became of each of <paramref name="count"/> messages: stored unless recorded otherwise.</summary>
    public RecordResult[] Results(int count)
    {
        var results = new RecordResult[count];
        for (var i = 0; i < count; i++) results[i] = new RecordResult(i, RecordFate.Stored);
        foreach (var r in _notStored) results[r.Index] = r;
        return results;
    }
}

/// <summary>Turns one stream's bronze rows into typed silver rows.</summary>
public interface ISilverStage
{
    /// <summary>The stream (topic) this stage reads.</summary>
    string Stream { get; }

    /// <summary>Parses, validates and scores, without I/O; may run before the batch transaction opens.</summary>
    ISilverBatch Prepare(IReadOnlyList<SilverInput> inputs);
}

/// <summary>A prepared silver batch, written inside the batch transaction once bronze ids are known.</summary>
public interface ISilverBatch
{
    /// <summary>The patients whose NEWS2 risk snapshot this batch changes (their vital signs).</summary>
    IReadOnlyCollection<PatientKey> Patients { get; }

    /// <summary>
    /// Every patient whose silver rows this batch may change, of any entity (recorded in gold.changed_patients for the
    /// incremental gold models). A superset is harmless: those patients are recomputed to the same rows.
    /// </summary>
    IReadOnlyCollection<PatientKey> ChangedPatients => Patients;

    int Count { get; }

    /// <summary>The fates decided by parsing and mapping alone, before any I/O: quarantined with the reason, or unsupported.</summary>
    IReadOnlyList<RecordResult> Decided { get; }

    Task<SilverOutcome> WriteAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The same work one record at a time, so that a record the database refuses can be isolated.</summary>
    IEnumerable<ISilverBatch> OneByOne();

    /// <summary>Quarantines a record the database refused (used with <see cref="OneByOne"/>); returns what it quarantined.</summary>
    Task<IReadOnlyList<QuarantineEntry>> QuarantineAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, string message, DateTimeOffset now, CancellationToken cancellationToken);
}
