using Converters.Pruning.Dependency;

namespace Converters.Pruning.Planning;

/// <summary>
/// Turns channel scores and per-group ratios into a plan: in each group the highest-scoring channels
/// stay (ties by index), the kept count rounded to <see cref="PlanOptions.ChannelDivisible"/> and
/// never below <see cref="PlanOptions.KeepMinimum"/>, equal in every equal part of the group; fixed
/// groups and groups touching an ignored layer keep every channel.
/// </summary>
public sealed class PlanBuilder
{
    private readonly IReadOnlyList<PruningGroup> _groups;
    private readonly IReadOnlyDictionary<string, float[]> _scores;
    private readonly PlanOptions _options;

    /// <summary>Creates a builder.</summary>
    /// <param name="groups">The model's groups.</param>
    /// <param name="scores">Group id → one score per channel (higher = more important), for every prunable group.</param>
    /// <param name="options">Rounding, minimum and ignored layers.</param>
    public PlanBuilder(IReadOnlyList<PruningGroup> groups, IReadOnlyDictionary<string, float[]> scores, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(scores);
        _groups = groups;
        _scores = scores;
        _options = options ?? new PlanOptions();
        if (_options.ChannelDivisible < 1 || _options.KeepMinimum < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "channel_divisible and keep_minimum must be at least 1.");
        }

        Candidates = [.. groups.Where(g => g.IsPrunable && !g.Slots.Any(s => _options.IgnoredLayers.Contains(s.NodeName)))];
        foreach (PruningGroup group in Candidates)
        {
            if (!scores.TryGetValue(group.Id, out float[]? s) || s.Length != group.ChannelCount)
            {
                throw new ArgumentException($"no score per channel for group '{group.Id}'.", nameof(scores));
            }
        }
    }

    /// <summary>The groups the plan may prune (prunable, not touching an ignored layer).</summary>
    public IReadOnlyList<PruningGroup> Candidates { get; }

    /// <summary>A plan pruning each candidate group by the fraction <paramref name="ratio"/> gives (0 = keep all).</summary>
    public PruningPlan FromRatios(Func<PruningGroup, double> ratio, string? modelHash = null)
    {
        ArgumentNullException.ThrowIfNull(ratio);
        var entries = new List<KeyValuePair<string, (int, int[])>>();
        foreach (PruningGroup group in Candidates)
        {
            double r = Math.Clamp(ratio(group), 0, 1);
            int keep = KeptCount(group, (int)Math.Round(group.ChannelCount * (1 - r)));
            if (keep < group.ChannelCount)
            {
                entries.Add(new(group.Id, (group.ChannelCount, Select(group, keep))));
            }
        }

        return new PruningPlan(entries, modelHash);
    }

    /// <summary>The same fraction of every candidate group.</summary>
    public PruningPlan Uniform(double ratio, string? modelHash = null) => FromRatios(_ => ratio, modelHash);

    /// <summary>
    /// One threshold over all groups: a channel goes when its score, divided by the mean score of its
    /// group (so that layers of different scale compare), is below <paramref name="threshold"/>.
    /// </summary>
    public PruningPlan Global(double threshold, string? modelHash = null) => FromRatios(group =>
    {
        float[] s = _scores[group.Id];
        double mean = s.Average(v => (double)v);
        return mean <= 0 ? 0 : s.Count(v => v / mean < threshold) / (double)group.ChannelCount;
    }, modelHash);

    /// <summary>The number of channels a group keeps for a requested count, after the constraints.</summary>
    public int KeptCount(PruningGroup group, int requested)
    {
        ArgumentNullException.ThrowIfNull(group);
        int parts = group.Segments;
        int step = Lcm(parts, _options.ChannelDivisible);
        int minimum = Math.Max(_options.KeepMinimum, (int)Math.Ceiling(group.ChannelCount * _options.KeepMinimumFraction));
        int keep = Math.Max(requested, minimum);
        keep = (int)Math.Round(keep / (double)step, MidpointRounding.AwayFromZero) * step;
        keep = Math.Max(keep, step);
        while (keep < minimum)
        {
            keep += step;
        }

        return keep >= group.ChannelCount || group.ChannelCount % parts != 0 ? group.ChannelCount : keep;
    }

    /// <summary>The <paramref name="keep"/> best channels of a group, the same number from each equal part.</summary>
    private int[] Select(PruningGroup group, int keep)
    {
        float[] s = _scores[group.Id];
        int part = group.ChannelCount / group.Segments;
        int perPart = keep / group.Segments;
        var kept = new List<int>(keep);
        for (int p = 0; p < group.Segments; p++)
        {
            kept.AddRange(Enumerable.Range(p * part, part).OrderByDescending(i => s[i]).ThenBy(i => i).Take(perPart));
        }

        kept.Sort();
        return [.. kept];
    }

    /// <summary>
    /// Finds the knob value in [<paramref name="low"/>, <paramref name="high"/>] whose plan removes the
    /// fraction <paramref name="rate"/> of the MACs (bisection; the plan's MAC count must not decrease
    /// as the knob decreases), and returns that plan: the one removing at least the rate with the
    /// smallest knob.
    /// </summary>
    /// <param name="rate">Fraction of MACs to remove, in (0, 1).</param>
    /// <param name="plan">Knob → plan (more pruning for a larger knob).</param>
    /// <param name="macs">Plan → predicted MACs of the slim model.</param>
    /// <param name="baseMacs">The unpruned model's MACs.</param>
    /// <param name="low">Smallest knob.</param>
    /// <param name="high">Largest knob.</param>
    public static (PruningPlan Plan, double Knob, long Macs) SearchRate(double rate, Func<double, PruningPlan> plan, Func<PruningPlan, long> macs, long baseMacs, double low = 0, double high = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(macs);
        if (!(rate > 0 && rate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be in (0, 1).");
        }

        double target = baseMacs * (1 - rate);
        PruningPlan best = plan(high);
        long bestMacs = macs(best);
        double bestKnob = high;
        if (bestMacs > target)
        {
            return (best, high, bestMacs);
        }

        for (int i = 0; i < 40 && high - low > 1e-6; i++)
        {
            double mid = (low + high) / 2;
            PruningPlan candidate = plan(mid);
            long m = macs(candidate);
            if (m <= target)
            {
                (best, bestMacs, bestKnob, high) = (candidate, m, mid, mid);
            }
            else
            {
                low = mid;
            }
        }

        return (best, bestKnob, bestMacs);
    }

    private static int Lcm(int a, int b)
    {
        int x = a, y = b;
        while (y != 0)
        {
            (x, y) = (y, x % y);
        }

        return a / x * b;
    }
}
