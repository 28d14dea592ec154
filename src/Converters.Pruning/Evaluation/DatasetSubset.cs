using Converters.Engine.Data;

namespace Converters.Pruning.Evaluation;

/// <summary>The first <c>count</c> samples of a dataset (the vendor tool's <c>test_iter</c> batches).</summary>
internal sealed class DatasetSubset(IDataset inner, int count) : IDataset
{
    public string Description => $"{inner.Description} (first {Count})";

    public DatasetTask Task => inner.Task;

    public int Count { get; } = Math.Min(count, inner.Count);

    public int Channels => inner.Channels;

    public int Height => inner.Height;

    public int Width => inner.Width;

    public int ClassCount => inner.ClassCount;

    public IReadOnlyList<string> ClassNames => inner.ClassNames;

    public void ReadSample(int index, Span<float> destination) => inner.ReadSample(Check(index), destination);

    public int GetLabel(int index) => inner.GetLabel(Check(index));

    public IReadOnlyList<BoundingBox> GetBoxes(int index) => inner.GetBoxes(Check(index));

    private int Check(int index) => (uint)index < (uint)Count ? index : throw new ArgumentOutOfRangeException(nameof(index));
}
