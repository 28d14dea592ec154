namespace Converters.Engine.Data.Images;

/// <summary>Builds the <see cref="DatasetException"/> of a malformed image file.</summary>
internal static class ImageError
{
    /// <summary>An error at <paramref name="offset"/> in <paramref name="path"/>, about <paramref name="field"/>.</summary>
    public static DatasetException At(string path, long offset, string field, string message, Exception? inner = null) =>
        new(message, inner) { FilePath = path, ByteOffset = offset, FieldPath = field };

    /// <summary>The most samples (width x height x channels) one image may hold: 2^28, 512 MiB of ushort.</summary>
    public const long MaxSamples = 1L << 28;

    /// <summary>Throws when a <paramref name="width"/> x <paramref name="height"/> image of <paramref name="channels"/> is too large to decode.</summary>
    public static void CheckSize(string path, long offset, string field, int width, int height, int channels)
    {
        long samples = (long)width * height * channels;
        if (samples > MaxSamples)
        {
            throw At(path, offset, field, $"expected an image of at most {MaxSamples} samples (width x height x channels), found {width}x{height}x{channels}; the header is corrupt or the image is too large for a dataset");
        }
    }
}
