namespace CareLake.Core.Hashing;

/// <summary>FNV-1a over a string's UTF-16 code units: unlike <see cref="string.GetHashCode()"/>, the same in every process.</summary>
public static class StableHash
{
    public static uint Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 2166136261u;
        foreach (var ch in text)
        {
            hash = unchecked((hash ^ ch) * 16777619u);
        }

        return hash;
    }
}
