namespace CareLake.Generator.Outputs;

/// <summary>
/// Holds messages back to a target pace in wall-clock time: a fixed number of events per second, or a replay of
/// simulated time at a speed factor (1 = real time, 60 = one simulated minute per second). Without either, output
/// runs as fast as the sinks take it. Pacing changes when messages leave, never what they contain.
/// </summary>
public sealed class EventPacer
{
    private readonly double? _eventsPerSecond;
    private readonly double? _speed;
    private readonly TimeProvider _time;
    private long _startTimestamp;
    private DateTimeOffset? _firstSimulated;
    private long _count;

    private EventPacer(double? eventsPerSecond, double? speed, TimeProvider time)
    {
        _eventsPerSecond = eventsPerSecond;
        _speed = speed;
        _time = time;
    }

    /// <returns>Null when neither a rate nor a speed is set (no pacing).</returns>
    public static EventPacer? Create(double? eventsPerSecond, double? simulatedSpeed, TimeProvider? time = null)
    {
        if (eventsPerSecond is <= 0 || simulatedSpeed is <= 0) throw new ArgumentException("the rate and the speed must be positive");
        if (eventsPerSecond is not null && simulatedSpeed is not null) throw new ArgumentException("set a rate in events per second or a simulated-time speed, not both");
        return eventsPerSecond is null && simulatedSpeed is null ? null : new EventPacer(eventsPerSecond, simulatedSpeed, time ?? TimeProvider.System);
    }

    /// <summary>Blocks until the next message may leave.</summary>
    public void Wait(DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        if (_count++ == 0)
        {
            _startTimestamp = _time.GetTimestamp();
            _firstSimulated = occurredAt;
            return;
        }

        var due = _eventsPerSecond is { } rate
            ? TimeSpan.FromSeconds((_count - 1) / rate)
            : TimeSpan.FromTicks((long)Math.Max(0, (occurredAt - _firstSimulated!.Value).Ticks / _speed!.Value));
        var ahead = due - _time.GetElapsedTime(_startTimestamp);
        if (ahead > TimeSpan.FromMilliseconds(1))
        {
            cancellationToken.WaitHandle.WaitOne(ahead);
        }
    }
}
