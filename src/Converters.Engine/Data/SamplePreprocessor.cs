using System.Buffers;
using System.Numerics.Tensors;

namespace Converters.Engine.Data;

/// <summary>
/// Turns a source image (planar CHW floats, pixel values 0..255, 1 or 3 channels in RGB order)
/// into one network sample: channel conversion (gray to RGB by copying, RGB to gray with
/// 0.299/0.587/0.114), a bilinear resize (stretch, or Darknet's letterbox: keep the aspect, centre,
/// pad with 127.5), channel order, then <c>x = (pixel - mean[c]) * scale[c]</c>.
/// </summary>
internal sealed class SamplePreprocessor
{
    /// <summary>The pixel value of letterbox padding (Darknet's 0.5 gray).</summary>
    public const float LetterboxFill = 127.5f;

    private readonly float[] _mean;
    private readonly float[] _scale;

    /// <summary>Creates a preprocessor for samples of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public SamplePreprocessor(int channels, int height, int width, float[] mean, float[] scale, bool bgr, bool letterbox)
    {
        Channels = channels;
        Height = height;
        Width = width;
        _mean = mean;
        _scale = scale;
        Bgr = bgr;
        Letterbox = letterbox;
    }

    /// <summary>Sample channels (1 or 3).</summary>
    public int Channels { get; }

    /// <summary>Sample height.</summary>
    public int Height { get; }

    /// <summary>Sample width.</summary>
    public int Width { get; }

    /// <summary>Whether colour samples are written B, G, R.</summary>
    public bool Bgr { get; }

    /// <summary>Whether resizing keeps the aspect ratio and pads.</summary>
    public bool Letterbox { get; }

    /// <summary>Floats per sample.</summary>
    public int SampleLength => Channels * Height * Width;

    /// <summary>
    /// Preprocesses <paramref name="source"/> (<paramref name="sourceChannels"/> planes of
    /// <paramref name="sourceHeight"/> x <paramref name="sourceWidth"/>) into <paramref name="destination"/>.
    /// </summary>
    public void Process(ReadOnlySpan<float> source, int sourceChannels, int sourceHeight, int sourceWidth, Span<float> destination)
    {
        int plane = Height * Width;
        (int newWidth, int newHeight, int dx, int dy) = Placement(sourceWidth, sourceHeight);
        int sourcePlane = sourceHeight * sourceWidth;
        float[]? rented = null;
        Span<float> resized = sourceChannels == Channels ? destination : (rented = ArrayPool<float>.Shared.Rent(sourceChannels * plane)).AsSpan(0, sourceChannels * plane);
        try
        {
            for (int c = 0; c < sourceChannels; c++)
            {
                Span<float> target = resized.Slice(c * plane, plane);
                if (newWidth != Width || newHeight != Height)
                {
                    target.Fill(LetterboxFill);
                }

                BilinearResize.Resize(source.Slice(c * sourcePlane, sourcePlane), sourceWidth, sourceHeight, target[((dy * Width) + dx)..], Width, newWidth, newHeight);
            }

            if (sourceChannels == 1 && Channels == 3)
            {
                resized[..plane].CopyTo(destination[plane..(2 * plane)]);
                resized[..plane].CopyTo(destination[(2 * plane)..]);
                resized[..plane].CopyTo(destination);
            }
            else if (sourceChannels == 3 && Channels == 1)
            {
                for (int i = 0; i < plane; i++)
                {
                    destination[i] = (0.299f * resized[i]) + (0.587f * resized[plane + i]) + (0.114f * resized[(2 * plane) + i]);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }

        Normalize(destination);
    }

    /// <summary>
    /// Applies channel order and mean/scale to <paramref name="destination"/>, which already holds
    /// RGB (or gray) pixels 0..255 at the sample size.
    /// </summary>
    public void Normalize(Span<float> destination)
    {
        int plane = Height * Width;
        if (Bgr && Channels == 3)
        {
            Span<float> r = destination[..plane];
            Span<float> b = destination.Slice(2 * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                (r[i], b[i]) = (b[i], r[i]);
            }
        }

        for (int c = 0; c < Channels; c++)
        {
            Span<float> values = destination.Slice(c * plane, plane);
            TensorPrimitives.Add(values, -_mean[c], values);
            TensorPrimitives.Multiply(values, _scale[c], values);
        }
    }

    /// <summary>Moves <paramref name="box"/> (relative to a source image of the given size) into the sample's frame.</summary>
    public BoundingBox TransformBox(BoundingBox box, int sourceWidth, int sourceHeight)
    {
        if (!Letterbox)
        {
            return box;
        }

        (int newWidth, int newHeight, int dx, int dy) = Placement(sourceWidth, sourceHeight);
        return new BoundingBox(
            box.ClassId,
            ((box.X * newWidth) + dx) / Width,
            ((box.Y * newHeight) + dy) / Height,
            box.Width * newWidth / Width,
            box.Height * newHeight / Height);
    }

    /// <summary>Where the resized image goes: its size and top-left corner in the sample.</summary>
    public (int Width, int Height, int X, int Y) Placement(int sourceWidth, int sourceHeight)
    {
        if (!Letterbox)
        {
            return (Width, Height, 0, 0);
        }

        // Darknet's letterbox_image: fit the side that scales least, integer sizes, centred.
        int newWidth, newHeight;
        if ((float)Width / sourceWidth < (float)Height / sourceHeight)
        {
            newWidth = Width;
            newHeight = Math.Max(1, sourceHeight * Width / sourceWidth);
        }
        else
        {
            newHeight = Height;
            newWidth = Math.Max(1, sourceWidth * Height / sourceHeight);
        }

        return (newWidth, newHeight, (Width - newWidth) / 2, (Height - newHeight) / 2);
    }
}
