using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;

namespace Converters.Pruning.Transform;

/// <summary>
/// What a plan removes, tensor by tensor: for every (tensor, axis) a slot of a pruned group
/// touches, the entries along that axis that go.
/// </summary>
internal sealed class RemovedEntries
{
    private readonly Dictionary<(string Tensor, int Axis), SortedSet<int>> _entries = [];

    private RemovedEntries(IReadOnlyList<(ChannelSlot Slot, int Channel)> removed)
    {
        Removed = removed;
        foreach (var (slot, channel) in removed)
        {
            if (slot.IndicesOf(channel) is not Range range)
            {
                continue;
            }

            if (!_entries.TryGetValue((slot.TensorName, slot.Axis), out SortedSet<int>? set))
            {
                _entries[(slot.TensorName, slot.Axis)] = set = [];
            }

            for (int i = range.Start.Value; i < range.End.Value; i++)
            {
                set.Add(i);
            }
        }
    }

    /// <summary>Every (slot, removed group channel) pair the slot carries.</summary>
    public IReadOnlyList<(ChannelSlot Slot, int Channel)> Removed { get; }

    /// <summary>The (tensor, axis) pairs with removed entries.</summary>
    public IEnumerable<(string Tensor, int Axis)> Axes => _entries.Keys;

    /// <summary>The removed entries along an axis of a tensor (empty when none).</summary>
    public IReadOnlySet<int> Of(string tensor, int axis) =>
        _entries.TryGetValue((tensor, axis), out SortedSet<int>? set) ? set : s_none;

    private static readonly SortedSet<int> s_none = [];

    /// <summary>Collects what <paramref name="plan"/> removes from <paramref name="groups"/> (the plan is validated first).</summary>
    public static RemovedEntries Collect(IReadOnlyList<PruningGroup> groups, PruningPlan plan)
    {
        plan.Validate(groups);
        var removed = new List<(ChannelSlot, int)>();
        foreach (PruningGroup group in groups)
        {
            if (!plan.Contains(group.Id))
            {
                continue;
            }

            var kept = new HashSet<int>(plan.KeptOf(group));
            for (int channel = 0; channel < group.ChannelCount; channel++)
            {
                if (kept.Contains(channel))
                {
                    continue;
                }

                foreach (ChannelSlot slot in group.Slots)
                {
                    if (channel >= slot.First && channel < slot.First + slot.Count)
                    {
                        removed.Add((slot, channel));
                    }
                }
            }
        }

        return new RemovedEntries(removed);
    }
}
