namespace Converters.Pruning.Planning;

/// <summary>Constraints every plan respects.</summary>
public sealed record PlanOptions
{
    /// <summary>Kept channel counts are multiples of this (the vendor tool's <c>channel_divisible</c>; 8 or 16 for the accelerator's parallelism).</summary>
    public int ChannelDivisible { get; init; } = 1;

    /// <summary>Every group keeps at least this many channels.</summary>
    public int KeepMinimum { get; init; } = 1;

    /// <summary>Every group keeps at least this fraction of its channels.</summary>
    public double KeepMinimumFraction { get; init; }

    /// <summary>Node names whose groups are left whole (the vendor tool's <c>ignore_layer</c>).</summary>
    public IReadOnlySet<string> IgnoredLayers { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
