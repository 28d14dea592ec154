using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;

namespace Converters.Pruning.Tests.Planning;

public class PlanBuilderTests
{
    // Hand-built groups: a plain one of 10 channels, one split into 2 equal parts of 4, a fixed one.
    private static readonly PruningGroup s_plain = new("a", "a", 10, [new ChannelSlot(SlotKind.Producer, "a", 1, "a.w", 0, 0, 1, 0, 10)]);
    private static readonly PruningGroup s_split = new("b", "b", 8, [new ChannelSlot(SlotKind.Producer, "b", 1, "b.w", 0, 0, 1, 0, 8)], segments: 2);
    private static readonly PruningGroup s_fixed = new("c", "c", 4, [new ChannelSlot(SlotKind.Producer, "c", 1, "c.w", 0, 0, 1, 0, 4)], fixedReason: "head");

    private static readonly Dictionary<string, float[]> s_scores = new()
    {
        ["a"] = [5, 1, 9, 3, 7, 2, 8, 0, 6, 4],
        ["b"] = [1, 4, 3, 2, 8, 5, 7, 6],
    };

    private static PlanBuilder Builder(PlanOptions? options = null) => new([s_plain, s_split, s_fixed], s_scores, options);

    [Fact]
    public void Uniform_Half_KeepsTheBestChannelsOfEachPart()
    {
        PruningPlan plan = Builder().Uniform(0.5);

        plan.KeptOf(s_plain).ShouldBe([0, 2, 4, 6, 8]);        // scores 5, 9, 7, 8, 6
        plan.KeptOf(s_split).ShouldBe([1, 2, 4, 6]);           // part 0: 4, 3; part 1: 8, 7
        plan.Contains("c").ShouldBeFalse();
    }

    [Fact]
    public void Uniform_ChannelDivisibleAndMinimum_RoundKeptCounts()
    {
        // 10 channels at 75 % pruning keep 2.5 → rounded to a multiple of 4 → 4; b keeps a multiple of lcm(2, 4) = 4
        PruningPlan plan = Builder(new PlanOptions { ChannelDivisible = 4 }).Uniform(0.75);
        plan.KeptOf(s_plain).Length.ShouldBe(4);
        plan.KeptOf(s_split).Length.ShouldBe(4);

        PruningPlan minimum = Builder(new PlanOptions { KeepMinimum = 6 }).Uniform(0.9);
        minimum.KeptOf(s_plain).Length.ShouldBe(6);
        minimum.KeptOf(s_split).Length.ShouldBe(6, "3 in each part");
    }

    [Fact]
    public void Global_ThresholdOnScoreOverGroupMean_PrunesBelowIt()
    {
        // a: mean 4.5, below 0.5 × 4.5 = 2.25 are scores 1, 2, 0 → 3 of 10; b: mean 4.5, below 2.25: 1, 2 → 2 of 8 → 1 per part
        PruningPlan plan = Builder().Global(0.5);

        plan.KeptOf(s_plain).Length.ShouldBe(7);
        plan.KeptOf(s_plain).ShouldNotContain(7);
        plan.KeptOf(s_split).Length.ShouldBe(6);
    }

    [Fact]
    public void FromRatios_IgnoredLayer_KeepsItsGroupWhole()
    {
        PruningPlan plan = Builder(new PlanOptions { IgnoredLayers = new HashSet<string> { "a" } }).Uniform(0.5);

        plan.Contains("a").ShouldBeFalse();
        plan.Contains("b").ShouldBeTrue();
    }

    [Fact]
    public void SearchRate_MonotoneKnob_FindsTheSmallestKnobReachingTheRate()
    {
        // MACs fall linearly with the knob: 1000 × (1 − k); the plan records the knob in a group's kept count
        PruningPlan Plan(double k) => new([new("a", (1001, Enumerable.Range(0, 1001 - (int)Math.Round(k * 1000)).ToArray()))]);
        long Macs(PruningPlan p) => p.KeptOf(new PruningGroup("a", "a", 1001, [])) .Length - 1;

        var (plan, knob, macs) = PlanBuilder.SearchRate(0.37, Plan, Macs, 1000);

        macs.ShouldBeLessThanOrEqualTo(630);
        macs.ShouldBeGreaterThanOrEqualTo(629);
        knob.ShouldBe(0.37, 0.002);
        plan.KeptOf(new PruningGroup("a", "a", 1001, [])).Length.ShouldBe((int)macs + 1);
    }

    [Fact]
    public void SearchRate_RateOutOfRange_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => PlanBuilder.SearchRate(1.0, _ => new PruningPlan([]), _ => 0, 10));
    }

    [Fact]
    public void Constructor_MissingScores_Throws()
    {
        Should.Throw<ArgumentException>(() => new PlanBuilder([s_plain], new Dictionary<string, float[]>()))
            .Message.ShouldContain("group 'a'");
    }
}
