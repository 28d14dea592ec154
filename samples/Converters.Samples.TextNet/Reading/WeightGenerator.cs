namespace Converters.Samples.TextNet.Reading;

/// <summary>
/// The PRNG behind <c>weights seed=N</c>: Marsaglia's xorshift32 (shifts 13, 17, 5). Each draw
/// advances the state and maps its top 24 bits to <c>v = (x &gt;&gt; 8) / 2^24 - 0.5</c>, uniform in
/// [-0.5, 0.5) and exact in float32. Seed 0 (a fixed point of xorshift) is replaced by 0x9E3779B9.
/// </summary>
internal sealed class WeightGenerator
{
    /// <summary>The state used for seed 0.</summary>
    public const uint ZeroSeedState = 0x9E3779B9u;

    private uint _state;

    public WeightGenerator(uint seed)
    {
        _state = seed == 0 ? ZeroSeedState : seed;
    }

    /// <summary>The next raw xorshift32 output.</summary>
    public uint NextUInt32()
    {
        uint x = _state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _state = x;
        return x;
    }

    /// <summary>The next value uniform in [-0.5, 0.5).</summary>
    public float NextCentered() => ((NextUInt32() >> 8) * (1f / 16777216f)) - 0.5f;

    /// <summary>Fills <paramref name="destination"/> with <c>v * scale</c>, one draw per element, in order.</summary>
    public void FillScaled(Span<float> destination, float scale)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextCentered() * scale;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with <c>offset + v * scale</c>, one draw per element, in order.</summary>
    public void FillAffine(Span<float> destination, float offset, float scale)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = offset + (NextCentered() * scale);
        }
    }
}
