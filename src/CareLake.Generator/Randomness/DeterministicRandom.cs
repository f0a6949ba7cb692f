namespace CareLake.Generator.Randomness;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Every stream is derived from (seed, stream, index), so a patient's
/// draws never depend on how many draws another patient made: that is what makes the output independent of
/// population order and reproducible byte for byte.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed, ulong stream = 0, ulong index = 0)
    {
        var x = Mix(Mix(seed ^ 0x9E3779B97F4A7C15UL) ^ Mix(stream + 0xD1B54A32D192ED03UL) ^ Mix(index + 0x8CB92BA72F3D8DD7UL));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);
    }

    /// <summary>Uniform in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>A standard normal draw (Box–Muller; no cached spare, so the draw count per call is fixed).</summary>
    public double Gaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double Normal(double mean, double standardDeviation) => mean + standardDeviation * Gaussian();

    /// <summary>A log-normal draw given its median (e^μ) and σ of the underlying normal.</summary>
    public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Gaussian());

    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    public T Pick<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items[Next(items.Count)];
    }

    /// <summary>A 64-bit mix of several values, for deriving stable identifiers and sub-seeds.</summary>
    public static ulong Hash(ulong a, ulong b = 0, ulong c = 0) => Mix(Mix(a + 0x9E3779B97F4A7C15UL) ^ Mix(b + 0xBF58476D1CE4E5B9UL) ^ (c * 0x94D049BB133111EBUL));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}

/// <summary>Stream ids of <see cref="DeterministicRandom"/>, one per independent source of randomness.</summary>
internal static class RandomStreams
{
    public const ulong Population = 1;
    public const ulong PatientCourse = 2;
    public const ulong Staff = 3;
    public const ulong StaffActivity = 4;
    public const ulong DirtyData = 5;
    public const ulong Identifiers = 6;
    public const ulong Procedures = 7;
}
