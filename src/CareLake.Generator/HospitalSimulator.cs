using CareLake.Generator.AccessLogs;
using CareLake.Generator.Encounters;
using CareLake.Generator.Model;
using CareLake.Generator.Population;

namespace CareLake.Generator;

/// <summary>
/// The synthetic hospital. <see cref="Events"/> streams the contract messages and <see cref="ClinicalEvents"/> the
/// structured events behind them, both in <c>occurred_at</c> order (except deliberately late or out-of-order dirty
/// messages). Each patient's history is simulated lazily and the timelines are merged with a priority queue, so
/// memory grows with the population and the census, not with the number of events. The output depends only on
/// the options. Enumerate one sequence at a time; each enumeration starts the simulation afresh.
/// </summary>
public sealed class HospitalSimulator
{
    public HospitalSimulator(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Summary = new GenerationSummary(options);
    }

    public GeneratorOptions Options { get; }

    /// <summary>Six hex digits derived from the seed and period; part of every event id (and of HL7 control ids).</summary>
    public string RunTag => SimulationContext.RunTagFor(Options);

    /// <summary>The summary of the current (or last) enumeration.</summary>
    public GenerationSummary Summary { get; private set; }

    /// <summary>The population of the current (or last) enumeration, with its final demographics and deaths.</summary>
    public PatientPopulation? Population { get; private set; }

    /// <summary>The staff of the current (or last) enumeration.</summary>
    public StaffRoster? Staff { get; private set; }

    /// <summary>The contract message stream: JSON payloads with dirty data applied, keyed by patient id.</summary>
    public IEnumerable<GeneratedEvent> Events()
    {
        ContractEventStream? stream = null;
        foreach (var e in ClinicalEvents())
        {
            stream ??= CreateContractStream();
            foreach (var message in stream.Push(e)) yield return message;
        }

        if (stream is not null)
        {
            foreach (var message in stream.Complete()) yield return message;
        }
    }

    /// <summary>A stream that renders events of the current enumeration and counts them in <see cref="Summary"/>.</summary>
    public ContractEventStream CreateContractStream()
    {
        var summary = Summary;
        return new ContractEventStream(Options, summary.ObserveEmitted);
    }

    /// <summary>The clean structured events, in time order; the HL7, FHIR and CSV writers render these.</summary>
    public IEnumerable<HospitalEvent> ClinicalEvents()
    {
        var summary = new GenerationSummary(Options);
        Summary = summary;
        var context = new SimulationContext(Options);
        Population = context.Population;
        Staff = context.Staff;

        var queue = new PriorityQueue<IEventSource, (long Ticks, int Source)>();
        var sources = new List<IEventSource>(context.Population.Count + 1);
        foreach (var patient in context.Population.Patients)
        {
            sources.Add(new PatientTimeline(context, patient));
        }

        sources.Add(new StaffActivitySource(context));
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i].PeekTime is { } t) queue.Enqueue(sources[i], (t.UtcTicks, i));
        }

        while (queue.TryDequeue(out var source, out var priority))
        {
            if (source.TryTake(out var e))
            {
                summary.Observe(e!);
                yield return e!;
            }

            if (source.PeekTime is { } next) queue.Enqueue(source, (next.UtcTicks, priority.Source));
        }

        summary.Complete();
    }
}
