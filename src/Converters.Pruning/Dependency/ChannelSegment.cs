namespace Converters.Pruning.Dependency;

/// <summary>
/// A run of a value's channel axis: <see cref="Count"/> consecutive channels of one source (the
/// output channels of one producer), starting at source channel <see cref="First"/>, each taking
/// <see cref="Block"/> consecutive entries (1 on an NCHW channel axis, H·W after a flatten).
/// A <see cref="Source"/> of -1 is a run the analysis does not track (graph inputs, scrambled channels).
/// </summary>
internal readonly record struct ChannelSegment(int Source, int First, int Count, int Block)
{
    /// <summary>The entries the run takes along the axis.</summary>
    public int Length => Count * Block;

    /// <summary>Whether the run belongs to a tracked source.</summary>
    public bool IsTracked => Source >= 0;
}
