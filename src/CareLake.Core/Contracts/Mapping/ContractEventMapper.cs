using System.Text.Json;
using CareLake.Core.Parsing;
using CareLake.Core.Records;
using CareLake.Core.Vitals;

namespace CareLake.Core.Contracts.Mapping;

/// <summary>
/// Maps one contract JSON event (reference/event-contracts.md, schema version 1) to clinical records, for every
/// topic. On a Kafka topic only that topic's event types are accepted; on <see cref="GenericStream"/> (NDJSON files,
/// the HTTP ingest API) any contract type is, routed by its <c>event_type</c>. Every record gets
/// <see cref="RecordSources.Mrn"/> as its source and the event's <c>event_id</c> as its id. Failures are
/// <see cref="Rejection"/>s, never exceptions.
/// </summary>
/// <remarks>
/// An <c>admit</c>, <c>register</c> or <c>update</c> maps to a <see cref="PatientRecord"/> followed by an
/// <see cref="EncounterRecord"/> (an <c>update</c> without <c>encounter</c> to the patient alone); both carry the
/// event's id, since they go to different tables. Every other type maps to exactly one record.
/// </remarks>
public sealed class ContractEventMapper(VitalSignsParser vitals, PayloadLimits? limits = null) : IRecordMapper
{
    /// <summary>The stream of events that arrive without a topic (NDJSON file drops, HTTP imports).</summary>
    public const string GenericStream = "events";

    private readonly VitalSignsParser _vitals = vitals ?? throw new ArgumentNullException(nameof(vitals));
    private readonly PayloadLimits _limits = limits ?? PayloadLimits.Default;

    public ParseResult<MappedMessage> Map(in MessageContext message)
    {
        var rejection = EventEnvelopeReader.TryOpen(message.Payload, _limits, out var document);
        if (rejection is not null)
        {
            return rejection;
        }

        using (document)
        {
            return Map(message.Stream, document!.RootElement, message.ReceivedAt);
        }
    }

    private ParseResult<MappedMessage> Map(string stream, JsonElement obj, DateTimeOffset receivedAt)
    {
        var json = new JsonFields(obj);
        var envelope = EventEnvelopeReader.ReadEnvelope(json, patientRequired: !IsEhrAccess(obj));
        if (envelope is null)
        {
            return json.Rejection!;
        }

        if (Misrouted(stream, envelope) is { } misrouted)
        {
            return misrouted;
        }

        if (envelope.EventType == EventTypes.VitalSigns)
        {
            return MapVitals(obj, receivedAt);
        }

        var fields = new EventFields(obj, json, receivedAt, _limits.FutureToleranceOrDefault);
        fields.CheckNotInFuture("occurred_at", envelope.OccurredAt);
        var records = envelope.EventType switch
        {
            EventTypes.Diagnosis => One(ClinicalEventMapping.Diagnosis(fields, envelope)),
            EventTypes.Procedure => One(ClinicalEventMapping.Procedure(fields, envelope)),
            EventTypes.LabResult => One(ClinicalEventMapping.LabResult(fields, envelope)),
            EventTypes.EhrAccess => One(ClinicalEventMapping.EhrAccess(fields, envelope)),
            _ => AdtEventMapping.Map(fields, envelope, ContractValues.AdtActionOf(envelope.EventType)!.Value),
        };

        return fields.Rejection is { } problem ? problem : new MappedMessage(records!);
    }

    private ParseResult<MappedMessage> MapVitals(JsonElement obj, DateTimeOffset receivedAt)
    {
        var parsed = _vitals.Parse(obj, receivedAt);
        if (parsed.Value is not { } v)
        {
            return parsed.Rejection!;
        }

        return MappedMessage.Of(new VitalSignsRecord
        {
            EventId = v.EventId,
            Source = RecordSources.Mrn,
            SourceSystem = v.SourceSystem,
            OccurredAt = v.OccurredAt,
            PatientId = v.PatientId,
            EncounterId = v.EncounterId,
            Vitals = v,
        });
    }

    /// <summary>Why an event does not belong on <paramref name="stream"/>; null when it does.</summary>
    private static Rejection? Misrouted(string stream, EventEnvelope envelope)
    {
        var topic = EventTypes.TopicOf(envelope.EventType);
        if (topic is null)
        {
            return new Rejection(RejectionReason.UnknownEventType,
                $"event_type '{JsonFields.Truncate(envelope.EventType)}' is not in the event contracts", "event_type", envelope.EventId);
        }

        return stream == GenericStream || stream == topic
            ? null
            : new Rejection(RejectionReason.WrongTopic,
                $"event_type '{envelope.EventType}' belongs on topic {topic}, not {stream}", "event_type", envelope.EventId);
    }

    // Audit entries are the only events that may come without a patient (e.g. logins).
    private static bool IsEhrAccess(JsonElement obj) =>
        obj.TryGetProperty("event_type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals(EventTypes.EhrAccess);

    private static ClinicalRecord[]? One(ClinicalRecord? record) => record is null ? null : [record];
}
