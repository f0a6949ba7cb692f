using System.Text.Json;
using CareLake.Core.Contracts;
using CareLake.Core.Parsing;
using CareLake.Core.Scoring;

namespace CareLake.Core.Vitals;

/// <summary>
/// Parses, validates and normalises a <c>vital_signs</c> event (reference/event-contracts.md, topic
/// <c>patient_vitals</c>). Every failure is a <see cref="Rejection"/> with a reason code, never an exception.
/// </summary>
public sealed class VitalSignsParser(PlausibilityLimits? limits = null, PayloadLimits? payloadLimits = null)
{
    private static readonly string[] ConsciousnessCodes = ["A", "C", "V", "P", "U"];

    private readonly PlausibilityLimits _limits = limits ?? PlausibilityLimits.Adult;
    private readonly PayloadLimits _payloadLimits = payloadLimits ?? PayloadLimits.Default;

    /// <param name="payload">The raw message bytes, as bronze holds them.</param>
    /// <param name="receivedAt">When CareLake received it; timestamps far beyond it are rejected as clock errors.</param>
    public ParseResult<VitalSigns> Parse(ReadOnlyMemory<byte> payload, DateTimeOffset receivedAt)
    {
        var rejection = EventEnvelopeReader.TryOpen(payload, _payloadLimits, out var document);
        if (rejection is not null)
        {
            return rejection;
        }

        using (document)
        {
            return Parse(document!.RootElement, receivedAt);
        }
    }

    public ParseResult<VitalSigns> Parse(JsonElement obj, DateTimeOffset receivedAt)
    {
        var f = new JsonFields(obj);
        var envelope = EventEnvelopeReader.ReadEnvelope(f);
        if (envelope is null)
        {
            return f.Rejection!;
        }

        if (envelope.EventType != EventTypes.VitalSigns)
        {
            var topic = EventTypes.TopicOf(envelope.EventType);
            return topic is null
                ? new Rejection(RejectionReason.UnknownEventType, $"event_type '{JsonFields.Truncate(envelope.EventType)}' is not in the event contracts", "event_type", envelope.EventId)
                : new Rejection(RejectionReason.WrongTopic, $"event_type '{envelope.EventType}' belongs on topic {topic}, not {Topics.PatientVitals}", "event_type", envelope.EventId);
        }

        var deviceId = f.String("device_id", required: false, maxLength: 128);
        var measuredAt = f.Timestamp("measured_at", required: true);
        var heartRate = f.Number("heart_rate");
        var respiratoryRate = f.Number("respiratory_rate");
        var spo2 = f.Number("spo2");
        var spo2Scale = f.Integer("spo2_scale", required: false);
        var onOxygen = f.Boolean("on_supplemental_oxygen");
        var systolic = f.Number("systolic_bp");
        var diastolic = f.Number("diastolic_bp");
        var temperature = f.Number("temperature");
        var unitText = f.String("temperature_unit", required: false);
        var consciousnessText = f.OneOf("consciousness", required: false, ConsciousnessCodes);
        if (f.Failed)
        {
            return f.Rejection!;
        }

        if (spo2Scale is { } scale && scale is not (1 or 2))
        {
            return Reject(RejectionReason.InvalidValue, $"spo2_scale must be 1 or 2, not {scale}", "spo2_scale", envelope);
        }

        TemperatureUnit? unit = null;
        decimal? celsius = null;
        if (temperature is { } t)
        {
            var parsedUnit = Temperatures.UnitOf(unitText, t, _limits);
            if (parsedUnit is null)
            {
                return Reject(RejectionReason.InvalidValue, $"temperature_unit must be Cel or [degF]; got '{JsonFields.Truncate(unitText!)}'", "temperature_unit", envelope);
            }

            unit = parsedUnit;
            celsius = Temperatures.ToCelsius(t, unit.Value);
        }

        return Validate(new VitalSigns(
            envelope.EventId,
            envelope.PatientId!,
            envelope.EncounterId,
            deviceId,
            envelope.SourceSystem,
            envelope.OccurredAt,
            measuredAt!.Value,
            heartRate,
            respiratoryRate,
            spo2,
            (int)(spo2Scale ?? 1),
            onOxygen,
            systolic,
            diastolic,
            celsius,
            unit,
            consciousnessText is null ? null : Acvpu.FromCode(consciousnessText[0])), receivedAt);
    }

    /// <summary>
    /// The checks every vital-sign set passes, whatever format it came in (contract JSON, FHIR, Synthea, HL7 v2): at
    /// least one measurement, values within the plausibility limits (temperature in °C), DBP below SBP, and no
    /// timestamp far beyond the receive time.
    /// </summary>
    public ParseResult<VitalSigns> Validate(VitalSigns vitals, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(vitals);
        if (vitals.HeartRate is null && vitals.RespiratoryRate is null && vitals.Spo2 is null && vitals.OnSupplementalOxygen is null &&
            vitals.SystolicBp is null && vitals.DiastolicBp is null && vitals.TemperatureCelsius is null && vitals.Consciousness is null)
        {
            return Reject(RejectionReason.NoMeasurements, "a vital_signs event needs at least one measurement", null, vitals.EventId);
        }

        var implausible =
            OutOfRange("heart_rate", vitals.HeartRate, _limits.HeartRate, "/min") ??
            OutOfRange("respiratory_rate", vitals.RespiratoryRate, _limits.RespiratoryRate, "/min") ??
            OutOfRange("spo2", vitals.Spo2, _limits.Spo2, "%") ??
            OutOfRange("systolic_bp", vitals.SystolicBp, _limits.SystolicBp, "mmHg") ??
            OutOfRange("diastolic_bp", vitals.DiastolicBp, _limits.DiastolicBp, "mmHg") ??
            OutOfRange("temperature", vitals.TemperatureCelsius, _limits.TemperatureCelsius, "°C");
        if (implausible is { } problem)
        {
            return Reject(RejectionReason.ImplausibleValue, problem.Message, problem.Field, vitals.EventId);
        }

        if (vitals.SystolicBp is { } sbp && vitals.DiastolicBp is { } dbp && dbp >= sbp)
        {
            return Reject(RejectionReason.InconsistentValues, $"diastolic_bp {dbp} must be below systolic_bp {sbp}", "diastolic_bp", vitals.EventId);
        }

        var latest = receivedAt + _payloadLimits.FutureToleranceOrDefault;
        if (vitals.MeasuredAt > latest || vitals.OccurredAt > latest)
        {
            var field = vitals.MeasuredAt > latest ? "measured_at" : "occurred_at";
            return Reject(RejectionReason.TimestampInFuture, $"{field} lies more than {_payloadLimits.FutureToleranceOrDefault.TotalHours:0} h after the event was received ({receivedAt:O})", field, vitals.EventId);
        }

        return vitals;
    }

    private static (string Field, string Message)? OutOfRange(string field, decimal? value, PlausibleRange range, string unit) =>
        value is { } v && !range.Contains(v)
            ? (field, $"{field} {v} {unit} is outside the plausible range {range} {unit}")
            : null;

    private static Rejection Reject(RejectionReason reason, string message, string? field, EventEnvelope envelope) =>
        new(reason, message, field, envelope.EventId);

    private static Rejection Reject(RejectionReason reason, string message, string? field, string eventId) =>
        new(reason, message, field, eventId);
}
