namespace Converters.Engine.Data.Images;

/// <summary>
/// A decoded image: interleaved samples, top row first, in the file's own value range
/// (0..<see cref="MaxValue"/>). Channels are gray (1), gray+alpha (2), RGB (3) or RGBA (4).
/// </summary>
internal sealed class DecodedImage
{
    /// <summary>Creates an image over <paramref name="samples"/> (Width*Height*Channels values).</summary>
    public DecodedImage(int width, int height, int channels, int maxValue, ushort[] samples)
    {
        Width = width;
        Height = height;
        Channels = channels;
        MaxValue = maxValue;
        Samples = samples;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }

    /// <summary>The value of full intensity: 1, 3, 15, 255, 65535 or a PNM maxval.</summary>
    public int MaxValue { get; }

    /// <summary>Interleaved samples, row-major, top row first.</summary>
    public ushort[] Samples { get; }

    /// <summary>Whether the image has colour (RGB or RGBA) rather than gray.</summary>
    public bool IsColor => Channels >= 3;

    /// <summary>
    /// Writes the colour channels (alpha dropped) as planar CHW floats in 0..255 into
    /// <paramref name="destination"/>, which holds <c>(IsColor ? 3 : 1) * Width * Height</c> floats.
    /// </summary>
    public void ToPlanar(Span<float> destination)
    {
        int colorChannels = IsColor ? 3 : 1;
        int plane = Width * Height;
        float factor = 255f / MaxValue;
        ReadOnlySpan<ushort> samples = Samples;
        for (int c = 0; c < colorChannels; c++)
        {
            Span<float> target = destination.Slice(c * plane, plane);
            int source = c;
            for (int i = 0; i < plane; i++, source += Channels)
            {
                target[i] = MaxValue == 255 ? samples[source] : samples[source] * factor;
            }
        }
    }
}
