using System.Buffers;

namespace Converters.Engine.Data;

/// <summary>
/// A dataset held in memory as planar source images (bytes 0..255 or floats) with one class label
/// each: MNIST, CIFAR-10 and <c>.npy</c> pairs are small enough to load whole.
/// </summary>
internal sealed class ArrayDataset : PreprocessedDataset
{
    private readonly byte[]? _bytes;
    private readonly float[]? _floats;
    private readonly int[] _labels;
    private readonly int _sourceChannels;
    private readonly int _sourceHeight;
    private readonly int _sourceWidth;

    /// <summary>Creates a dataset over <paramref name="bytes"/> or <paramref name="floats"/> (N x C x H x W).</summary>
    public ArrayDataset(string source, IReadOnlyList<string> classNames, SamplePreprocessor preprocessor, int[] indexes, byte[]? bytes, float[]? floats, int[] labels, int channels, int height, int width)
        : base(source, DatasetTask.Classification, classNames, preprocessor, indexes)
    {
        _bytes = bytes;
        _floats = floats;
        _labels = labels;
        _sourceChannels = channels;
        _sourceHeight = height;
        _sourceWidth = width;
    }

    /// <inheritdoc/>
    protected override void ReadSource(int source, Span<float> destination)
    {
        int length = _sourceChannels * _sourceHeight * _sourceWidth;
        float[] planar = ArrayPool<float>.Shared.Rent(length);
        try
        {
            Span<float> pixels = planar.AsSpan(0, length);
            if (_bytes is not null)
            {
                ReadOnlySpan<byte> sample = _bytes.AsSpan(source * length, length);
                for (int i = 0; i < length; i++)
                {
                    pixels[i] = sample[i];
                }
            }
            else
            {
                _floats.AsSpan(source * length, length).CopyTo(pixels);
            }

            Preprocessor.Process(pixels, _sourceChannels, _sourceHeight, _sourceWidth, destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(planar);
        }
    }

    /// <inheritdoc/>
    protected override int LabelOf(int source) => _labels[source];
}
