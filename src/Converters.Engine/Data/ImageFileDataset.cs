using System.Buffers;
using Converters.Engine.Data.Images;

namespace Converters.Engine.Data;

/// <summary>
/// A dataset of image files decoded lazily, one per sample, with a class label or a list of
/// boxes each: <c>folder:</c>, <c>list:</c> and <c>yolo:</c>. The size of each image is remembered
/// after its first decode, for moving letterboxed boxes.
/// </summary>
internal sealed class ImageFileDataset : PreprocessedDataset
{
    private readonly string[] _paths;
    private readonly int[]? _labels;
    private readonly BoundingBox[][]? _boxes;
    private readonly long[] _sizes;

    /// <summary>Creates a classification (<paramref name="labels"/>) or detection (<paramref name="boxes"/>) dataset.</summary>
    public ImageFileDataset(string source, IReadOnlyList<string> classNames, SamplePreprocessor preprocessor, int[] indexes, string[] paths, int[]? labels, BoundingBox[][]? boxes)
        : base(source, labels is null ? DatasetTask.Detection : DatasetTask.Classification, classNames, preprocessor, indexes)
    {
        _paths = paths;
        _labels = labels;
        _boxes = boxes;
        _sizes = new long[paths.Length];
    }

    /// <summary>The native channels of the first image: 1 for gray, else 3.</summary>
    public static (int Channels, int Height, int Width) ProbeFirst(string path)
    {
        DecodedImage image = ImageDecoder.Decode(path);
        return (image.IsColor ? 3 : 1, image.Height, image.Width);
    }

    /// <inheritdoc/>
    protected override void ReadSource(int source, Span<float> destination)
    {
        DecodedImage image = ImageDecoder.Decode(_paths[source]);
        Volatile.Write(ref _sizes[source], ((long)image.Width << 32) | (uint)image.Height);
        int channels = image.IsColor ? 3 : 1;
        int length = channels * image.Width * image.Height;
        float[] planar = ArrayPool<float>.Shared.Rent(length);
        try
        {
            image.ToPlanar(planar.AsSpan(0, length));
            Preprocessor.Process(planar.AsSpan(0, length), channels, image.Height, image.Width, destination);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(planar);
        }
    }

    /// <inheritdoc/>
    protected override int LabelOf(int source) => _labels![source];

    /// <inheritdoc/>
    protected override IReadOnlyList<BoundingBox> BoxesOf(int source)
    {
        BoundingBox[] boxes = _boxes![source];
        if (!Preprocessor.Letterbox || boxes.Length == 0)
        {
            return boxes;
        }

        long size = Volatile.Read(ref _sizes[source]);
        if (size == 0)
        {
            DecodedImage image = ImageDecoder.Decode(_paths[source]);
            size = ((long)image.Width << 32) | (uint)image.Height;
            Volatile.Write(ref _sizes[source], size);
        }

        int width = (int)(size >> 32), height = (int)(uint)size;
        return [.. boxes.Select(b => Preprocessor.TransformBox(b, width, height))];
    }
}
