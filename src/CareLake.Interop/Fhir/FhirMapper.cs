using CareLake.Core.Contracts;
using CareLake.Core.Records;
using CareLake.Core.Vitals;
using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace CareLake.Interop.Fhir;

/// <summary>
/// Maps a <c>fhir</c> bronze record (see <see cref="FhirFileReader"/>) onto the core's clinical records with Firely's
/// R4 model: Patient, Encounter (a snapshot), Condition, Procedure, laboratory Observations, and vital-sign Observations
/// (one validated vital-sign set per record). Other resource types and Observation categories stay in bronze (a skip,
/// not an error); content that is no usable FHIR is a rejection. Pure: the same bytes and headers give the same result.
/// </summary>
/// <param name="source">The id namespace of the records (<see cref="RecordSources.Fhir"/> unless ids are shared with another source).</param>
/// <param name="vitalSigns">The checks vital-sign sets pass (plausibility, DBP below SBP, no future timestamps).</param>
public sealed class FhirMapper(string source = RecordSources.Fhir, VitalSignsParser? vitalSigns = null) : IRecordMapper
{
    private readonly VitalSignsParser _vitalSigns = vitalSigns ?? new VitalSignsParser();

    public ParseResult<MappedMessage> Map(in MessageContext message)
    {
        var notJson = FhirPayload.TrySplit(message.Payload, out var values);
        if (notJson is not null) return notJson;

        var resources = new List<ParsedResource>(values.Count);
        foreach (var value in values)
        {
            var parsed = FhirPayload.Parse(value, message);
            if (parsed.Rejection is { } rejection) return rejection;
            resources.Add(parsed.Value!);
        }

        try
        {
            if (resources.Count > 1 && resources.TrueForAll(r => r.Resource is Observation o && FhirObservations.IsVitalSign(o)))
            {
                var eventId = "vitals/" + RecordIds.ContentHash(message.Payload.Span);
                return new FhirVitalSignsMapping(source, _vitalSigns).Map([.. resources.Select(r => (Observation)r.Resource)], eventId, message);
            }

            return MapEach(resources, message);
        }
        catch (CodedValidationException e)
        {
            return new Rejection(RejectionReason.InvalidValue, $"FHIR value could not be read: {e.Message}", e.InstancePath, resources[0].EventId);
        }
    }

    private ParseResult<MappedMessage> MapEach(List<ParsedResource> resources, in MessageContext message)
    {
        var records = new List<ClinicalRecord>();
        string? skipped = null;
        foreach (var resource in resources)
        {
            var mapped = MapOne(resource, message);
            if (mapped.Rejection is not null) return mapped;
            records.AddRange(mapped.Value!.Records);
            skipped ??= mapped.Value.Unsupported;
        }

        return records.Count == 0 ? MappedMessage.Skip(skipped ?? "no FHIR resource") : new MappedMessage(records);
    }

    private ParseResult<MappedMessage> MapOne(ParsedResource parsed, in MessageContext message)
    {
        var records = new FhirRecordMapping(source, parsed.EventId, message);
        return parsed.Resource switch
        {
            Patient patient => records.Patient(patient),
            Encounter encounter => records.Encounter(encounter),
            Condition condition => records.Condition(condition),
            Procedure procedure => records.Procedure(procedure),
            Observation observation when FhirObservations.IsVitalSign(observation) =>
                new FhirVitalSignsMapping(source, _vitalSigns).Map([observation], parsed.EventId, message),
            Observation observation => records.Observation(observation),
            var other => MappedMessage.Skip($"FHIR {other.TypeName} is kept in bronze only"),
        };
    }
}
