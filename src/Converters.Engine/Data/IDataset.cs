namespace Converters.Engine.Data;

/// <summary>
/// A dataset of preprocessed samples the engine evaluates or trains on: every sample is a CHW
/// float32 tensor of the same shape, with a class label (<see cref="DatasetTask.Classification"/>)
/// or a list of boxes (<see cref="DatasetTask.Detection"/>). Opened from a spec string by
/// <see cref="DatasetSpec.Open"/>.
/// </summary>
public interface IDataset
{
    /// <summary>One line for the terminal, e.g. <c>synthetic:shapes, 2000 samples, 4 classes, 3x32x32</c>.</summary>
    string Description { get; }

    /// <summary>What the labels are.</summary>
    DatasetTask Task { get; }

    /// <summary>The number of samples.</summary>
    int Count { get; }

    /// <summary>Channels of one preprocessed sample.</summary>
    int Channels { get; }

    /// <summary>Height of one preprocessed sample.</summary>
    int Height { get; }

    /// <summary>Width of one preprocessed sample.</summary>
    int Width { get; }

    /// <summary>The number of classes.</summary>
    int ClassCount { get; }

    /// <summary>One name per class, indexed by class id.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// Writes sample <paramref name="index"/> into <paramref name="destination"/>: exactly
    /// <c>Channels*Height*Width</c> floats in CHW order. Safe to call concurrently for different indexes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside 0..Count-1.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="DatasetException">The sample's file is malformed.</exception>
    void ReadSample(int index, Span<float> destination);

    /// <summary>The class of sample <paramref name="index"/> (classification datasets).</summary>
    /// <exception cref="InvalidOperationException">The dataset is a detection dataset.</exception>
    int GetLabel(int index);

    /// <summary>The boxes of sample <paramref name="index"/>, in the frame of the preprocessed sample (detection datasets).</summary>
    /// <exception cref="InvalidOperationException">The dataset is a classification dataset.</exception>
    IReadOnlyList<BoundingBox> GetBoxes(int index);
}
