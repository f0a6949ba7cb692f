using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;
using CareLake.Warehouse.Gold;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Warehouse.Silver;

/// <summary>A vital-sign set with its NEWS2 result and the alert it raises, if any; <paramref name="Source"/> is its id namespace.</summary>
public sealed record ScoredVitalSigns(int Index, VitalSigns Vitals, News2Result News2, ClinicalAlert? Alert, string Source = RecordSources.Mrn)
{
    public static ScoredVitalSigns Score(int index, VitalSigns vitals, string source = RecordSources.Mrn)
    {
        ArgumentNullException.ThrowIfNull(vitals);
        var news2 = CareLake.Core.Scoring.News2.Score(vitals.News2Input);
        return new ScoredVitalSigns(index, vitals, news2, ClinicalAlertRule.Evaluate(news2), source);
    }
}

/// <summary>
/// Silver for <c>patient_vitals</c>: parse, validate, normalise, dedupe by event_id, score NEWS2 and
/// raise clinical alerts (table <c>silver.vital_signs</c> and <c>silver.clinical_alerts</c>).
/// </summary>
public sealed class VitalSignsStage(VitalSignsParser parser) : ISilverStage
{
    internal const string StreamName = Topics.PatientVitals;

    public string Stream => StreamName;

    public ISilverBatch Prepare(IReadOnlyList<SilverInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = new List<ScoredVitalSigns>(inputs.Count);
        var quarantine = new List<QuarantineEntry>();
        var duplicates = new List<DuplicateEntry>();
        var firstIndexByEventId = new Dictionary<string, int>(inputs.Count, StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            ParseResult<VitalSigns> parsed;
            try
            {
                parsed = parser.Parse(input.Payload, input.ReceivedAt);
            }
#pragma warning disable CA1031 // A defect in parsing one record must quarantine that record, not stop the worker.
            catch (Exception e)
#pragma warning restore CA1031
            {
                quarantine.Add(new QuarantineEntry(input.Index, Stream, null, QuarantineWriter.ProcessingError, $"unexpected {e.GetType().Name} while parsing: {e.Message}", null));
                continue;
            }

            if (!parsed.IsSuccess)
            {
                var r = parsed.Rejection!;
                quarantine.Add(new QuarantineEntry(input.Index, Stream, r.EventId, r.Code, r.Message, r.Field));
                continue;
            }

            var vitals = parsed.Value!;
            if (firstIndexByEventId.TryGetValue(vitals.EventId, out var first))
            {
                duplicates.Add(new DuplicateEntry(input.Index, Stream, vitals.EventId, first));
                continue;
            }

            firstIndexByEventId.Add(vitals.EventId, input.Index);
            rows.Add(ScoredVitalSigns.Score(input.Index, vitals));
        }

        return new VitalSignsBatch(rows, quarantine, duplicates);
    }
}

/// <param name="stream">The stream its rows came from (named on repeats found in silver).</param>
internal sealed class VitalSignsBatch(List<ScoredVitalSigns> rows, List<QuarantineEntry> quarantine, List<DuplicateEntry> duplicates, string stream = VitalSignsStage.StreamName) : ISilverBatch
{
    private const string CopyRows = """
        COPY silver.vital_signs (
            event_id, bronze_id, source, patient_id, encounter_id, device_id, source_system, occurred_at, measured_at,
            heart_rate, respiratory_rate, spo2, spo2_scale, on_supplemental_oxygen, systolic_bp, diastolic_bp,
            temperature_c, temperature_unit_received, consciousness, news2_score, news2_band, news2_complete,
            rr_score, spo2_score, oxygen_score, sbp_score, hr_score, consciousness_score, temperature_score, processed_at)
        FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyAlerts = """
        COPY silver.clinical_alerts (event_id, bronze_id, source, patient_id, encounter_id, kind, severity, news2_score, reason, measured_at, raised_at)
        FROM STDIN (FORMAT BINARY)
        """;

    public IReadOnlyCollection<PatientKey> Patients { get; } = rows.Select(r => new PatientKey(r.Source, r.Vitals.PatientId)).ToHashSet();

    public int Count => rows.Count + quarantine.Count + duplicates.Count;

    public IReadOnlyList<RecordResult> Decided => [.. quarantine.Select(q => new RecordResult(q.Index, RecordFate.Quarantined, q.EventId, q.ReasonCode, q.Message))];

    /// <summary>
    /// Rows whose event_id silver already holds (from another bronze row) are duplicates; the rest are
    /// copied straight into silver. If another worker inserts one of the same event_ids meanwhile, the
    /// primary key refuses the copy and the batch is retried, finding it then.
    /// </summary>
    public async Task<SilverOutcome> WriteAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcome = new SilverOutcome();
        await QuarantineWriter.WriteAsync(connection, quarantine, bronzeIds, now, cancellationToken);
        foreach (var q in quarantine) outcome.Quarantine(q);
        await QuarantineWriter.WriteDuplicatesAsync(connection, duplicates.Select(d => (d, (long?)bronzeIds[d.FirstIndex])).ToList(), bronzeIds, now, cancellationToken);
        foreach (var d in duplicates) outcome.Duplicate(d);
        if (rows.Count == 0) return outcome;

        var existing = await ExistingAsync(connection, cancellationToken);
        var fresh = new List<ScoredVitalSigns>(rows.Count);
        var repeats = new List<(DuplicateEntry, long?)>();
        foreach (var row in rows)
        {
            if (!existing.TryGetValue(row.Vitals.EventId, out var original)) fresh.Add(row);
            else if (original != bronzeIds[row.Index]) repeats.Add((new DuplicateEntry(row.Index, stream, row.Vitals.EventId, -1), original));
            // else: this very bronze row was processed before (a replay): nothing to do.
        }

        await CopyRowsAsync(connection, fresh, bronzeIds, now, cancellationToken);
        outcome.CountInserted("vital_signs", fresh.Count);
        outcome.Alerts += await CopyAlertsAsync(connection, fresh, bronzeIds, now, cancellationToken);
        await QuarantineWriter.WriteDuplicatesAsync(connection, repeats, bronzeIds, now, cancellationToken);
        foreach (var (d, _) in repeats) outcome.Duplicate(d);
        return outcome;
    }

    public IEnumerable<ISilverBatch> OneByOne()
    {
        foreach (var row in rows) yield return new VitalSignsBatch([row], [], [], stream);
        foreach (var q in quarantine) yield return new VitalSignsBatch([], [q], [], stream);
        foreach (var d in duplicates) yield return new VitalSignsBatch([], [], [d], stream);
    }

    public async Task<IReadOnlyList<QuarantineEntry>> QuarantineAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entries = rows.Select(r => new QuarantineEntry(r.Index, stream, r.Vitals.EventId, QuarantineWriter.RejectedByDatabase, message, null))
            .Concat(quarantine)
            .Concat(duplicates.Select(d => new QuarantineEntry(d.Index, d.Stream, d.EventId, QuarantineWriter.RejectedByDatabase, message, null)))
            .ToList();
        await QuarantineWriter.WriteAsync(connection, entries, bronzeIds, now, cancellationToken);
        return entries;
    }

    private async Task<Dictionary<string, long>> ExistingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT event_id, bronze_id FROM silver.vital_signs WHERE event_id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.Vitals.EventId).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found[reader.GetString(0)] = reader.GetInt64(1);
        return found;
    }

    // Synchronous row writes: they only fill Npgsql's buffer, and the async overloads cost more per field than the copy itself.
    private static async Task CopyRowsAsync(NpgsqlConnection connection, List<ScoredVitalSigns> fresh, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (fresh.Count == 0) return;
        using var w = await connection.BeginBinaryImportAsync(CopyRows, cancellationToken);
        foreach (var row in fresh)
        {
            var v = row.Vitals;
            var s = row.News2.SubScores;
            w.StartRow();
            w.Write(v.EventId, NpgsqlDbType.Text);
            w.Write(bronzeIds[row.Index], NpgsqlDbType.Bigint);
            w.Write(row.Source, NpgsqlDbType.Text);
            w.Write(v.PatientId, NpgsqlDbType.Text);
            w.WriteText(v.EncounterId);
            w.WriteText(v.DeviceId);
            w.WriteText(v.SourceSystem);
            w.Write(v.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            w.Write(v.MeasuredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            w.WriteNumber(v.HeartRate);
            w.WriteNumber(v.RespiratoryRate);
            w.WriteNumber(v.Spo2);
            w.Write((short)v.Spo2Scale, NpgsqlDbType.Smallint);
            w.WriteBoolean(v.OnSupplementalOxygen);
            w.WriteNumber(v.SystolicBp);
            w.WriteNumber(v.DiastolicBp);
            w.WriteNumber(v.TemperatureCelsius);
            w.WriteText(UnitCode(v.TemperatureUnitReceived));
            w.WriteText(ConsciousnessCode(v.Consciousness));
            w.WriteSmallint(row.News2.Total);
            w.WriteText(row.News2.Band?.Code());
            w.Write(row.News2.IsComplete, NpgsqlDbType.Boolean);
            w.WriteSmallint(s.RespiratoryRate);
            w.WriteSmallint(s.Spo2);
            w.WriteSmallint(s.Oxygen);
            w.WriteSmallint(s.SystolicBp);
            w.WriteSmallint(s.HeartRate);
            w.WriteSmallint(s.Consciousness);
            w.WriteSmallint(s.Temperature);
            w.Write(now.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        await w.CompleteAsync(cancellationToken);
    }

    private static async Task<int> CopyAlertsAsync(NpgsqlConnection connection, List<ScoredVitalSigns> fresh, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var alerting = fresh.Where(r => r.Alert is not null).ToList();
        if (alerting.Count == 0) return 0;
        using var w = await connection.BeginBinaryImportAsync(CopyAlerts, cancellationToken);
        foreach (var row in alerting)
        {
            var alert = row.Alert!;
            w.StartRow();
            w.Write(row.Vitals.EventId, NpgsqlDbType.Text);
            w.Write(bronzeIds[row.Index], NpgsqlDbType.Bigint);
            w.Write(row.Source, NpgsqlDbType.Text);
            w.Write(row.Vitals.PatientId, NpgsqlDbType.Text);
            w.WriteText(row.Vitals.EncounterId);
            w.Write(alert.Kind, NpgsqlDbType.Text);
            w.Write(alert.Severity, NpgsqlDbType.Text);
            w.WriteSmallint(row.News2.Total);
            w.Write(alert.Reason, NpgsqlDbType.Text);
            w.Write(row.Vitals.MeasuredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz);
            w.Write(now.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        await w.CompleteAsync(cancellationToken);
        return alerting.Count;
    }

    private static string? UnitCode(TemperatureUnit? unit) => unit switch
    {
        TemperatureUnit.Celsius => "Cel",
        TemperatureUnit.Fahrenheit => "[degF]",
        TemperatureUnit.FahrenheitInferred => "[degF] (inferred)",
        _ => null,
    };

    private static string? ConsciousnessCode(Consciousness? level) => level switch
    {
        Consciousness.Alert => "A",
        Consciousness.NewConfusion => "C",
        Consciousness.Voice => "V",
        Consciousness.Pain => "P",
        Consciousness.Unresponsive => "U",
        _ => null,
    };
}
