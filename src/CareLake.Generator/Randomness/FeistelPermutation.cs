namespace CareLake.Generator.Randomness;

/// <summary>
/// A keyed bijection on [0, half²) (a four-round Feistel network), with cycle walking onto smaller ranges. Turns
/// sequential indexes into identifiers that are unique by construction yet look random (MRNs, SSNs, visit numbers).
/// </summary>
internal sealed class FeistelPermutation(ulong key, ulong half)
{
    public ulong Domain => half * half;

    public ulong Permute(ulong x)
    {
        if (x >= Domain) throw new ArgumentOutOfRangeException(nameof(x), x, $"must be below {Domain}");
        ulong left = x / half, right = x % half;
        for (ulong round = 0; round < 4; round++)
        {
            (left, right) = (right, (left + DeterministicRandom.Hash(key, right, round) % half) % half);
        }

        return left * half + right;
    }

    /// <summary>A bijection on [0, range): walk the cycle until the value falls inside the range.</summary>
    public ulong Permute(ulong x, ulong range)
    {
        if (range > Domain || x >= range) throw new ArgumentOutOfRangeException(nameof(x), x, $"must be below {range} (≤ {Domain})");
        var y = Permute(x);
        while (y >= range) y = Permute(y);
        return y;
    }
}
