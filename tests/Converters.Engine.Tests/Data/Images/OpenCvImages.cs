using Converters.Engine.Data.Images;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing.Oracles;

namespace Converters.Engine.Tests.Data.Images;

/// <summary>
/// OpenCV as the decoding oracle: reads every image in a folder with
/// <c>cv2.imread(path, cv2.IMREAD_UNCHANGED)</c> and saves the array next to it as <c>name.npy</c>;
/// and maps our decoded images onto OpenCV's layout (BGR/BGRA order, gray+alpha as BGRA, low bit
/// depths scaled to 8 bits) so the two compare sample for sample.
/// </summary>
internal static class OpenCvImages
{
    private const string ReadScript = """
        import sys, os, cv2, numpy as np
        for name in sorted(os.listdir(sys.argv[1])):
            if name.endswith('.npy') or name.endswith('.txt'):
                continue
            a = cv2.imread(os.path.join(sys.argv[1], name), cv2.IMREAD_UNCHANGED)
            if a is None:
                raise SystemExit('cv2 cannot read ' + name)
            if a.dtype == np.uint16:
                a = a.astype(np.int32)
            np.save(os.path.join(sys.argv[1], name + '.npy'), np.ascontiguousarray(a))
        """;

    /// <summary>Runs cv2.imread on every image file in <paramref name="directory"/>.</summary>
    public static void ReadAll(string directory) => Oracle.Python.Run(ReadScript, directory);

    /// <summary>The array OpenCV read for <paramref name="imagePath"/>.</summary>
    public static TensorData Load(string imagePath) => NpyReader.Read(imagePath + ".npy");

    /// <summary>
    /// Our image in OpenCV's IMREAD_UNCHANGED layout: samples (as ushort) and the channel count.
    /// <paramref name="dropAlpha"/> drops the alpha channel (OpenCV ignores it in 32-bit BMPs);
    /// <paramref name="scaleLowDepth"/> scales maxima 1, 3 and 15 to 255 (PNG low bit depths, PBM).
    /// </summary>
    public static (ushort[] Samples, int Channels) ToOpenCvLayout(DecodedImage image, bool dropAlpha = false, bool scaleLowDepth = true)
    {
        int pixels = image.Width * image.Height;
        bool hasAlpha = image.Channels is 2 or 4 && !dropAlpha;
        int outChannels = image.Channels == 1 || (image.Channels == 2 && !hasAlpha) ? 1 : hasAlpha ? 4 : 3;
        int scaleTo8 = scaleLowDepth && image.MaxValue is 1 or 3 or 15 ? 255 / image.MaxValue : 1;
        ushort[] result = new ushort[pixels * outChannels];
        for (int i = 0; i < pixels; i++)
        {
            ReadOnlySpan<ushort> p = image.Samples.AsSpan(i * image.Channels, image.Channels);
            Span<ushort> o = result.AsSpan(i * outChannels, outChannels);
            if (image.Channels <= 2)
            {
                o.Fill((ushort)(p[0] * scaleTo8));
            }
            else
            {
                o[0] = p[2];
                o[1] = p[1];
                o[2] = p[0];
            }

            if (hasAlpha)
            {
                o[3] = p[^1];
            }
        }

        return (result, outChannels);
    }

    /// <summary>OpenCV's array as ushort samples, with its channel count (1 for a 2-D array).</summary>
    public static (ushort[] Samples, int Channels, int Height, int Width) Samples(TensorData array)
    {
        int channels = array.Shape.Rank == 3 ? array.Shape[2] : 1;
        ushort[] samples = array.DataType switch
        {
            DataType.UInt8 => [.. array.AsSpan<byte>().ToArray().Select(b => (ushort)b)],
            DataType.Int32 => [.. array.AsSpan<int>().ToArray().Select(v => (ushort)v)],
            _ => throw new InvalidOperationException($"Unexpected OpenCV dtype {array.DataType}."),
        };
        return (samples, channels, array.Shape[0], array.Shape[1]);
    }
}
