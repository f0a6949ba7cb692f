using CareLake.Generator.Model;

namespace CareLake.Generator.Outputs;

/// <summary>A destination for the contract message stream (Kafka, NDJSON files).</summary>
public interface IContractEventSink : IDisposable
{
    /// <summary>Where the messages go, for progress and error messages (e.g. <c>ndjson:/data/out</c>).</summary>
    string Description { get; }

    void Write(GeneratedEvent message);

    /// <summary>Flushes and confirms delivery; throws when messages could not be delivered.</summary>
    void Complete();
}

/// <summary>A destination that renders the structured events itself (HL7 v2, MLLP, FHIR, Synthea CSV).</summary>
public interface IClinicalEventSink : IDisposable
{
    string Description { get; }

    void Write(HospitalEvent e);

    /// <summary>Called once after the last event; the simulator's population is final then.</summary>
    void Complete(HospitalSimulator simulator);
}
