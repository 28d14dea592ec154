namespace Converters.Testing.Mutation;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny PRNG whose output depends only on the seed, on
/// every platform and .NET version, unlike <see cref="Random"/>, so a seed reproduces the same mutants.
/// </summary>
internal sealed class SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    /// <summary>The generator for mutant <paramref name="index"/> of <paramref name="seed"/>: independent of the other mutants.</summary>
    public static SplitMix64 ForMutant(int seed, int index)
    {
        var mixer = new SplitMix64(((ulong)(uint)seed << 32) | (uint)index);
        return new SplitMix64(mixer.NextUInt64());
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="maxExclusive"/>); 0 when the range is empty.</summary>
    public int Next(int maxExclusive) => maxExclusive <= 0 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>A value in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Chance(int percent) => Next(100) < percent;

    /// <summary>One element of <paramref name="items"/>.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}
