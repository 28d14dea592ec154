using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Darknet;
using Converters.Pruning.Dependency;
using Converters.Pruning.Tests.Transform;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Pruning.Tests.Dependency;

public class DependencyAnalysisTests(ITestOutputHelper output)
{
    private IReadOnlyList<PruningGroup> Analyze(string cfg)
    {
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(PruningTestModels.FromCfg(cfg));
        foreach (PruningGroup g in groups)
        {
            output.WriteLine($"{g.Id}: {g.ChannelCount} ch, {g.Segments} parts, {g.DisplayName} {g.FixedReason}");
        }

        return groups;
    }

    private static PruningGroup Of(IReadOnlyList<PruningGroup> groups, string producer) => groups.Single(g => g.Producers.Contains(producer));

    [Fact]
    public void Analyze_Shortcuts_CoupleEveryProducerOfTheSum()
    {
        IReadOnlyList<PruningGroup> groups = Analyze(Topologies.Residual);

        // The identity shortcut adds conv 2 to conv 0; the projection shortcut adds conv 6 to conv 4.
        Of(groups, "0.conv").Producers.ShouldBe(["0.conv", "2.conv"]);
        Of(groups, "4.conv").Producers.ShouldBe(["4.conv", "6.conv"]);
        Of(groups, "0.conv").SlotsOf(SlotKind.Consumer).Select(s => s.NodeName).ShouldBe(["1.conv", "4.conv", "6.conv"], ignoreOrder: true);
        Of(groups, "8.conv").FixedReason.ShouldNotBeNull().ShouldContain("Softmax");
    }

    [Fact]
    public void Analyze_Concat_MapsEachInputToItsOffset()
    {
        IReadOnlyList<PruningGroup> groups = Analyze(Topologies.Concat);

        // route 5 = [expand3 (12) | expand1 (12)] read by conv 7; route 9 = [upsample of conv 7 (16) | expand3 (12)] read by conv 10
        ChannelSlot Consumer(string producer, string consumer) => Of(groups, producer).SlotsOf(SlotKind.Consumer).Single(s => s.NodeName == consumer);
        Consumer("4.conv", "7.conv").Offset.ShouldBe(0);
        Consumer("2.conv", "7.conv").Offset.ShouldBe(12);
        Consumer("7.conv", "10.conv").Offset.ShouldBe(0);
        Consumer("4.conv", "10.conv").Offset.ShouldBe(16);
        Of(groups, "2.conv").SlotsOf(SlotKind.Consumer).Select(s => s.NodeName).ShouldBe(["7.conv"]);
    }

    [Fact]
    public void Analyze_RouteGroups_SplitsTheSourceIntoEqualParts()
    {
        IReadOnlyList<PruningGroup> groups = Analyze(Topologies.RouteGroups);

        PruningGroup split = Of(groups, "0.conv");
        split.Segments.ShouldBe(2);
        ChannelSlot half = split.SlotsOf(SlotKind.Consumer).Single(s => s.NodeName == "2.conv");
        (half.First, half.Count, half.Offset).ShouldBe((8, 8, 0));
    }

    [Fact]
    public void Analyze_DepthwiseConv_PassesTheChannelsThrough()
    {
        IReadOnlyList<PruningGroup> groups = Analyze(Topologies.Depthwise);

        PruningGroup g = Of(groups, "0.conv");
        g.Producers.ShouldBe(["0.conv"]);
        g.SlotsOf(SlotKind.PerChannel).Select(s => s.NodeName).ShouldContain("1.conv");
        g.SlotsOf(SlotKind.Consumer).Single().NodeName.ShouldBe("2.conv");
    }

    [Fact]
    public void Analyze_GroupedConv_FixesItsInputAndSplitsItsOutput()
    {
        IReadOnlyList<PruningGroup> groups = Analyze(Topologies.Grouped);

        Of(groups, "0.conv").FixedReason.ShouldBe("read by grouped convolution '1.conv' (group=4)");
        Of(groups, "1.conv").Segments.ShouldBe(4);
    }

    [Fact]
    public void Analyze_FlattenIntoFullyConnected_GivesEachChannelABlockOfColumns()
    {
        IReadOnlyList<PruningGroup> groups = Analyze(Topologies.PlainChain);

        ChannelSlot columns = Of(groups, "3.conv").SlotsOf(SlotKind.Consumer).Single();
        columns.NodeName.ShouldBe("5.gemm");
        columns.Block.ShouldBe(16);
    }

    [Fact]
    public void Analyze_Yolov3_CouplesEachBackboneStageAndFixesTheHeads()
    {
        // Given: Debian's yolov3.cfg
        const string cfg = "/usr/share/darknet/cfg/yolov3.cfg";
        if (!Oracle.SkipOrFail(output, new OracleProbe("darknet cfgs", File.Exists(cfg), $"{cfg} is missing (install Debian's darknet)")))
        {
            return;
        }

        Model model = new DarknetFormat().Read([ModelFile.Open(cfg)], FormatOptions.Empty);

        // When
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);

        // Then: the shortcut chains of Darknet-53's five stages (1, 2, 8, 8, 4 residual units) are one
        // group each, with the stage's downsampling conv and every unit's second conv as producers
        int[] units = [1, 2, 8, 8, 4];
        var stages = groups.Where(g => g.Producers.Count() > 1).OrderBy(g => g.ChannelCount).ToList();
        stages.Select(g => g.ChannelCount).ShouldBe([64, 128, 256, 512, 1024]);
        stages.Select(g => g.Producers.Count() - 1).ShouldBe(units);

        // And: the three convs feeding the yolo layers are fixed, everything else is prunable
        groups.Where(g => !g.IsPrunable).Select(g => g.Id).ShouldBe(["81.conv", "93.conv", "105.conv"]);
        groups.Single(g => g.Id == "81.conv").FixedReason.ShouldBe("feeds the detection head '82.yolo' (Yolo), whose outputs keep their size");
        groups.Count.ShouldBe(75 - units.Sum());
    }
}
