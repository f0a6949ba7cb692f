using System.Collections.Concurrent;
using CareLake.Generator.Model;

namespace CareLake.Generator.Outputs;

/// <summary>How far a run has got.</summary>
public readonly record struct GeneratorProgress(DateTimeOffset SimulatedTime, double Fraction, long ClinicalEvents, long Messages);

/// <summary>
/// Runs one simulation into any number of sinks at once: structured sinks receive every clinical event, contract
/// sinks every message of the (possibly dirty) contract stream, optionally paced. The simulation runs on one thread
/// and rendering and writing on another, handing over events in batches through a bounded queue; the output is the
/// same as a single-threaded run because each side is sequential.
/// </summary>
public sealed class GeneratorRun(HospitalSimulator simulator, IReadOnlyList<IClinicalEventSink> clinicalSinks, IReadOnlyList<IContractEventSink> contractSinks, EventPacer? pacer = null)
{
    private const int BatchSize = 4_096;
    private const int ProgressEvery = 16_384;

    public void Run(IProgress<GeneratorProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var batches = new BlockingCollection<HospitalEvent[]>(boundedCapacity: 16);
        var producer = Task.Run(() =>
        {
            try
            {
                var batch = new List<HospitalEvent>(BatchSize);
                foreach (var e in simulator.ClinicalEvents())
                {
                    batch.Add(e);
                    if (batch.Count < BatchSize) continue;
                    batches.Add([.. batch], stop.Token);
                    batch.Clear();
                }

                if (batch.Count > 0) batches.Add([.. batch], stop.Token);
            }
            finally
            {
                batches.CompleteAdding();
            }
        }, stop.Token);

        try
        {
            Consume(batches.GetConsumingEnumerable(stop.Token), progress, stop.Token);
            producer.GetAwaiter().GetResult();
        }
        catch
        {
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // The consumer's failure is the one to report.
            }

            throw;
        }
    }

    private void Consume(IEnumerable<HospitalEvent[]> batches, IProgress<GeneratorProgress>? progress, CancellationToken cancellationToken)
    {
        var start = simulator.Options.PeriodStart;
        var span = (simulator.Options.End - start).Ticks;
        long clinical = 0, messages = 0;
        ContractEventStream? stream = null;
        var pacedOnMessages = contractSinks.Count > 0;
        foreach (var batch in batches)
        {
            foreach (var e in batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                clinical++;
                if (!pacedOnMessages) pacer?.Wait(e.OccurredAt, cancellationToken);
                foreach (var sink in clinicalSinks) sink.Write(e);
                if (pacedOnMessages)
                {
                    stream ??= simulator.CreateContractStream();
                    foreach (var message in stream.Push(e)) Send(message, ref messages, cancellationToken);
                }

                if (clinical % ProgressEvery == 0)
                {
                    progress?.Report(new GeneratorProgress(e.OccurredAt, Math.Clamp((double)(e.OccurredAt - start).Ticks / span, 0, 1), clinical, messages));
                }
            }
        }

        if (stream is not null)
        {
            foreach (var message in stream.Complete()) Send(message, ref messages, cancellationToken);
        }

        foreach (var sink in clinicalSinks) sink.Complete(simulator);
        foreach (var sink in contractSinks) sink.Complete();
        progress?.Report(new GeneratorProgress(simulator.Options.End, 1, clinical, messages));
    }

    private void Send(GeneratedEvent message, ref long messages, CancellationToken cancellationToken)
    {
        pacer?.Wait(message.OccurredAt, cancellationToken);
        foreach (var sink in contractSinks) sink.Write(message);
        messages++;
    }
}
