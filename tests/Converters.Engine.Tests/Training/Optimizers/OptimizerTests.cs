using Converters.Engine.Training;
using Converters.Engine.Training.Optimizers;

namespace Converters.Engine.Tests.Training.Optimizers;

public class OptimizerTests
{
    [Fact]
    public void ExportState_ThenImportIntoFreshOptimizer_ContinuesIdentically()
    {
        // Given two identical parameter sets, one optimizer that took two steps
        TrainableParameter[] a = [Parameter("w", 11, 1), Parameter("b", 3, 2)];
        TrainableParameter[] b = [Parameter("w", 11, 1), Parameter("b", 3, 2)];
        var first = new Adam(weightDecay: 0.01f);
        var second = new Adam(weightDecay: 0.01f);
        for (int s = 0; s < 2; s++)
        {
            SetGradients(a, s);
            SetGradients(b, s);
            first.Step(a, 0.01f);
            second.Step(b, 0.01f);
        }

        // When the state moves through export/import into a fresh optimizer
        IReadOnlyDictionary<string, float[]> state = second.ExportState();
        var resumed = new Adam(weightDecay: 0.01f);
        resumed.ImportState(state, b);
        SetGradients(a, 2);
        SetGradients(b, 2);
        first.Step(a, 0.01f);
        resumed.Step(b, 0.01f);

        // Then the third step is bit-identical
        state.Keys.Order(StringComparer.Ordinal).ShouldBe(["b.exp_avg", "b.exp_avg_sq", "b.step", "w.exp_avg", "w.exp_avg_sq", "w.step"]);
        state["w.step"].ShouldBe([2f]);
        b[0].Value.ShouldBe(a[0].Value);
        b[1].Value.ShouldBe(a[1].Value);
    }

    [Fact]
    public void Reset_AfterSteps_RestartsMomentumLikeAFirstStep()
    {
        // Given an SGD with momentum that took a step
        TrainableParameter p = Parameter("w", 4, 3);
        var sgd = new Sgd(momentum: 0.9f);
        SetGradients([p], 0);
        sgd.Step([p], 0.1f);

        // When reset, a step with gradient g moves p by exactly lr·g (first step: buf = g)
        sgd.Reset();
        float[] before = (float[])p.Value.Clone();
        SetGradients([p], 1);
        sgd.Step([p], 0.1f);

        // Then
        for (int i = 0; i < before.Length; i++)
        {
            p.Value[i].ShouldBe(before[i] - (0.1f * p.Gradient[i]));
        }

        sgd.ExportState().Keys.Order(StringComparer.Ordinal).ShouldBe(["w.momentum_buffer", "w.step"]);
    }

    [Fact]
    public void Step_MaskedElementWithNonZeroValue_ValueBecomesExactlyZeroAndGradientIsZeroed()
    {
        // Given a mask applied to a parameter whose pruned elements are not zero yet
        TrainableParameter p = Parameter("w", 6, 4);
        p.Mask = [1, 0, 1, 0, 1, 1];
        SetGradients([p], 0);

        // When Adam (which would move every element) steps with weight decay
        new Adam(weightDecay: 0.1f, decoupledWeightDecay: true).Step([p], 0.5f);

        // Then pruned elements are exactly zero, others moved
        p.Value[1].ShouldBe(0f);
        p.Value[3].ShouldBe(0f);
        p.Gradient[1].ShouldBe(0f);
        p.Value[0].ShouldNotBe(0f);
    }

    [Fact]
    public void Step_LearningRateMultiplierZero_ParameterFrozenWithoutState()
    {
        // Given a frozen parameter
        TrainableParameter p = Parameter("frozen", 5, 5);
        p.LearningRateMultiplier = 0f;
        float[] before = (float[])p.Value.Clone();
        SetGradients([p], 0);

        // When
        var sgd = new Sgd(0.9f, 0.1f);
        sgd.Step([p], 1f);

        // Then
        p.Value.ShouldBe(before);
        sgd.ExportState().ShouldBeEmpty();
    }

    [Fact]
    public void Step_NegativeLearningRate_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Sgd().Step([Parameter("w", 2, 1)], -0.1f));
        Should.Throw<ArgumentOutOfRangeException>(() => new Sgd().Step([Parameter("w", 2, 1)], float.NaN));
    }

    [Fact]
    public void Step_MaskOfWrongLength_ThrowsNamingTheParameter()
    {
        TrainableParameter p = Parameter("conv3.weight", 4, 1);
        p.Mask = [1, 0];
        Should.Throw<ArgumentException>(() => new Sgd().Step([p], 0.1f)).Message.ShouldContain("conv3.weight");
    }

    [Fact]
    public void Constructor_InvalidCoefficients_Throw()
    {
        Should.Throw<ArgumentException>(() => new Sgd(momentum: 0f, nesterov: true));
        Should.Throw<ArgumentException>(() => new Sgd(momentum: 0.9f, dampening: 0.1f, nesterov: true));
        Should.Throw<ArgumentOutOfRangeException>(() => new Sgd(momentum: -0.1f));
        Should.Throw<ArgumentOutOfRangeException>(() => new Sgd(weightDecay: float.PositiveInfinity));
        Should.Throw<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f));
        Should.Throw<ArgumentOutOfRangeException>(() => new Adam(beta2: -0.5f));
    }

    [Fact]
    public void ImportState_EntryForUnknownParameterOrWrongLength_Throws()
    {
        TrainableParameter[] ps = [Parameter("w", 3, 1)];
        var adam = new Adam();
        Should.Throw<ArgumentException>(() => adam.ImportState(new Dictionary<string, float[]> { ["x.exp_avg"] = new float[3] }, ps)).Message.ShouldContain("x.exp_avg");
        Should.Throw<ArgumentException>(() => adam.ImportState(new Dictionary<string, float[]> { ["w.exp_avg"] = new float[2] }, ps)).Message.ShouldContain("expected 3");
        Should.Throw<ArgumentException>(() => adam.ImportState(new Dictionary<string, float[]> { ["w.exp_avg"] = new float[3] }, ps)).Message.ShouldContain("w.exp_avg_sq");
    }

    private static TrainableParameter Parameter(string name, int length, int seed) =>
        new(name, ParameterKind.Weight, Tolerance.Random(length, seed));

    private static void SetGradients(IEnumerable<TrainableParameter> parameters, int seed)
    {
        int k = 0;
        foreach (TrainableParameter p in parameters)
        {
            Tolerance.Random(p.Value.Length, 500 + (seed * 7) + k++).CopyTo(p.Gradient, 0);
        }
    }
}
