using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Warehouse.Gold;
using Npgsql;

namespace CareLake.Warehouse.Silver;

/// <summary>
/// Silver for a stream whose messages map to clinical records (<see cref="IRecordMapper"/>): contract events of the
/// ADT, diagnosis, procedure, lab and EHR-access topics, FHIR resources, Synthea rows. Each record goes to its kind's
/// table, deduplicated by event_id; vital-sign sets are NEWS2-scored with alerts, as on the vitals topic; encounters,
/// patient histories and lab supersession are re-derived for what the batch touched.
/// </summary>
public sealed class RecordStage(string stream, IRecordMapper mapper) : ISilverStage
{
    public string Stream => stream;

    public ISilverBatch Prepare(IReadOnlyList<SilverInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var batch = new RecordBatch(stream);
        var firstIndex = new Dictionary<(Type, string), int>();
        foreach (var input in inputs)
        {
            ParseResult<MappedMessage> mapped;
            try
            {
                mapped = mapper.Map(input.Message);
            }
#pragma warning disable CA1031 // A defect in mapping one record must quarantine that record, not stop the worker.
            catch (Exception e)
#pragma warning restore CA1031
            {
                batch.Quarantine.Add(new QuarantineEntry(input.Index, stream, null, QuarantineWriter.ProcessingError, $"unexpected {e.GetType().Name} while mapping: {e.Message}", null));
                continue;
            }

            if (!mapped.IsSuccess)
            {
                var r = mapped.Rejection!;
                batch.Quarantine.Add(new QuarantineEntry(input.Index, stream, r.EventId, r.Code, r.Message, r.Field));
                continue;
            }

            var message = mapped.Value!;
            if (message.Records.Count == 0)
            {
                batch.Unsupported.Add((input.Index, message.Unsupported ?? "maps to no silver table"));
                continue;
            }

            if (Incomplete(message.Records) is { } missing)
            {
                batch.Quarantine.Add(new QuarantineEntry(input.Index, stream, message.Records[0].EventId, RejectionReason.MissingField.Code(), $"required field '{missing}' is missing", missing));
                continue;
            }

            // A message is a repeat when its first record's event_id was already seen in this batch (its other records share its fate).
            var head = message.Records[0];
            if (firstIndex.TryGetValue((head.GetType(), head.EventId), out var first))
            {
                batch.Duplicates.Add(new DuplicateEntry(input.Index, stream, head.EventId, first));
                continue;
            }

            foreach (var record in message.Records) firstIndex.TryAdd((record.GetType(), record.EventId), input.Index);
            batch.Add(input.Index, message.Records);
        }

        return batch;
    }

    /// <summary>The identity every record needs before it can be stored: a patient (except EHR access), an encounter for ADT.</summary>
    private static string? Incomplete(IReadOnlyList<ClinicalRecord> records)
    {
        foreach (var record in records)
        {
            if (record.PatientId is null && record is not EhrAccessRecord) return "patient_id";
            if (record.EncounterId is null && record is EncounterRecord) return "encounter_id";
        }

        return null;
    }
}

/// <summary>A prepared batch of records of every kind, written in the batch transaction.</summary>
internal sealed class RecordBatch(string stream) : ISilverBatch
{
    private readonly List<(int Index, ClinicalRecord Record)> _records = [];
    private readonly List<ScoredVitalSigns> _vitals = [];
    private readonly List<(int, PatientRecord)> _patients = [];
    private readonly List<(int, EncounterRecord)> _adt = [];
    private readonly List<(int, DiagnosisRecord)> _diagnoses = [];
    private readonly List<(int, ProcedureRecord)> _procedures = [];
    private readonly List<(int, LabResultRecord)> _labs = [];
    private readonly List<(int, EhrAccessRecord)> _access = [];

    public List<QuarantineEntry> Quarantine { get; } = [];
    public List<DuplicateEntry> Duplicates { get; } = [];
    public List<(int Index, string Reason)> Unsupported { get; } = [];

    public IReadOnlyCollection<PatientKey> Patients => _vitals.Select(v => new PatientKey(v.Source, v.Vitals.PatientId)).ToHashSet();

    public IReadOnlyCollection<PatientKey> ChangedPatients =>
        _records.Where(r => r.Record.PatientId is not null).Select(r => new PatientKey(r.Record.Source, r.Record.PatientId!)).ToHashSet();

    public int Count => _records.Select(r => r.Index).Distinct().Count() + Quarantine.Count + Duplicates.Count + Unsupported.Count;

    public IReadOnlyList<RecordResult> Decided =>
        [.. Quarantine.Select(q => new RecordResult(q.Index, RecordFate.Quarantined, q.EventId, q.ReasonCode, q.Message)),
         .. Unsupported.Select(u => new RecordResult(u.Index, RecordFate.Unsupported, Message: u.Reason))];

    public void Add(int index, IEnumerable<ClinicalRecord> records)
    {
        foreach (var record in records)
        {
            _records.Add((index, record));
            switch (record)
            {
                case VitalSignsRecord v: _vitals.Add(ScoredVitalSigns.Score(index, v.Vitals, v.Source)); break;
                case PatientRecord p: _patients.Add((index, p)); break;
                case EncounterRecord e: _adt.Add((index, e)); break;
                case DiagnosisRecord d: _diagnoses.Add((index, d)); break;
                case ProcedureRecord p: _procedures.Add((index, p)); break;
                case LabResultRecord l: _labs.Add((index, l)); break;
                case EhrAccessRecord a: _access.Add((index, a)); break;
                default: throw new ArgumentException($"no silver table for {record.GetType().Name}", nameof(records));
            }
        }
    }

    public async Task<SilverOutcome> WriteAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcome = new SilverOutcome();
        await QuarantineWriter.WriteAsync(connection, Quarantine, bronzeIds, now, cancellationToken);
        foreach (var q in Quarantine) outcome.Quarantine(q);
        await QuarantineWriter.WriteDuplicatesAsync(connection, Duplicates.Select(d => (d, (long?)bronzeIds[d.FirstIndex])).ToList(), bronzeIds, now, cancellationToken);
        foreach (var d in Duplicates) outcome.Duplicate(d);
        await QuarantineWriter.WriteUnsupportedAsync(connection, stream, Unsupported, bronzeIds, now, cancellationToken);
        foreach (var (index, reason) in Unsupported) outcome.NotTyped(index, reason);

        if (_vitals.Count > 0) outcome.Add(await new VitalSignsBatch(_vitals, [], [], stream).WriteAsync(connection, bronzeIds, now, cancellationToken));
        var repeats = new List<(DuplicateEntry, long?)>();
        var patients = await WriteTableAsync(connection, RecordTables.Patients, _patients, bronzeIds, now, outcome, repeats, cancellationToken);
        var adt = await WriteTableAsync(connection, RecordTables.AdtEvents, _adt, bronzeIds, now, outcome, repeats, cancellationToken);
        await WriteTableAsync(connection, RecordTables.Diagnoses, _diagnoses, bronzeIds, now, outcome, repeats, cancellationToken);
        await WriteTableAsync(connection, RecordTables.Procedures, _procedures, bronzeIds, now, outcome, repeats, cancellationToken);
        var labs = await WriteTableAsync(connection, RecordTables.LabResults, _labs, bronzeIds, now, outcome, repeats, cancellationToken);
        await WriteTableAsync(connection, RecordTables.EhrAccess, _access, bronzeIds, now, outcome, repeats, cancellationToken);
        // One duplicate row per bronze row, however many of its records repeat.
        var repeatedRows = repeats.DistinctBy(r => r.Item1.Index).ToList();
        await QuarantineWriter.WriteDuplicatesAsync(connection, repeatedRows, bronzeIds, now, cancellationToken);
        foreach (var (d, _) in repeatedRows) outcome.Duplicate(d);

        await EncounterDerivation.RefreshAsync(connection, adt.Select(a => (a.Record.Source, a.Record.EncounterId!)), now, cancellationToken);
        await PatientDerivation.RefreshAsync(connection, patients.Select(p => new PatientKey(p.Record.Source, p.Record.PatientId!)), now, cancellationToken);
        await LabSupersession.RefreshAsync(connection, labs.Select(l => l.Record), cancellationToken);
        return outcome;
    }

    /// <summary>Copies the rows whose event_id the table does not hold yet; the others are repeats (or replays of the same bronze row).</summary>
    private async Task<List<(int Index, T Record)>> WriteTableAsync<T>(NpgsqlConnection connection, RecordTable<T> table, List<(int Index, T Record)> rows,
        IReadOnlyList<long> bronzeIds, DateTimeOffset now, SilverOutcome outcome, List<(DuplicateEntry, long?)> repeats, CancellationToken cancellationToken)
        where T : ClinicalRecord
    {
        if (rows.Count == 0) return [];
        var existing = await table.ExistingAsync(connection, rows.Select(r => r.Record.EventId), cancellationToken);
        var fresh = new List<(int Index, T Record)>(rows.Count);
        foreach (var row in rows)
        {
            if (!existing.TryGetValue(row.Record.EventId, out var original)) fresh.Add(row);
            else if (original != bronzeIds[row.Index]) repeats.Add((new DuplicateEntry(row.Index, stream, row.Record.EventId, -1), original));
        }

        await table.CopyAsync(connection, fresh, bronzeIds, now, cancellationToken);
        outcome.CountInserted(table.Name, fresh.Count);
        return fresh;
    }

    public IEnumerable<ISilverBatch> OneByOne()
    {
        foreach (var group in _records.GroupBy(r => r.Index))
        {
            var one = new RecordBatch(stream);
            one.Add(group.Key, group.Select(g => g.Record));
            yield return one;
        }

        foreach (var q in Quarantine) yield return Single(b => b.Quarantine.Add(q));
        foreach (var d in Duplicates) yield return Single(b => b.Duplicates.Add(d));
        foreach (var u in Unsupported) yield return Single(b => b.Unsupported.Add(u));
    }

    private RecordBatch Single(Action<RecordBatch> fill)
    {
        var batch = new RecordBatch(stream);
        fill(batch);
        return batch;
    }

    public async Task<IReadOnlyList<QuarantineEntry>> QuarantineAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entries = _records.DistinctBy(r => r.Index).Select(r => new QuarantineEntry(r.Index, stream, r.Record.EventId, QuarantineWriter.RejectedByDatabase, message, null))
            .Concat(Quarantine)
            .Concat(Duplicates.Select(d => new QuarantineEntry(d.Index, d.Stream, d.EventId, QuarantineWriter.RejectedByDatabase, message, null)))
            .Concat(Unsupported.Select(u => new QuarantineEntry(u.Index, stream, null, QuarantineWriter.RejectedByDatabase, message, null)))
            .ToList();
        await QuarantineWriter.WriteAsync(connection, entries, bronzeIds, now, cancellationToken);
        return entries;
    }
}
