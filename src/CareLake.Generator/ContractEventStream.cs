using CareLake.Generator.DirtyData;
using CareLake.Generator.Model;
using CareLake.Generator.Outputs;

namespace CareLake.Generator;

/// <summary>
/// Turns the clean, time-ordered clinical events into the contract message stream: renders each as JSON and applies
/// the configured dirty data (duplicates, late and out-of-order delivery, damaged content). Push events in order,
/// then call <see cref="Complete"/> for the messages still held back.
/// </summary>
public sealed class ContractEventStream
{
    private readonly GeneratorOptions _options;
    private readonly Action<GeneratedEvent>? _observe;
    private readonly DirtyDataInjector? _injector;
    private readonly PriorityQueue<GeneratedEvent, (long Ticks, long Order)> _delayed = new();
    private readonly Dictionary<string, List<GeneratedEvent>> _heldForKey = new(StringComparer.Ordinal);
    private readonly List<GeneratedEvent> _output = [];
    private long _order;

    public ContractEventStream(GeneratorOptions options, Action<GeneratedEvent>? observe = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _observe = observe;
        _injector = options.DirtyData.IsOff ? null : new DirtyDataInjector(options.DirtyData, (ulong)options.Seed);
    }

    /// <summary>The messages to send now for one more event (usually exactly one). The list is reused by the next call.</summary>
    public IReadOnlyList<GeneratedEvent> Push(HospitalEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _output.Clear();
        var payload = ContractJson.Render(e, _options.FacilityId);
        var key = e.PatientId ?? (e as EhrAccessEvent)?.UserId ?? e.EventId;
        var message = new GeneratedEvent(e.Topic, key, e.EventId, e.OccurredAt, payload) { EventType = e.EventType };
        if (_injector is null)
        {
            Emit(message);
            return _output;
        }

        while (_delayed.TryPeek(out _, out var due) && due.Ticks <= e.OccurredAt.UtcTicks)
        {
            Emit(_delayed.Dequeue());
        }

        var content = _injector.DrawContentDefect(e);
        if (content != DirtyDataKind.None)
        {
            message = message with { Payload = _injector.Damage(payload, e, content), Dirt = content };
        }

        switch (_injector.DrawDeliveryDefect())
        {
            case DirtyDataKind.Late:
                Delay(message with { Dirt = message.Dirt | DirtyDataKind.Late }, e.OccurredAt + _injector.LateBy());
                break;
            case DirtyDataKind.OutOfOrder:
                if (!_heldForKey.TryGetValue(key, out var held)) _heldForKey[key] = held = [];
                held.Add(message with { Dirt = message.Dirt | DirtyDataKind.OutOfOrder });
                break;
            case DirtyDataKind.Duplicate:
                EmitReleasingHeld(message);
                var copy = message with { Dirt = message.Dirt | DirtyDataKind.Duplicate };
                var delay = _injector.DuplicateDelay();
                if (delay == TimeSpan.Zero) Emit(copy);
                else Delay(copy, e.OccurredAt + delay);
                break;
            default:
                EmitReleasingHeld(message);
                break;
        }

        return _output;
    }

    /// <summary>Everything still held back: late, delayed duplicates and out-of-order messages whose patient had no later event.</summary>
    public IReadOnlyList<GeneratedEvent> Complete()
    {
        _output.Clear();
        while (_delayed.TryDequeue(out var message, out _)) Emit(message);
        foreach (var key in _heldForKey.Keys.Order(StringComparer.Ordinal).ToList())
        {
            foreach (var message in _heldForKey[key]) Emit(message);
        }

        _heldForKey.Clear();
        return _output;
    }

    private void EmitReleasingHeld(GeneratedEvent message)
    {
        Emit(message);
        if (_heldForKey.Remove(message.Key, out var held))
        {
            foreach (var h in held) Emit(h);
        }
    }

    private void Delay(GeneratedEvent message, DateTimeOffset due) => _delayed.Enqueue(message, (due.UtcTicks, _order++));

    private void Emit(GeneratedEvent message)
    {
        _observe?.Invoke(message);
        _output.Add(message);
    }
}
