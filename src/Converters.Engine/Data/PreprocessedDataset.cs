using System.Globalization;

namespace Converters.Engine.Data;

/// <summary>
/// The shared part of every dataset: a selection of source samples, a preprocessor, class names,
/// argument checks and the one-line description. Subclasses read one source sample.
/// </summary>
internal abstract class PreprocessedDataset : IDataset
{
    private readonly int[] _indexes;

    /// <summary>Creates a dataset over the source samples <paramref name="indexes"/>.</summary>
    protected PreprocessedDataset(string source, DatasetTask task, IReadOnlyList<string> classNames, SamplePreprocessor preprocessor, int[] indexes)
    {
        Task = task;
        ClassNames = classNames;
        Preprocessor = preprocessor;
        _indexes = indexes;
        Description = string.Create(
            CultureInfo.InvariantCulture,
            $"{source}, {indexes.Length} samples, {classNames.Count} classes, {preprocessor.Channels}x{preprocessor.Height}x{preprocessor.Width}");
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public DatasetTask Task { get; }

    /// <inheritdoc/>
    public int Count => _indexes.Length;

    /// <inheritdoc/>
    public int Channels => Preprocessor.Channels;

    /// <inheritdoc/>
    public int Height => Preprocessor.Height;

    /// <inheritdoc/>
    public int Width => Preprocessor.Width;

    /// <inheritdoc/>
    public int ClassCount => ClassNames.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Turns source images into samples.</summary>
    protected SamplePreprocessor Preprocessor { get; }

    /// <inheritdoc/>
    public void ReadSample(int index, Span<float> destination)
    {
        int source = SourceIndex(index);
        if (destination.Length != Preprocessor.SampleLength)
        {
            throw new ArgumentException($"The destination must hold exactly {Preprocessor.SampleLength} floats ({Channels}x{Height}x{Width}), not {destination.Length}.", nameof(destination));
        }

        ReadSource(source, destination);
    }

    /// <inheritdoc/>
    public int GetLabel(int index)
    {
        int source = SourceIndex(index);
        if (Task != DatasetTask.Classification)
        {
            throw new InvalidOperationException("This is a detection dataset: its samples have boxes (GetBoxes), not a class label.");
        }

        return LabelOf(source);
    }

    /// <inheritdoc/>
    public IReadOnlyList<BoundingBox> GetBoxes(int index)
    {
        int source = SourceIndex(index);
        if (Task != DatasetTask.Detection)
        {
            throw new InvalidOperationException("This is a classification dataset: its samples have a class label (GetLabel), not boxes.");
        }

        return BoxesOf(source);
    }

    /// <summary>Writes source sample <paramref name="source"/>, preprocessed, into <paramref name="destination"/>.</summary>
    protected abstract void ReadSource(int source, Span<float> destination);

    /// <summary>The label of source sample <paramref name="source"/>.</summary>
    protected virtual int LabelOf(int source) => throw new InvalidOperationException("This dataset has no class labels.");

    /// <summary>The boxes of source sample <paramref name="source"/> in the sample's frame.</summary>
    protected virtual IReadOnlyList<BoundingBox> BoxesOf(int source) => throw new InvalidOperationException("This dataset has no boxes.");

    private int SourceIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _indexes.Length);
        return _indexes[index];
    }
}
