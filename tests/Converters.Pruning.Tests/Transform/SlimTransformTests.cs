using Converters.Ir;
using Converters.Ir.Statistics;
using Converters.Ir.Verification;
using Converters.Pruning.Dependency;
using Converters.Pruning.Planning;
using Converters.Pruning.Transform;
using Xunit.Abstractions;

namespace Converters.Pruning.Tests.Transform;

public class SlimTransformTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Topologies.All), MemberType = typeof(Topologies))]
    public void Apply_RandomPlan_MaskedAndSlimAgreeAndCostIsPredicted(string topology, string cfg)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            // Given: a model with random weights and a random plan keeping about half of every prunable group
            Model model = PruningTestModels.FromCfg(cfg, seed);
            IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
            groups.Count(g => g.IsPrunable).ShouldBeGreaterThan(0, topology);
            PruningPlan plan = PruningTestModels.RandomPlan(groups, seed);

            // When: the plan is applied as masks and by the slim transform
            MaskedModel masked = MaskApplication.Apply(model, groups, plan);
            Model slim = SlimTransform.Apply(model, groups, plan);

            // Then: both compute the same outputs
            var input = PruningTestModels.RandomInput(model, seed);
            var expected = PruningTestModels.Run(masked.Model, input);
            var actual = PruningTestModels.Run(slim, input);
            foreach (string name in PruningTestModels.Compared(model))
            {
                double error = PruningTestModels.RelativeMaxError(actual[name].AsSpan<float>(), expected[name].AsSpan<float>());
                output.WriteLine($"{topology} seed {seed}: output {name} relative max error {error:E2}");
                error.ShouldBeLessThanOrEqualTo(1e-5, $"{topology} seed {seed} output {name}");
            }

            // And: the slim model verifies, is smaller, and its cost is the predicted one
            GraphVerifier.Verify(slim.Graph).ShouldBeEmpty();
            ModelStatistics before = ModelStatistics.Compute(model.Graph);
            ModelStatistics after = ModelStatistics.Compute(slim.Graph);
            PlanCost predicted = SlimTransform.Predict(model, groups, plan);
            after.TotalMacs.ShouldBeLessThan(before.TotalMacs, topology);
            new PlanCost(after.TotalParameters, after.TotalStoredValues, after.TotalMacs).ShouldBe(predicted, topology);

            // And: the input model is untouched
            ModelStatistics.Compute(model.Graph).TotalParameters.ShouldBe(before.TotalParameters);
        }
    }

    [Fact]
    public void Apply_OnlyPointwiseConsumers_EqualsTheModelWithZeroedFilters()
    {
        // Given: a net whose pruned channels reach only 1x1 convolutions and a fully connected layer
        Model model = PruningTestModels.FromCfg(Topologies.Pointwise, 7);
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
        PruningPlan plan = PruningTestModels.RandomPlan(groups, 7);

        // And: the naive reference: the pruned filters zeroed and nothing else changed (computed here
        // from the plan, independently of the transform)
        Model zeroed = PruningTestModels.FromCfg(Topologies.Pointwise, 7);
        foreach (PruningGroup group in groups.Where(g => plan.Contains(g.Id)))
        {
            var kept = plan.KeptOf(group).ToHashSet();
            foreach (string producer in group.Producers)
            {
                Node conv = zeroed.Graph.Nodes.First(n => n.Name == producer);
                TensorData w = zeroed.Graph.Initializers[conv.Inputs[1]];
                int row = (int)(w.ElementCount / w.Shape[0]);
                for (int c = 0; c < group.ChannelCount; c++)
                {
                    if (!kept.Contains(c))
                    {
                        w.AsSpan<float>().Slice(c * row, row).Clear();
                    }
                }
            }
        }

        // When: the slim transform removes those channels
        Model slim = SlimTransform.Apply(model, groups, plan);

        // Then: it computes exactly what the zeroed model computes: the removed channels' constants were folded
        var input = PruningTestModels.RandomInput(model, 3);
        var expected = PruningTestModels.Run(zeroed, input);
        var actual = PruningTestModels.Run(slim, input);
        foreach (string name in PruningTestModels.Compared(model))
        {
            PruningTestModels.RelativeMaxError(actual[name].AsSpan<float>(), expected[name].AsSpan<float>()).ShouldBeLessThanOrEqualTo(1e-5, name);
        }
    }

    [Fact]
    public void Apply_PlanNamingAFixedGroup_Throws()
    {
        // Given: the classifier conv of a model, whose channels feed the softmax
        Model model = PruningTestModels.FromCfg(Topologies.Residual);
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
        PruningGroup head = groups.Single(g => !g.IsPrunable);
        var plan = new PruningPlan([new(head.Id, (head.ChannelCount, new[] { 0, 1 }))]);

        // When / Then
        var ex = Should.Throw<PruningPlanException>(() => SlimTransform.Apply(model, groups, plan));
        ex.Message.ShouldContain($"group '{head.Id}' cannot be pruned");
        ex.FieldPath.ShouldBe($"groups[{head.Id}]");
    }

    [Fact]
    public void Apply_PlanWithWrongChannelCount_Throws()
    {
        Model model = PruningTestModels.FromCfg(Topologies.PlainChain);
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
        PruningGroup first = groups[0];
        var plan = new PruningPlan([new(first.Id, (first.ChannelCount + 1, new[] { 0 }))]);

        Should.Throw<PruningPlanException>(() => MaskApplication.Apply(model, groups, plan))
            .Message.ShouldContain($"has {first.ChannelCount} channels in the model, the plan says {first.ChannelCount + 1}");
    }

    [Fact]
    public void Apply_PlanBreakingEqualParts_Throws()
    {
        // Given: the route-groups net, whose first conv's halves must keep equal counts
        Model model = PruningTestModels.FromCfg(Topologies.RouteGroups);
        IReadOnlyList<PruningGroup> groups = DependencyAnalysis.Analyze(model);
        PruningGroup split = groups.First(g => g.Segments == 2);
        var plan = new PruningPlan([new(split.Id, (split.ChannelCount, new[] { 0, 1, 2, 9 }))]);

        Should.Throw<PruningPlanException>(() => SlimTransform.Apply(model, groups, plan))
            .Message.ShouldContain("must keep equal counts");
    }
}
