namespace CareLake.Generator;

/// <summary>Instant helpers shared by the simulation. Every generated timestamp is cut to whole seconds with <see cref="Whole"/>.</summary>
internal static class Timestamps
{
    /// <summary>The instant truncated to whole seconds, keeping its offset.</summary>
    public static DateTimeOffset Whole(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);

    public static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    public static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
