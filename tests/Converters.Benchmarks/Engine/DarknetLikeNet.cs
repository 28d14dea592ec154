using System.Text.Json;
using Converters.Ir;
using Converters.Ir.Npy;

namespace Converters.Benchmarks.Engine;

/// <summary>One layer of a Darknet-style network (the subset yolov3 and yolov3-tiny use).</summary>
public sealed record NetLayer(string Type, int Filters = 0, int Size = 0, int Stride = 1, bool BatchNorm = false, bool Leaky = false, int[]? Layers = null, bool Output = false);

/// <summary>
/// yolov3-tiny and yolov3 layer stacks (from the published cfgs, without the [yolo] heads: the
/// outputs are the raw head convolutions) with seeded random weights, built as an IR graph for us
/// and written as a JSON layer list + .npy weights from which the Python side builds the same
/// network in PyTorch (and exports it to ONNX for OpenCV's dnn).
/// </summary>
public static class DarknetLikeNet
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static IReadOnlyList<NetLayer> Tiny()
    {
        var l = new List<NetLayer>();
        int[] filters = [16, 32, 64, 128, 256, 512];
        foreach (int f in filters)
        {
            l.Add(Conv(f, 3));
            l.Add(new NetLayer("maxpool", Size: 2, Stride: f == 512 ? 1 : 2));
        }

        l.Add(Conv(1024, 3));                 // 12
        l.Add(Conv(256, 1));                  // 13
        l.Add(Conv(512, 3));                  // 14
        l.Add(Head());                        // 15 -> yolo 16
        l.Add(new NetLayer("route", Layers: [13]));   // 16 (index shifted: no yolo layer)
        l.Add(Conv(128, 1));
        l.Add(new NetLayer("upsample", Stride: 2));
        l.Add(new NetLayer("route", Layers: [18, 8]));
        l.Add(Conv(256, 3));
        l.Add(Head());
        return l;
    }

    public static IReadOnlyList<NetLayer> Yolov3()
    {
        var l = new List<NetLayer> { Conv(32, 3) };
        int[] blocks = [1, 2, 8, 8, 4];
        int f = 64;
        var stageOut = new List<int>();
        foreach (int n in blocks)
        {
            l.Add(Conv(f, 3, 2));
            for (int i = 0; i < n; i++)
            {
                l.Add(Conv(f / 2, 1));
                l.Add(Conv(f, 3));
                l.Add(new NetLayer("shortcut", Layers: [l.Count - 3]));
            }

            stageOut.Add(l.Count - 1);
            f *= 2;
        }

        int feature = l.Count - 1;
        foreach ((int width, int skip) in new[] { (512, -1), (256, stageOut[3]), (128, stageOut[2]) })
        {
            if (skip >= 0)
            {
                l.Add(new NetLayer("route", Layers: [feature]));
                l.Add(Conv(width, 1));
                l.Add(new NetLayer("upsample", Stride: 2));
                l.Add(new NetLayer("route", Layers: [l.Count - 1, skip]));
            }

            l.Add(Conv(width, 1));
            l.Add(Conv(width * 2, 3));
            l.Add(Conv(width, 1));
            l.Add(Conv(width * 2, 3));
            l.Add(Conv(width, 1));
            feature = l.Count - 1;
            l.Add(Conv(width * 2, 3));
            l.Add(Head());
        }

        return l;
    }

    private static NetLayer Conv(int filters, int size, int stride = 1) => new("conv", filters, size, stride, BatchNorm: true, Leaky: true);

    private static NetLayer Head() => new("conv", 255, 1, 1, BatchNorm: false, Leaky: false, Output: true);

    /// <summary>Builds the IR model (NCHW input 1x3xSxS) and writes spec.json + weights into <paramref name="folder"/>.</summary>
    public static Model Build(IReadOnlyList<NetLayer> layers, int size, string folder, int seed = 1)
    {
        var rng = new Random(seed);
        var graph = new Graph { Name = "darknet-like" };
        graph.Inputs.Add(new ValueInfo("data", DataType.Float32, TensorShape.Of(1, 3, size, size)));
        var names = new List<string>();
        var channels = new List<int>();
        string current = "data";
        int c = 3;
        for (int i = 0; i < layers.Count; i++)
        {
            NetLayer layer = layers[i];
            string name = $"L{i}";
            switch (layer.Type)
            {
                case "conv":
                {
                    int fanIn = c * layer.Size * layer.Size;
                    float[] w = Uniform(rng, layer.Filters * fanIn, MathF.Sqrt(3f / fanIn));
                    Save(folder, $"{name}_w", TensorShape.Of(layer.Filters, c, layer.Size, layer.Size), w);
                    var inputs = new List<string> { current, graph.AddInitializer($"{name}_w", TensorData.Create(TensorShape.Of(layer.Filters, c, layer.Size, layer.Size), w)) };
                    if (!layer.BatchNorm)
                    {
                        float[] b = Uniform(rng, layer.Filters, 0.1f);
                        Save(folder, $"{name}_b", TensorShape.Of(layer.Filters), b);
                        inputs.Add(graph.AddInitializer($"{name}_b", TensorData.Create(TensorShape.Of(layer.Filters), b)));
                    }

                    int p = layer.Size / 2;
                    graph.Add(new Node("Conv", name + "_conv", inputs, [layer.BatchNorm || layer.Leaky ? name + "_conv" : name])
                        .With("strides", AttributeValue.FromInts(layer.Stride, layer.Stride))
                        .With("pads", AttributeValue.FromInts(p, p, p, p)));
                    string last = name + "_conv";
                    if (layer.BatchNorm)
                    {
                        string[] bn = ["scale", "bias", "mean", "var"];
                        float[][] v =
                        [
                            [.. Uniform(rng, layer.Filters, 0.1f).Select(x => 1 + x)],
                            Uniform(rng, layer.Filters, 0.1f),
                            Uniform(rng, layer.Filters, 0.1f),
                            [.. Uniform(rng, layer.Filters, 0.5f).Select(x => 1 + Math.Abs(x))],
                        ];
                        var bnInputs = new List<string> { last };
                        for (int k = 0; k < 4; k++)
                        {
                            Save(folder, $"{name}_{bn[k]}", TensorShape.Of(layer.Filters), v[k]);
                            bnInputs.Add(graph.AddInitializer($"{name}_{bn[k]}", TensorData.Create(TensorShape.Of(layer.Filters), v[k])));
                        }

                        graph.Add(new Node("BatchNormalization", name + "_bn", bnInputs, [layer.Leaky ? name + "_bn" : name]).With("epsilon", 1e-5));
                        last = name + "_bn";
                    }

                    if (layer.Leaky)
                    {
                        graph.Add(new Node("LeakyRelu", name + "_act", [last], [name]).With("alpha", 0.1));
                    }

                    c = layer.Filters;
                    break;
                }

                case "maxpool":
                {
                    int pad = layer.Size - 1;
                    graph.Add(new Node("MaxPool", name, [current], [name])
                        .With("kernel_shape", AttributeValue.FromInts(layer.Size, layer.Size))
                        .With("strides", AttributeValue.FromInts(layer.Stride, layer.Stride))
                        .With("pads", AttributeValue.FromInts(pad / 2, pad / 2, pad - (pad / 2), pad - (pad / 2))));
                    break;
                }

                case "upsample":
                    graph.Add(new Node("Upsample", name, [current], [name]).With("scales", AttributeValue.FromInts(layer.Stride, layer.Stride)));
                    break;
                case "route":
                    if (layer.Layers!.Length == 1)
                    {
                        graph.Add(new Node("Identity", name, [names[layer.Layers[0]]], [name]));
                    }
                    else
                    {
                        graph.Add(new Node("Concat", name, layer.Layers.Select(j => names[j]), [name]).With("axis", 1L));
                    }

                    c = layer.Layers.Sum(j => channels[j]);
                    break;
                case "shortcut":
                    graph.Add(new Node("Shortcut", name, [current, names[layer.Layers![0]]], [name]));
                    break;
                default:
                    throw new InvalidOperationException(layer.Type);
            }

            names.Add(name);
            channels.Add(c);
            current = name;
            if (layer.Output)
            {
                graph.Outputs.Add(name);
            }
        }

        File.WriteAllText(Path.Combine(folder, "spec.json"), JsonSerializer.Serialize(new { size, layers }, s_json));
        return new Model(graph);
    }

    private static float[] Uniform(Random rng, int n, float scale)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2) - 1) * scale;
        }

        return a;
    }

    private static void Save(string folder, string name, TensorShape shape, float[] data) =>
        NpyWriter.Write(Path.Combine(folder, name + ".npy"), TensorData.Create(shape, data));
}
