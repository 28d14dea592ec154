using System.Text.Json;
using Converters.Testing;
using Converters.Testing.Cli;
using Xunit.Abstractions;

namespace Converters.Cli.Tests.Commands;

/// <summary>
/// <c>ana</c>, <c>prune</c> and <c>transform</c> end to end on the pruning sample (a residual Darknet
/// classifier trained on the synthetic shapes), and what bad input gets.
/// </summary>
public sealed class PruningCommandTests(ITestOutputHelper output) : IDisposable
{
    private const string Data = "synthetic:shapes?classes=8&n=600";

    private static readonly string s_cfg = RepositoryPaths.Combine("samples", "prune", "shapes-resnet.cfg");

    private static readonly string s_weights = RepositoryPaths.Combine("samples", "prune", "shapes-resnet.weights");

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AnaGroups_Sample_ListsTheCoupledGroups()
    {
        string json = _folder.Combine("groups.json");

        CliResult result = CliRunner.Run("ana", s_cfg, s_weights, "--groups", "--json", json);

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        result.Output.ShouldContain("1.conv, 3.conv");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement[] groups = [.. doc.RootElement.GetProperty("groups").EnumerateArray()];
        groups.Length.ShouldBe(7);
        groups.Count(g => !g.GetProperty("prunable").GetBoolean()).ShouldBe(1);
        groups.Single(g => g.GetProperty("id").GetString() == "5.conv").GetProperty("segments").GetInt32().ShouldBe(2, "route 9 takes the second half");
    }

    [Fact]
    public void PruneThenTransform_RateHalf_WritesAPlanAndASlimModelWithThePredictedMacs()
    {
        // Given / When: a data-free plan removing half the MACs by L1, then the transform
        string plan = _folder.Combine(Path.Combine("prune", "plan.json"));
        string summary = _folder.Combine("summary.json");
        CliResult prune = CliRunner.Run("prune", s_cfg, s_weights, "--rate", "0.5", "--method", "l1", "--channel-divisible", "2", "-o", _folder.Combine("prune"), "--json", summary);
        prune.ExitCode.ShouldBe(ExitCodes.Success, prune.Error);
        output.WriteLine(prune.Output);
        CliResult transform = CliRunner.Run("transform", s_cfg, s_weights, "--plan", plan, "-o", _folder.Combine("slim"));
        transform.ExitCode.ShouldBe(ExitCodes.Success, transform.Error);

        // Then: the plan removes at least half the MACs, and the written model has exactly what the plan predicted
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(summary));
        long before = doc.RootElement.GetProperty("macs_before").GetInt64(), after = doc.RootElement.GetProperty("macs_after").GetInt64();
        ((double)after / before).ShouldBeInRange(0.4, 0.5);
        doc.RootElement.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("op").GetString() == "Conv" && l.GetProperty("kept").GetInt32() != l.GetProperty("channels").GetInt32())
            .ShouldAllBe(l => l.GetProperty("kept").GetInt32() % 2 == 0);
        string inspectJson = _folder.Combine("slim.json");
        CliRunner.Run("inspect", _folder.Combine(Path.Combine("slim", "shapes-resnet.cfg")), _folder.Combine(Path.Combine("slim", "shapes-resnet.weights")), "--json", inspectJson).ExitCode.ShouldBe(ExitCodes.Success);
        using JsonDocument inspected = JsonDocument.Parse(File.ReadAllText(inspectJson));
        inspected.RootElement.GetProperty("macs").GetInt64().ShouldBe(after);
    }

    [Fact]
    public void Prune_SensitivityPolicyWithData_ReachesTheRateAndKeepsMostOfTheMetric()
    {
        // Given: the trained sample and a small synthetic test set
        string workspace = _folder.Combine("ws");

        // When: every group is analysed, and the cheapest steps of the curves are taken until 30 % of the MACs are gone
        CliResult result = CliRunner.Run("prune", s_cfg, s_weights, "--policy", "sensitivity", "--rate", "0.3", "--data", Data, "--workspace", workspace, "-o", _folder.Combine("out"), "--json", _folder.Combine("s.json"));

        // Then: the analysis was cached, and the pruned model (BN recalibrated, not finetuned) lost little
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        output.WriteLine(result.Output);
        File.Exists(Path.Combine(workspace, "sensitivity.json")).ShouldBeTrue();
        File.ReadAllText(Path.Combine(workspace, "ana.md")).ShouldContain("| 10.conv |");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(_folder.Combine("s.json")));
        double before = doc.RootElement.GetProperty("metric_before").GetDouble(), after = doc.RootElement.GetProperty("metric_after").GetDouble();
        before.ShouldBeGreaterThan(0.95);
        after.ShouldBeGreaterThan(0.6, "8 classes: chance is 0.125");
        ((double)doc.RootElement.GetProperty("macs_after").GetInt64() / doc.RootElement.GetProperty("macs_before").GetInt64()).ShouldBeLessThanOrEqualTo(0.7);

        // And: a second run reuses the cached analysis
        CliResult again = CliRunner.Run("prune", s_cfg, s_weights, "--policy", "sensitivity", "--threshold", "0.01", "--data", Data, "--workspace", workspace, "-o", _folder.Combine("out2"));
        again.ExitCode.ShouldBe(ExitCodes.Success, again.Error);
        again.Output.ShouldContain("reusing the sensitivity analysis");
    }

    [Theory]
    [InlineData("--rate|0.5|--ratio|0.2", "--rate: give exactly one of --rate")]
    [InlineData("--rate|1.5", "--rate: must be a fraction of MACs between 0 and 1, got 1.5")]
    [InlineData("--ratio|0.3|--method|taylor2", "--method: unknown criterion \"taylor2\"")]
    [InlineData("--ratio|0.3|--ignore|12.cnv", "--ignore: the model has no layer \"12.cnv\"")]
    [InlineData("--ratio|0.3|--policy|random", "--policy: unknown policy \"random\"")]
    [InlineData("--threshold|0.01|--policy|sensitivity", "--policy: the sensitivity policy measures the model: give --data")]
    public void Prune_BadOptions_ExitTwoWithOneLineAndWriteNothing(string options, string expected)
    {
        string folder = _folder.Combine("out");

        CliResult result = CliRunner.Run(["prune", s_cfg, s_weights, .. options.Split('|'), "-o", folder]);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain(expected);
        Directory.Exists(folder).ShouldBeFalse();
    }

    [Fact]
    public void Transform_PlanForAnotherModel_ExitTwoNamingTheGroup()
    {
        string plan = _folder.WriteText("plan.json", """{"format": "converters-pruning-plan", "version": 1, "model": null, "groups": [{"id": "1.conv", "channels": 32, "kept": [0, 1]}]}""");
        string folder = _folder.Combine("slim");

        CliResult result = CliRunner.Run("transform", s_cfg, s_weights, "--plan", plan, "-o", folder);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldBe($"error: {plan}: groups[1.conv]: group '1.conv' has 64 channels in the model, the plan says 32.");
        Directory.Exists(folder).ShouldBeFalse();
    }

    [Fact]
    public void Transform_MalformedPlan_ExitTwoWithByteOffsetAndField()
    {
        const string text = """{"format": "converters-pruning-plan", "groups": [{"id": "1.conv", "channels": 64, "kept": [3, 2]}]}""";
        string plan = _folder.WriteText("plan.json", text);

        CliResult result = CliRunner.Run("transform", s_cfg, s_weights, "--plan", plan, "-o", _folder.Combine("slim"));

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldBe($"error: {plan}: byte {text.IndexOf("2]", StringComparison.Ordinal)}: groups[0].kept[1]: kept indices must be strictly ascending.");
    }

    [Fact]
    public void Ana_NothingAsked_ExitTwo()
    {
        CliResult result = CliRunner.Run("ana", s_cfg, s_weights);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("--groups lists the groups of coupled channels, --data SPEC measures their sensitivity");
    }

    [Fact]
    public void PruneConfig_WithData_RoundsEndInAFinalModelThatKeepsTheMetric()
    {
        // Given: the sample config, pointed at a workspace in the test folder and made smaller
        string config = _folder.WriteText("prune.yaml", $"""
            workspace: {_folder.Combine("ws")}
            model: {s_cfg}
            weights: {s_weights}
            data: "synthetic:shapes?classes=8&n=1200"
            rate: 0.4
            rounds: 2
            finetune_epochs: 1
            metric_drop_limit: 0.2
            pruner:
              method: l1
              channel_divisible: 2
            to: [tensorflow]
            """);

        // When
        CliResult result = CliRunner.Run("prune", "--config", config);

        // Then: each round is kept, the final model is written in both formats, and it lost at most the limit
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        output.WriteLine(result.Output);
        File.Exists(_folder.Combine(Path.Combine("ws", "round_1", "plan.json"))).ShouldBeTrue();
        File.Exists(_folder.Combine(Path.Combine("ws", "round_2", "shapes-resnet.weights"))).ShouldBeTrue();
        File.Exists(_folder.Combine(Path.Combine("ws", "final", "shapes-resnet.pb"))).ShouldBeTrue();
        string json = _folder.Combine("final.json");
        CliRunner.Run("inspect", _folder.Combine(Path.Combine("ws", "final", "shapes-resnet.cfg")), _folder.Combine(Path.Combine("ws", "final", "shapes-resnet.weights")), "--json", json).ExitCode.ShouldBe(ExitCodes.Success);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        doc.RootElement.GetProperty("macs").GetInt64().ShouldBeLessThanOrEqualTo(23_265_280L * 6 / 10);
        CliResult eval = CliRunner.Run("eval", _folder.Combine(Path.Combine("ws", "final", "shapes-resnet.cfg")), _folder.Combine(Path.Combine("ws", "final", "shapes-resnet.weights")), "--data", "synthetic:shapes?classes=8&n=300&seed=77");
        eval.ExitCode.ShouldBe(ExitCodes.Success, eval.Error);
        output.WriteLine(eval.Output);
    }

    [Fact]
    public void PruneConfig_MetricFallsBeyondTheLimit_StopsAndKeepsTheLastGoodModel()
    {
        // Given: a limit of zero loss and a first round removing 90 % of the MACs without finetuning
        string config = _folder.WriteText("prune.yaml", $"""
            workspace: {_folder.Combine("ws")}
            model: {s_cfg}
            weights: {s_weights}
            data: "synthetic:shapes?classes=8&n=600"
            rate: 0.9
            finetune_epochs: 0
            metric_drop_limit: 0
            """);

        CliResult result = CliRunner.Run("prune", "--config", config);

        // Then: round 1 is kept for inspection, but the final model is the unpruned one
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        result.Output.ShouldContain("beyond metric_drop_limit, stopping");
        File.Exists(_folder.Combine(Path.Combine("ws", "round_1", "plan.json"))).ShouldBeTrue();
        new FileInfo(_folder.Combine(Path.Combine("ws", "final", "shapes-resnet.weights"))).Length.ShouldBe(new FileInfo(s_weights).Length);
    }

    [Fact]
    public void PruneThenTransformConfig_NoData_WritesThePlanThenTheSlimModel()
    {
        string config = _folder.WriteText("prune.yaml", $"""
            workspace: {_folder.Combine("ws")}
            model: [{s_cfg}, {s_weights}]
            rate: 0.3
            pruner:
              method: bn-gamma
              policy: global
            """);

        CliResult prune = CliRunner.Run("prune", "--config", config);
        prune.ExitCode.ShouldBe(ExitCodes.Success, prune.Error);
        File.Exists(_folder.Combine(Path.Combine("ws", "plan.json"))).ShouldBeTrue();
        Directory.Exists(_folder.Combine(Path.Combine("ws", "final"))).ShouldBeFalse();

        CliResult transform = CliRunner.Run("transform", "--config", config);
        transform.ExitCode.ShouldBe(ExitCodes.Success, transform.Error);
        File.Exists(_folder.Combine(Path.Combine("ws", "final", "shapes-resnet.weights"))).ShouldBeTrue();
    }

    [Theory]
    [InlineData("rate: 0.5\nthreshold: 0.1", 3, "rate: give 'rate' or 'threshold', not both")]
    [InlineData("rate: 1.5", 2, "rate: expected a fraction of MACs between 0 and 1, got \"1.5\"")]
    [InlineData("rate: 0.5\npruner:\n  methd: l1", 4, "pruner.methd: unknown key 'methd' (did you mean 'method'?)")]
    [InlineData("rate: 0.5\nrounds: two", 3, "rounds: expected an integer ≥ 1, got \"two\"")]
    [InlineData("rate: 0.5\npruner: {policy: random}", 3, "pruner.policy: expected one of uniform, global, sensitivity, got \"random\"")]
    public void PruneConfig_Malformed_ExitTwoWithLineColumnAndKey(string tail, int line, string expected)
    {
        string config = _folder.WriteText("bad.yaml", $"model: {s_cfg}\n{tail}\n");

        CliResult result = CliRunner.Run("prune", "--config", config);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        string error = result.ErrorLines.ShouldHaveSingleItem();
        error.ShouldStartWith($"error: {config}:{line}:");
        error.ShouldEndWith(expected);
    }

    [Fact]
    public void TransformConfig_BeforePrune_ExitTwoSayingWhatToRun()
    {
        string config = _folder.WriteText("prune.yaml", $"workspace: {_folder.Combine("ws")}\nmodel: {s_cfg}\nrate: 0.3\n");

        CliResult result = CliRunner.Run("transform", "--config", config);

        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldHaveSingleItem().ShouldContain("run 'converters prune --config");
    }

    [Fact]
    public void PruneSparsity_Global_WritesTheMaskedModelAndReportsTheSize()
    {
        string folder = _folder.Combine("sparse");

        CliResult result = CliRunner.Run("prune", s_cfg, s_weights, "--sparsity", "0.7", "-o", folder);

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        result.Output.ShouldContain("sparsity 70.00 % (global threshold)");
        new FileInfo(Path.Combine(folder, "shapes-resnet.weights")).Length.ShouldBe(new FileInfo(s_weights).Length, "same shapes");
        CliRunner.Run("prune", s_cfg, s_weights, "--sparsity", "0.7", "--rate", "0.5", "-o", _folder.Combine("x")).ErrorLines.ShouldHaveSingleItem()
            .ShouldContain("--sparsity: --sparsity (unstructured) does not combine with --rate");
    }
}
