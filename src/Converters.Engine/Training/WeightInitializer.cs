using Converters.Engine.Data;
using Converters.Ir;

namespace Converters.Engine.Training;

/// <summary>
/// Seeded random initialisation for a model whose files carry no weights (a Darknet <c>.cfg</c>
/// alone, a prototxt without a caffemodel). Only tensors that are entirely zero are touched, so a
/// model with trained weights is never changed:
/// <list type="bullet">
/// <item>Conv/ConvTranspose filters: normal with standard deviation sqrt(2 / fan-in) (He; what
/// Darknet's convolutional layer draws);</item>
/// <item>Gemm weights: uniform in ±sqrt(2 / fan-in) (Darknet's connected layer);</item>
/// <item>BatchNormalization and Scale scales: 1; BN running variance: 1; biases and means stay 0.</item>
/// </list>
/// The same seed gives the same weights on every machine.
/// </summary>
public static class WeightInitializer
{
    /// <summary>Initialises the all-zero trainable tensors of <paramref name="model"/> in place; returns their names.</summary>
    public static IReadOnlyList<string> InitializeZeroTensors(Model model, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        Graph graph = model.Graph;
        var done = new List<string>();
        var random = new SplitMix64(seed);
        foreach (Node node in graph.Nodes)
        {
            switch (node.OpType)
            {
                case "Conv" or "ConvTranspose" when Zero(graph, node, 1, out float[] w):
                {
                    TensorShape shape = graph.Initializers[node.Inputs[1]].Shape;
                    long fanIn = node.OpType == "Conv" ? shape.ElementCount / shape[0] : shape.ElementCount / shape[1];
                    double std = Math.Sqrt(2.0 / Math.Max(1, fanIn));
                    for (int i = 0; i < w.Length; i++)
                    {
                        w[i] = (float)(std * Normal(ref random));
                    }

                    Replace(graph, node.Inputs[1], w, done);
                    break;
                }

                case "Gemm" when Zero(graph, node, 1, out float[] w):
                {
                    TensorShape shape = graph.Initializers[node.Inputs[1]].Shape;
                    bool transB = node.Attributes.TryGetValue("transB", out AttributeValue? t) && t.AsInt() != 0;
                    int fanIn = transB ? shape[1] : shape[0];
                    float scale = (float)Math.Sqrt(2.0 / Math.Max(1, fanIn));
                    for (int i = 0; i < w.Length; i++)
                    {
                        w[i] = scale * ((2 * random.NextFloat()) - 1);
                    }

                    Replace(graph, node.Inputs[1], w, done);
                    break;
                }

                case "BatchNormalization" or "Scale":
                {
                    if (Zero(graph, node, 1, out float[] scale))
                    {
                        Array.Fill(scale, 1f);
                        Replace(graph, node.Inputs[1], scale, done);
                    }

                    if (node.OpType == "BatchNormalization" && Zero(graph, node, 4, out float[] variance))
                    {
                        Array.Fill(variance, 1f);
                        Replace(graph, node.Inputs[4], variance, done);
                    }

                    break;
                }
            }
        }

        return done;
    }

    private static bool Zero(Graph graph, Node node, int input, out float[] values)
    {
        values = [];
        if (input >= node.Inputs.Count || !graph.Initializers.TryGetValue(node.Inputs[input], out TensorData? tensor) || tensor.DataType != DataType.Float32)
        {
            return false;
        }

        ReadOnlySpan<float> data = tensor.AsSpan<float>();
        if (data.IsEmpty || data.ContainsAnyExcept(0f))
        {
            return false;
        }

        values = new float[data.Length];
        return true;
    }

    private static void Replace(Graph graph, string name, float[] values, List<string> done)
    {
        graph.Initializers[name] = TensorData.Create(graph.Initializers[name].Shape, values);
        done.Add(name);
    }

    /// <summary>A standard normal draw (Box–Muller on two 53-bit uniforms, the first in (0, 1]).</summary>
    private static double Normal(ref SplitMix64 random)
    {
        const double Scale = 1.0 / (1UL << 53);
        double u1 = ((random.Next() >> 11) + 1) * Scale;
        double u2 = (random.Next() >> 11) * Scale;
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
