using CareLake.Core.Contracts;
using CareLake.Core.Scoring;
using CareLake.Core.Vitals;
using Npgsql;
using NpgsqlTypes;

namespace CareLake.Warehouse.Silver;

/// <summary>A vital-sign set with its NEWS2 result and the alert it raises, if any.</summary>
public sealed record ScoredVitalSigns(int Index, VitalSigns Vitals, News2Result News2, ClinicalAlert? Alert);

/// <summary>
/// Silver for <c>patient_vitals</c>: parse, validate, normalise, dedupe by event_id, score NEWS2 and
/// raise clinical alerts (table <c>silver.vital_signs</c> and <c>silver.clinical_alerts</c>).
/// </summary>
public sealed class VitalSignsStage(VitalSignsParser parser) : ISilverStage
{
    public string Stream => Topics.PatientVitals;

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
            var news2 = News2.Score(vitals.News2Input);
            rows.Add(new ScoredVitalSigns(input.Index, vitals, news2, ClinicalAlertRule.Evaluate(news2)));
        }

        return new VitalSignsBatch(rows, quarantine, duplicates);
    }
}

internal sealed class VitalSignsBatch(List<ScoredVitalSigns> rows, List<QuarantineEntry> quarantine, List<DuplicateEntry> duplicates) : ISilverBatch
{
    private const string Copy = """
        COPY pg_temp.silver_vital_signs_stage (
            event_id, bronze_id, patient_id, encounter_id, device_id, source_system, occurred_at, measured_at,
            heart_rate, respiratory_rate, spo2, spo2_scale, on_supplemental_oxygen, systolic_bp, diastolic_bp,
            temperature_c, temperature_unit_received, consciousness, news2_score, news2_band, news2_complete,
            rr_score, spo2_score, oxygen_score, sbp_score, hr_score, consciousness_score, temperature_score, processed_at,
            alert_kind, alert_severity, alert_reason) FROM STDIN (FORMAT BINARY)
        """;

    public IReadOnlyCollection<string> Patients { get; } = rows.Select(r => r.Vitals.PatientId).ToHashSet(StringComparer.Ordinal);

    public int Count => rows.Count + quarantine.Count + duplicates.Count;

    public async Task<SilverOutcome> WriteAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var outcome = new SilverOutcome();
        await QuarantineWriter.WriteAsync(connection, quarantine, bronzeIds, now, cancellationToken);
        foreach (var q in quarantine) outcome.Count(q.ReasonCode);
        await QuarantineWriter.WriteDuplicatesAsync(connection, duplicates, bronzeIds, now, cancellationToken);
        outcome.Duplicates += duplicates.Count;
        if (rows.Count == 0) return outcome;

        await using (var stage = new NpgsqlCommand(SqlResources.Warehouse.Load("Silver/vital_signs_stage.sql"), connection))
        {
            await stage.ExecuteNonQueryAsync(cancellationToken);
        }

        await CopyToStageAsync(connection, bronzeIds, now, cancellationToken);
        await using var insert = new NpgsqlCommand(SqlResources.Warehouse.Load("Silver/vital_signs_insert.sql"), connection);
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        outcome.Inserted += reader.GetInt64(0);
        outcome.Alerts += reader.GetInt64(1);
        outcome.Duplicates += reader.GetInt64(2);
        return outcome;
    }

    public IEnumerable<ISilverBatch> OneByOne()
    {
        foreach (var row in rows) yield return new VitalSignsBatch([row], [], []);
        foreach (var q in quarantine) yield return new VitalSignsBatch([], [q], []);
        foreach (var d in duplicates) yield return new VitalSignsBatch([], [], [d]);
    }

    public Task QuarantineAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, string message, DateTimeOffset now, CancellationToken cancellationToken) =>
        QuarantineWriter.WriteAsync(connection,
            rows.Select(r => new QuarantineEntry(r.Index, Core.Contracts.Topics.PatientVitals, r.Vitals.EventId, QuarantineWriter.RejectedByDatabase, message, null))
                .Concat(quarantine)
                .Concat(duplicates.Select(d => new QuarantineEntry(d.Index, d.Stream, d.EventId, QuarantineWriter.RejectedByDatabase, message, null)))
                .ToList(),
            bronzeIds, now, cancellationToken);

    private async Task CopyToStageAsync(NpgsqlConnection connection, IReadOnlyList<long> bronzeIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var w = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        foreach (var row in rows)
        {
            var v = row.Vitals;
            var s = row.News2.SubScores;
            await w.StartRowAsync(cancellationToken);
            await w.WriteAsync(v.EventId, NpgsqlDbType.Text, cancellationToken);
            await w.WriteAsync(bronzeIds[row.Index], NpgsqlDbType.Bigint, cancellationToken);
            await w.WriteAsync(v.PatientId, NpgsqlDbType.Text, cancellationToken);
            await Text(w, v.EncounterId, cancellationToken);
            await Text(w, v.DeviceId, cancellationToken);
            await Text(w, v.SourceSystem, cancellationToken);
            await w.WriteAsync(v.OccurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await w.WriteAsync(v.MeasuredAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await Number(w, v.HeartRate, cancellationToken);
            await Number(w, v.RespiratoryRate, cancellationToken);
            await Number(w, v.Spo2, cancellationToken);
            await w.WriteAsync((short)v.Spo2Scale, NpgsqlDbType.Smallint, cancellationToken);
            if (v.OnSupplementalOxygen is { } o2) await w.WriteAsync(o2, NpgsqlDbType.Boolean, cancellationToken);
            else await w.WriteNullAsync(cancellationToken);
            await Number(w, v.SystolicBp, cancellationToken);
            await Number(w, v.DiastolicBp, cancellationToken);
            await Number(w, v.TemperatureCelsius, cancellationToken);
            await Text(w, UnitCode(v.TemperatureUnitReceived), cancellationToken);
            await Text(w, ConsciousnessCode(v.Consciousness), cancellationToken);
            await Score(w, row.News2.Total, cancellationToken);
            await Text(w, row.News2.Band?.Code(), cancellationToken);
            await w.WriteAsync(row.News2.IsComplete, NpgsqlDbType.Boolean, cancellationToken);
            await Score(w, s.RespiratoryRate, cancellationToken);
            await Score(w, s.Spo2, cancellationToken);
            await Score(w, s.Oxygen, cancellationToken);
            await Score(w, s.SystolicBp, cancellationToken);
            await Score(w, s.HeartRate, cancellationToken);
            await Score(w, s.Consciousness, cancellationToken);
            await Score(w, s.Temperature, cancellationToken);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
            await Text(w, row.Alert?.Kind, cancellationToken);
            await Text(w, row.Alert?.Severity, cancellationToken);
            await Text(w, row.Alert?.Reason, cancellationToken);
        }

        await w.CompleteAsync(cancellationToken);
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

    private static Task Text(NpgsqlBinaryImporter w, string? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static Task Number(NpgsqlBinaryImporter w, decimal? value, CancellationToken ct) =>
        value is { } v ? w.WriteAsync(v, NpgsqlDbType.Numeric, ct) : w.WriteNullAsync(ct);

    private static Task Score(NpgsqlBinaryImporter w, int? value, CancellationToken ct) =>
        value is { } v ? w.WriteAsync((short)v, NpgsqlDbType.Smallint, ct) : w.WriteNullAsync(ct);
}
