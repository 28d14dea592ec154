using Converters.Engine.Training;
using Converters.Ir;

namespace Converters.Engine.Tests.Training;

public class WeightInitializerTests
{
    [Fact]
    public void InitializeZeroTensors_ZeroModel_HeNormalConvUniformGemmUnitBn()
    {
        // Given conv (64 filters, fan-in 32x3x3) → BN → Gemm (fan-in 64) with all-zero tensors, and one trained bias
        Model model = Build(convBias: [0.5f, .. new float[63]]);

        // When the zero tensors are initialised
        IReadOnlyList<string> done = WeightInitializer.InitializeZeroTensors(model, seed: 7);

        // Then the conv filters are N(0, 2/288), the Gemm weights uniform in ±sqrt(2/64), BN scale and variance 1, the rest untouched
        done.ShouldBe(["w", "g", "v", "fc"]);
        float[] w = model.Graph.Initializers["w"].AsSpan<float>().ToArray();
        double mean = w.Average(), std = Math.Sqrt(w.Select(x => (x - mean) * (x - mean)).Average());
        mean.ShouldBe(0, 0.01);
        std.ShouldBe(Math.Sqrt(2.0 / 288), 0.004);
        float[] fc = model.Graph.Initializers["fc"].AsSpan<float>().ToArray();
        fc.Max(Math.Abs).ShouldBeLessThanOrEqualTo((float)Math.Sqrt(2.0 / 64));
        fc.Max(Math.Abs).ShouldBeGreaterThan(0.9f * (float)Math.Sqrt(2.0 / 64));
        model.Graph.Initializers["g"].AsSpan<float>().ToArray().ShouldAllBe(x => x == 1f);
        model.Graph.Initializers["v"].AsSpan<float>().ToArray().ShouldAllBe(x => x == 1f);
        model.Graph.Initializers["m"].AsSpan<float>().ToArray().ShouldAllBe(x => x == 0f);
        model.Graph.Initializers["cb"].AsSpan<float>()[0].ShouldBe(0.5f);
    }

    [Fact]
    public void InitializeZeroTensors_SameSeed_SameWeights_OtherSeedDiffers()
    {
        Model a = Build(new float[64]), b = Build(new float[64]), c = Build(new float[64]);
        WeightInitializer.InitializeZeroTensors(a, 3);
        WeightInitializer.InitializeZeroTensors(b, 3);
        WeightInitializer.InitializeZeroTensors(c, 4);
        a.Graph.Initializers["w"].AsSpan<float>().SequenceEqual(b.Graph.Initializers["w"].AsSpan<float>()).ShouldBeTrue();
        a.Graph.Initializers["w"].AsSpan<float>().SequenceEqual(c.Graph.Initializers["w"].AsSpan<float>()).ShouldBeFalse();
    }

    [Fact]
    public void InitializeZeroTensors_TrainedModel_ChangesNothing()
    {
        Model model = Build(new float[64]);
        WeightInitializer.InitializeZeroTensors(model, 1);
        float[] before = model.Graph.Initializers["w"].AsSpan<float>().ToArray();
        WeightInitializer.InitializeZeroTensors(model, 2).ShouldBeEmpty();
        model.Graph.Initializers["w"].AsSpan<float>().ToArray().ShouldBe(before);
    }

    private static Model Build(float[] convBias)
    {
        var g = new Graph { Name = "m" };
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 32, 4, 4)));
        g.AddInitializer("w", TensorData.Create(TensorShape.Of(64, 32, 3, 3), new float[64 * 288]));
        g.AddInitializer("cb", TensorData.Create(TensorShape.Of(64), convBias));
        foreach (string n in new[] { "g", "b", "m", "v" })
        {
            g.AddInitializer(n, TensorData.Create(TensorShape.Of(64), new float[64]));
        }

        g.AddInitializer("fc", TensorData.Create(TensorShape.Of(10, 64), new float[640]));
        g.Add(new Node("Conv", "conv", ["x", "w", "cb"], ["c"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        g.Add(new Node("BatchNormalization", "bn", ["c", "g", "b", "m", "v"], ["y"]));
        g.Add(new Node("GlobalAveragePool", "gap", ["y"], ["p"]));
        g.Add(new Node("Flatten", "flat", ["p"], ["f"]));
        g.Add(new Node("Gemm", "fc", ["f", "fc"], ["o"]).With("transB", 1L));
        g.Outputs.Add("o");
        return new Model(g);
    }
}
