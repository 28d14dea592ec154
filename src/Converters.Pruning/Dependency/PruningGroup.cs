namespace Converters.Pruning.Dependency;

/// <summary>
/// A set of channels that must be pruned together or not at all: the output channels of one or more
/// producers (several when a residual add or Darknet shortcut couples them) and every tensor axis
/// that follows them, through normalisation, activations, pooling, concatenation, slices and
/// flatten → fully connected.
/// </summary>
public sealed class PruningGroup
{
    /// <summary>Creates a group.</summary>
    /// <param name="id">Stable identifier (the first producer's node name); plans refer to groups by it.</param>
    /// <param name="displayName">Readable description for tables: producers and where the channels go.</param>
    /// <param name="channelCount">The number of channels.</param>
    /// <param name="slots">Every tensor axis that follows the channels.</param>
    /// <param name="segments">
    /// The channels fall into this many equal consecutive segments that must keep equal counts
    /// (Darknet route <c>groups</c>, grouped convolution); 1 when there is no such constraint.
    /// </param>
    /// <param name="fixedReason">Why the group cannot be pruned (detection head, graph output, …); null when it can.</param>
    public PruningGroup(string id, string displayName, int channelCount, IReadOnlyList<ChannelSlot> slots, int segments = 1, string? fixedReason = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channelCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segments);
        if (channelCount % segments != 0)
        {
            throw new ArgumentException($"Group '{id}': {segments} segments do not divide {channelCount} channels.", nameof(segments));
        }

        Id = id;
        DisplayName = displayName;
        ChannelCount = channelCount;
        Slots = slots;
        Segments = segments;
        FixedReason = fixedReason;
    }

    /// <summary>Stable identifier (the first producer's node name); plans refer to groups by it.</summary>
    public string Id { get; }

    /// <summary>Readable description for tables.</summary>
    public string DisplayName { get; }

    /// <summary>The number of channels.</summary>
    public int ChannelCount { get; }

    /// <summary>Every tensor axis that follows the channels.</summary>
    public IReadOnlyList<ChannelSlot> Slots { get; }

    /// <summary>Equal consecutive segments that must keep equal channel counts (1 = unconstrained).</summary>
    public int Segments { get; }

    /// <summary>Why the group cannot be pruned; null when it can.</summary>
    public string? FixedReason { get; }

    /// <summary>Whether the group can be pruned.</summary>
    public bool IsPrunable => FixedReason is null;

    /// <summary>The names of the nodes whose output channels these are, in graph order.</summary>
    public IEnumerable<string> Producers => Slots.Where(s => s.Kind == SlotKind.Producer).Select(s => s.NodeName).Distinct(StringComparer.Ordinal);

    /// <summary>The slots of one kind.</summary>
    public IEnumerable<ChannelSlot> SlotsOf(SlotKind kind) => Slots.Where(s => s.Kind == kind);

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({ChannelCount} channels{(IsPrunable ? string.Empty : ", fixed: " + FixedReason)})";
}
