using Converters.Engine.Data;
using Converters.Engine.Training;
using Converters.Engine.Training.Optimizers;
using Converters.Engine.Training.Schedules;
using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void RunEpoch_SameSeedAndThreads_BitIdenticalWeights()
    {
        // Given two trainers with the same seed, data and thread count
        IDataset data = DatasetSpec.Open("synthetic:shapes?classes=3&size=12&n=96&seed=2");
        Trainer a = Create(data, seed: 5, threads: 2), b = Create(data, seed: 5, threads: 2), c = Create(data, seed: 6, threads: 2);

        // When each runs two epochs
        for (int e = 1; e <= 2; e++)
        {
            a.RunEpoch(e);
            b.RunEpoch(e);
            c.RunEpoch(e);
        }

        // Then the first two agree bit for bit (weights and BN statistics); another seed shuffles differently
        Model ma = a.ToModel(), mb = b.ToModel(), mc = c.ToModel();
        foreach (string name in ma.Graph.Initializers.Keys)
        {
            ma.Graph.Initializers[name].AsSpan<float>().SequenceEqual(mb.Graph.Initializers[name].AsSpan<float>()).ShouldBeTrue(name);
        }

        ma.Graph.Initializers["w1"].AsSpan<float>().SequenceEqual(mc.Graph.Initializers["w1"].AsSpan<float>()).ShouldBeFalse();
    }

    [Fact]
    public void RunEpoch_MaskedWeights_StayExactlyZero()
    {
        // Given a trainer whose first conv has half its filters pruned by a mask
        IDataset data = DatasetSpec.Open("synthetic:shapes?classes=3&size=12&n=96&seed=2");
        Trainer trainer = Create(data, seed: 1, threads: 2);
        TrainableParameter w = trainer.Session.Parameters.Single(p => p.Name == "w1");
        float[] mask = [.. Enumerable.Range(0, w.Value.Length).Select(i => i < w.Value.Length / 2 ? 0f : 1f)];
        for (int i = 0; i < mask.Length; i++)
        {
            w.Value[i] *= mask[i];
        }

        w.Mask = mask;

        // When it trains
        trainer.RunEpoch(1);

        // Then the masked half is still exactly zero and the rest moved
        w.Value.AsSpan(0, mask.Length / 2).ContainsAnyExcept(0f).ShouldBeFalse();
        trainer.ToModel().Graph.Initializers["w1"].AsSpan<float>()[(mask.Length / 2)..].ContainsAnyExcept(0f).ShouldBeTrue();
    }

    [Fact]
    public void Constructor_ClassCountMismatch_ThrowsNamingBoth()
    {
        IDataset data = DatasetSpec.Open("synthetic:shapes?classes=4&size=12&n=96");
        InputFormatException e = Should.Throw<InputFormatException>(() => Create(data, 1, 1));
        e.Message.ShouldContain("3 classes, the dataset has 4");
        e.FieldPath.ShouldBe("--data");
    }

    [Fact]
    public void Constructor_WrongImageSize_ThrowsNamingBoth()
    {
        IDataset data = DatasetSpec.Open("synthetic:shapes?classes=3&size=16&n=96");
        Should.Throw<InputFormatException>(() => Create(data, 1, 1)).Message.ShouldContain("the model takes 3x12x12 images, the dataset gives 3x16x16");
    }

    private static Trainer Create(IDataset data, ulong seed, int threads)
    {
        var g = new Graph { Name = "t" };
        g.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 3, 12, 12)));
        g.AddInitializer("w1", TensorData.Create(TensorShape.Of(6, 3, 3, 3), new float[162]));
        g.AddInitializer("g1", TensorData.Create(TensorShape.Of(6), new float[6]));
        g.AddInitializer("b1", TensorData.Create(TensorShape.Of(6), new float[6]));
        g.AddInitializer("m1", TensorData.Create(TensorShape.Of(6), new float[6]));
        g.AddInitializer("v1", TensorData.Create(TensorShape.Of(6), new float[6]));
        g.AddInitializer("fw", TensorData.Create(TensorShape.Of(3, 6), new float[18]));
        g.AddInitializer("fb", TensorData.Create(TensorShape.Of(3), new float[3]));
        g.Add(new Node("Conv", "conv", ["x", "w1"], ["c"]).With("pads", AttributeValue.FromInts(1, 1, 1, 1)));
        g.Add(new Node("BatchNormalization", "bn", ["c", "g1", "b1", "m1", "v1"], ["n"]));
        g.Add(new Node("Relu", "relu", ["n"], ["r"]));
        g.Add(new Node("MaxPool", "pool", ["r"], ["p"]).With("kernel_shape", AttributeValue.FromInts(2, 2)).With("strides", AttributeValue.FromInts(2, 2)));
        g.Add(new Node("GlobalAveragePool", "gap", ["p"], ["a"]));
        g.Add(new Node("Flatten", "flat", ["a"], ["f"]));
        g.Add(new Node("Gemm", "fc", ["f", "fw", "fb"], ["logits"]).With("transB", 1L));
        g.Add(new Node("Softmax", "prob", ["logits"], ["prob"]));
        g.Outputs.Add("prob");
        var model = new Model(g);
        WeightInitializer.InitializeZeroTensors(model, 3);
        return new Trainer(model, data, null, new Sgd(0.9f, 5e-4f), new ConstantSchedule(0.05f), new TrainerOptions { Batch = 16, MaxThreads = threads, Seed = seed });
    }
}
