using Converters.Ir;

namespace Converters.Engine.Tests;

/// <summary>Builds one-node models and runs them through <see cref="InferenceSession"/>.</summary>
internal static class OpHarness
{
    public sealed record Arg(string Name, TensorData Data, bool Constant = false);

    public static Arg In(int[] shape, int seed, float scale = 1f) => new($"x{seed}", Tensor(shape, seed, scale));

    public static Arg Const(int[] shape, int seed, float scale = 1f) => new($"c{seed}", Tensor(shape, seed, scale), true);

    public static Arg Const(int[] shape, float[] values, string name) => new(name, TensorData.Create(TensorShape.Of(shape), values), true);

    public static TensorData Tensor(int[] shape, int seed, float scale = 1f) =>
        TensorData.Create(TensorShape.Of(shape), Tolerance.Random(checked((int)TensorShape.Of(shape).ElementCount), seed, scale));

    public static Model Model(string op, Arg[] args, (string Name, AttributeValue Value)[] attributes, int outputs = 1)
    {
        var graph = new Graph { Name = op };
        foreach (Arg a in args)
        {
            if (a.Constant)
            {
                graph.AddInitializer(a.Name, a.Data);
            }
            else
            {
                graph.Inputs.Add(new ValueInfo(a.Name, DataType.Float32, a.Data.Shape));
            }
        }

        string[] outs = [.. Enumerable.Range(0, outputs).Select(i => $"y{i}")];
        var node = new Node(op, "n", args.Select(a => a.Name), outs);
        foreach ((string name, AttributeValue value) in attributes)
        {
            node.Attributes[name] = value;
        }

        graph.Add(node);
        graph.Outputs.AddRange(outs);
        return new Model(graph);
    }

    /// <summary>Runs the single node and returns every output.</summary>
    public static TensorData[] Run(string op, Arg[] args, params (string Name, AttributeValue Value)[] attributes) => RunN(op, 1, args, attributes);

    public static TensorData[] RunN(string op, int outputs, Arg[] args, params (string Name, AttributeValue Value)[] attributes)
    {
        Model model = Model(op, args, attributes, outputs);
        var session = new InferenceSession(model);
        var inputs = args.Where(a => !a.Constant).ToDictionary(a => a.Name, a => a.Data);
        IReadOnlyDictionary<string, TensorData> result = session.Run(inputs);
        return [.. model.Graph.Outputs.Select(o => result[o])];
    }

    public static float[] F(this TensorData t) => t.AsSpan<float>().ToArray();

    public static float[] F(this Arg a) => a.Data.AsSpan<float>().ToArray();
}
