using Converters.Pruning.Dependency;
using Converters.Pruning.Sensitivity;
using Converters.Testing;

namespace Converters.Pruning.Tests.Sensitivity;

public class SensitivityTableTests
{
    private static readonly PruningGroup[] s_groups =
    [
        new("a", "a", 4, []),
        new("b", "b", 4, []),
    ];

    [Fact]
    public void Run_Interrupted_ResumesWithTheMissingMeasurementsOnly()
    {
        using var folder = new TempDirectory();
        string path = folder.Combine("sensitivity.json");
        var measured = new List<(string, double)>();
        double Measure(PruningGroup g, double r)
        {
            measured.Add((g.Id, r));
            return 1 - (r * (g.Id == "a" ? 0.1 : 1));
        }

        // Given: a run cancelled after 5 measurements
        using var cancel = new CancellationTokenSource();
        var table = new SensitivityTable("hash", "settings", "top1");
        Should.Throw<OperationCanceledException>(() => SensitivityAnalysis.Run(table, s_groups, () => 1, Measure, t => t.Save(path), (done, _) =>
        {
            if (done == 6)
            {
                cancel.Cancel();
            }
        }, cancel.Token));
        measured.Count.ShouldBe(5);

        // When: the saved table is loaded and the analysis runs again
        SensitivityTable resumed = SensitivityTable.TryLoad(path, "hash", "settings").ShouldNotBeNull();
        SensitivityAnalysis.Run(resumed, s_groups, () => throw new InvalidOperationException("baseline measured twice"), Measure, t => t.Save(path));

        // Then: 18 measurements in all, none twice, and the table is complete
        measured.Count.ShouldBe(18);
        measured.Distinct().Count().ShouldBe(18);
        resumed.IsComplete(["a", "b"]).ShouldBeTrue();
        SensitivityTable.TryLoad(path, "hash", "other settings").ShouldBeNull();
        SensitivityTable.TryLoad(path, "other model", "settings").ShouldBeNull();
    }

    [Fact]
    public void RatioWithin_Threshold_IsTheLargestRatioWhoseLossAndEveryEarlierOneFit()
    {
        var table = new SensitivityTable("h", "s", "top1") { Baseline = 0.8 };
        table.Metrics["a"] = [0.8, 0.79, 0.8, 0.78, 0.7, 0.79, 0.5, 0.4, 0.3];

        table.RatioWithin("a", 0.03).ShouldBe(0.4);   // 0.78 loses 2.5 %; 0.7 loses 12.5 % and stops the walk
        table.RatioWithin("a", 0.0).ShouldBe(0.1);
        table.RatioWithin("missing", 0.5).ShouldBe(0);
    }

    [Fact]
    public void Steps_TwoCurves_TakeTheCheaperStepFirst()
    {
        var table = new SensitivityTable("h", "s", "top1", [0.5, 1.0]) { Baseline = 1 };
        table.Metrics["a"] = [0.9, 0.5];
        table.Metrics["b"] = [0.95, 0.2];

        table.Steps(["a", "b"]).ShouldBe([("b", 0.5), ("a", 0.5), ("a", 1.0), ("b", 1.0)]);
    }
}
