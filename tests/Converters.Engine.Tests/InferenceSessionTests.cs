using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Tests;

public class InferenceSessionTests
{
    /// <summary>x -> conv -> relu -> (conv -> sigmoid) x 4 -> gap: 10 values of 16x32x32 in a chain.</summary>
    private static Model Chain(int batch = 1)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(batch, 16, 32, 32)));
        string cur = "x";
        for (int i = 0; i < 5; i++)
        {
            g.AddInitializer($"w{i}", OpHarness.Tensor([16, 16, 3, 3], 100 + i, 0.1f));
            g.Add(new Node("Conv", $"c{i}", [cur, $"w{i}"], [$"c{i}"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
            g.Add(new Node(i == 0 ? "Relu" : "Sigmoid", $"a{i}", [$"c{i}"], [$"a{i}"]));
            cur = $"a{i}";
        }

        g.Add(new Node("GlobalAveragePool", "gap", [cur], ["gap"]));
        g.Outputs.Add("gap");
        return new Model(g);
    }

    private static Dictionary<string, TensorData> Input(int batch, int seed = 1) => new() { ["x"] = OpHarness.Tensor([batch, 16, 32, 32], seed) };

    [Fact]
    public void MemoryPlan_ReusesBuffersAcrossTheChain()
    {
        var session = new InferenceSession(Chain());
        long one = 16 * 32 * 32 * sizeof(float);
        session.ArenaBytes.ShouldBeLessThanOrEqualTo(3 * one + 64 * sizeof(float));
    }

    [Fact]
    public void Run_IsRepeatableAndDoesNotAllocateIntermediates()
    {
        // One thread, so every kernel runs on this thread and its allocations are counted exactly,
        // whatever other tests allocate in parallel.
        var session = new InferenceSession(Chain(), new InferenceSessionOptions { MaxThreads = 1 });
        Dictionary<string, TensorData> input = Input(1);
        float[] first = session.Run(input)["gap"].AsSpan<float>().ToArray();
        session.Run(input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        float[] again = session.Run(input)["gap"].AsSpan<float>().ToArray();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        again.ShouldBe(first);
        allocated.ShouldBeLessThan(16 * 32 * 32 * sizeof(float), "one intermediate's worth");
    }

    [Fact]
    public void Run_ReturnsIntermediatesByName_KeptAliveInThePlan()
    {
        Model model = Chain();
        var session = new InferenceSession(model);
        Dictionary<string, TensorData> input = Input(1);
        IReadOnlyDictionary<string, TensorData> r = session.Run(input, ["a0", "c2", "gap", "w1"]);
        r["a0"].Shape.ShouldBe(TensorShape.Of(1, 16, 32, 32));
        r["w1"].ContentEquals(model.Graph.Initializers["w1"]).ShouldBeTrue();

        // a0 = relu(c0), computed independently from the input and w0.
        var conv = new Kernels.Convolution(new Kernels.ConvParameters(16, 16, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1), model.Graph.Initializers["w0"].AsSpan<float>(), []);
        var c0 = new float[16 * 32 * 32];
        conv.Forward(input["x"].AsSpan<float>(), 1, 32, 32, c0, 1);
        r["a0"].AsSpan<float>().ToArray().ShouldBe([.. c0.Select(v => Math.Max(v, 0f))]);
        r["gap"].AsSpan<float>().ToArray().ShouldBe(session.Run(input)["gap"].AsSpan<float>().ToArray());
    }

    [Fact]
    public void Run_AnotherBatchSize_RebuildsThePlan()
    {
        var session = new InferenceSession(Chain());
        TensorData x3 = OpHarness.Tensor([3, 16, 32, 32], 7);
        float[] all = session.Run(new Dictionary<string, TensorData> { ["x"] = x3 })["gap"].AsSpan<float>().ToArray();
        all.Length.ShouldBe(3 * 16);
        for (int b = 0; b < 3; b++)
        {
            var one = TensorData.Create(TensorShape.Of(1, 16, 32, 32), x3.AsSpan<float>().Slice(b * 16384, 16384).ToArray());
            float[] single = session.Run(new Dictionary<string, TensorData> { ["x"] = one })["gap"].AsSpan<float>().ToArray();
            Tolerance.ShouldMatch(all.AsSpan(b * 16, 16), single, 1e-6, $"batch item {b}");
        }
    }

    [Fact]
    public void Run_BadInputs_ThrowInputFormatException()
    {
        var session = new InferenceSession(Chain());
        Should.Throw<InputFormatException>(() => session.Run(new Dictionary<string, TensorData> { ["x"] = OpHarness.Tensor([1, 16, 32, 31], 1) })).Message.ShouldContain("1x16x32x31");
        Should.Throw<InputFormatException>(() => session.Run(new Dictionary<string, TensorData>())).Message.ShouldContain("missing input 'x'");
        Should.Throw<InputFormatException>(() => session.Run(new Dictionary<string, TensorData> { ["x"] = TensorData.Zeros(DataType.Int32, TensorShape.Of(1, 16, 32, 32)) })).Message.ShouldContain("int32");
        Should.Throw<InputFormatException>(() => session.Run(Input(1), ["nope"])).Message.ShouldContain("'nope'");
        Should.Throw<InputFormatException>(() => session.Run(new Dictionary<string, TensorData> { ["x"] = OpHarness.Tensor([1, 16, 32, 32], 1), ["y"] = OpHarness.Tensor([1], 1) }));
    }

    [Fact]
    public void Build_ComputedWeights_AreRefusedWithTheNode()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 2, 4, 4)));
        g.Inputs.Add(new ValueInfo("w", DataType.Float32, TensorShape.Of(2, 2, 1, 1)));
        g.Add(new Node("Conv", "c", ["x", "w"], ["y"]));
        g.Outputs.Add("y");
        Should.Throw<IrValidationException>(() => new InferenceSession(new Model(g))).Message.ShouldContain("Conv 'c'");
    }

    [Theory]
    [InlineData("LeakyRelu", "variance", 1)]
    [InlineData("Relu", "stddev", 1)]
    [InlineData("LeakyRelu", "variance", 4)]
    [InlineData("Sigmoid", "stddev", 1)]
    public void ConvBatchNormActivation_FusedEqualsUnfused(string activation, string epsilonMode, int group)
    {
        // Given conv -> bn -> act; asking for the intermediates disables the fusion
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(2, 8, 9, 9)));
        g.AddInitializer("w", OpHarness.Tensor([12, 8 / group, 3, 3], 1, 0.3f));
        g.AddInitializer("b", OpHarness.Tensor([12], 2));
        g.AddInitializer("s", OpHarness.Tensor([12], 3));
        g.AddInitializer("B", OpHarness.Tensor([12], 4));
        g.AddInitializer("m", OpHarness.Tensor([12], 5));
        g.AddInitializer("v", TensorData.Create(TensorShape.Of(12), [.. OpHarness.Tensor([12], 6).AsSpan<float>().ToArray().Select(f => 0.5f + Math.Abs(f))]));
        g.Add(new Node("Conv", "c", ["x", "w", "b"], ["c"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)).With("group", (long)group));
        g.Add(new Node("BatchNormalization", "bn", ["c", "s", "B", "m", "v"], ["bn"]).With("epsilon_mode", epsilonMode));
        var act = new Node(activation, "act", ["bn"], ["y"]);
        if (activation == "LeakyRelu")
        {
            act.With("alpha", 0.1);
        }

        g.Add(act);
        g.Outputs.Add("y");
        var session = new InferenceSession(new Model(g));
        Dictionary<string, TensorData> input = new() { ["x"] = OpHarness.Tensor([2, 8, 9, 9], 7) };

        // When
        float[] fused = session.Run(input)["y"].AsSpan<float>().ToArray();
        float[] unfused = session.Run(input, ["c", "bn", "y"])["y"].AsSpan<float>().ToArray();

        // Then
        Tolerance.ShouldMatch(fused, unfused, 1e-5, $"{activation}/{epsilonMode}/group {group}");
    }
}
