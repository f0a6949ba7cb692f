using CareLake.Core.Contracts;
using CareLake.Core.Contracts.Mapping;
using CareLake.Core.Parsing;
using CareLake.Core.Records;
using CareLake.Core.Vitals;
using CareLake.Interop.Events;
using CareLake.Interop.Fhir;
using CareLake.Interop.Hl7;
using CareLake.Interop.Synthea;

namespace CareLake.Warehouse.Silver;

/// <summary>Every stream silver types, with the stage that types it.</summary>
public static class SilverStages
{
    /// <summary>The stream of HL7 v2 messages, whatever their transport (MLLP, HTTP).</summary>
    public const string Hl7Stream = "hl7";

    /// <summary>
    /// The contract topics (vitals on their own fast path, the others mapped to records), contract events from files
    /// and HTTP (<c>events</c>), FHIR resources (<c>fhir</c>) and Synthea CSV rows (<c>synthea.*</c>) and HL7 v2 messages (<c>hl7</c>).
    /// </summary>
    public static IReadOnlyList<ISilverStage> All(PayloadLimits? limits = null)
    {
        var vitals = new VitalSignsParser(payloadLimits: limits);
        var contract = new ContractEventMapper(vitals, limits);
        var synthea = new SyntheaMapper(RecordSources.Synthea, vitals);
        var stages = new List<ISilverStage> { new VitalSignsStage(vitals) };
        stages.AddRange(Topics.Inbound.Where(t => t != Topics.PatientVitals).Select(t => new RecordStage(t, contract)));
        stages.Add(new RecordStage(ContractEventFile.Stream, contract));
        stages.Add(new RecordStage(FhirFileReader.StreamName, new FhirMapper(RecordSources.Fhir, vitals)));
        stages.AddRange(SyntheaLayouts.All.Select(kind => new RecordStage(SyntheaLayouts.Stream(kind), synthea)));
        stages.Add(new RecordStage(Hl7Stream, new Hl7Mapper(vitals)));
        return stages;
    }

    /// <summary>
    /// The batch for messages of a stream no stage types (a topic configured by mistake, a source of a newer
    /// version): they stay in bronze and are listed in <c>silver.unsupported_records</c>, so they are visible, not lost.
    /// </summary>
    public static ISilverBatch Untyped(string stream, IEnumerable<SilverInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var batch = new RecordBatch(stream);
        batch.Unsupported.AddRange(inputs.Select(i => (i.Index, $"no silver stage types the stream '{stream}'")));
        return batch;
    }
}
