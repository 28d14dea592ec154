using System.Text;
using Converters.Engine.Training;
using Converters.Ir;

namespace Converters.Engine.Tests.Training;

/// <summary>
/// Finite-difference gradient check of the training engine against a float64 reference forward
/// written independently in the test. <see cref="Run"/> (a) compares our float32 forward with the
/// reference, (b) seeds a random projection R at every output and runs our backward with input
/// gradients on, and (c) compares the gradient of every graph input and trainable parameter with
/// central differences of Σ R·reference(x) in double.
/// </summary>
/// <remarks>
/// The reference receives the float32 values as doubles, in this order: the graph inputs (in
/// <see cref="Graph.Inputs"/> order), then every float32 initializer (in
/// <see cref="Graph.Initializers"/> order). It returns every graph output concatenated in
/// <see cref="Graph.Outputs"/> order. Inputs are filled with <see cref="Grid"/> values (distinct,
/// evenly spaced, shuffled, none near 0), so ReLU kinks and max-pool ties are avoided by construction.
/// </remarks>
internal static class GradientCheck
{
    /// <summary>One input of a one-node test model: a graph input, or an initializer (a parameter when its role is Weight or Bias).</summary>
    public sealed record Arg(string Name, int[] Shape, bool Initializer = false, float[]? Values = null, DataType Type = DataType.Float32);

    /// <summary>Settings of one check.</summary>
    public sealed record Options
    {
        /// <summary>Seeds the input values and the projection R.</summary>
        public int Seed { get; init; } = 1;

        /// <summary>Relative max error allowed between our forward and the reference.</summary>
        public double ForwardTolerance { get; init; } = 1e-5;

        /// <summary>Relative max error allowed between our gradients and the finite differences.</summary>
        public double GradientTolerance { get; init; } = 1e-4;

        /// <summary>Training mode of the session (dropout, BN batch statistics).</summary>
        public bool Training { get; init; } = true;

        /// <summary>Threads the kernels may use.</summary>
        public int MaxThreads { get; init; } = 1;

        /// <summary>Half-width of the <see cref="Grid"/> the graph inputs are drawn from.</summary>
        public float InputScale { get; init; } = 1f;

        /// <summary>Offset added to the graph inputs' grid (e.g. to keep a divisor or a power's base positive).</summary>
        public float InputOffset { get; init; }

        /// <summary>Explicit values for some graph inputs, by name.</summary>
        public IReadOnlyDictionary<string, float[]>? Values { get; init; }
    }

    /// <summary>The worst errors found by a check (it has already asserted them).</summary>
    public sealed record Report(double ForwardError, IReadOnlyDictionary<string, double> GradientErrors)
    {
        public override string ToString()
        {
            var text = new StringBuilder($"forward {ForwardError:E2}");
            foreach ((string name, double error) in GradientErrors)
            {
                text.Append($", d{name} {error:E2}");
            }

            return text.ToString();
        }
    }

    /// <summary>
    /// <paramref name="n"/> distinct values (k + 0.75) / n * 2 - 1 for k = 0..n-1 (all in (-1, 1)), times
    /// <paramref name="scale"/>, shuffled with <paramref name="seed"/>, plus <paramref name="offset"/>:
    /// no two closer than 2 scale / n and none closer to the offset than scale / (2 n).
    /// </summary>
    public static float[] Grid(int n, int seed, float scale = 1f, float offset = 0f)
    {
        var values = new float[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = (float)(((((k + 0.75) / n) * 2) - 1) * scale) + offset;
        }

        new Random(seed).Shuffle(values);
        return values;
    }

    /// <summary>A model of one node <paramref name="op"/> reading <paramref name="args"/> (in order) and writing <paramref name="outputs"/> outputs y0, y1, ….</summary>
    public static Model OneNode(string op, Arg[] args, (string Name, AttributeValue Value)[] attributes, int outputs = 1, int seed = 1)
    {
        var graph = new Graph { Name = op };
        for (int i = 0; i < args.Length; i++)
        {
            Arg a = args[i];
            if (a.Name.Length == 0)
            {
                continue;
            }

            if (!a.Initializer)
            {
                graph.Inputs.Add(new ValueInfo(a.Name, a.Type, TensorShape.Of(a.Shape)));
                continue;
            }

            int n = checked((int)TensorShape.Of(a.Shape).ElementCount);
            graph.AddInitializer(a.Name, a.Type == DataType.Int64
                ? TensorData.Create(TensorShape.Of(a.Shape), (a.Values ?? []).Select(v => (long)v).ToArray())
                : TensorData.Create(TensorShape.Of(a.Shape), a.Values ?? Grid(n, (seed * 7919) + i, 0.5f)));
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

    /// <summary>Runs the check; fails (Shouldly) naming the tensor, the worst element and its error.</summary>
    public static Report Run(Model model, Func<double[][], double[]> reference, Options? options = null)
    {
        options ??= new Options();
        var session = new TrainingSession(model, new TrainingSessionOptions { InputGradients = true, MaxThreads = options.MaxThreads, Seed = (ulong)options.Seed });
        session.Training = options.Training;
        Graph graph = session.Graph;

        // The reference's arguments: graph inputs, then float initializers.
        var names = new List<string>();
        var args = new List<double[]>();
        var floats = new List<float[]>();
        for (int i = 0; i < graph.Inputs.Count; i++)
        {
            ValueInfo input = graph.Inputs[i];
            int n = checked((int)input.Shape.ElementCount);
            float[] values = options.Values?.GetValueOrDefault(input.Name) ?? Grid(n, (options.Seed * 104729) + i, options.InputScale, options.InputOffset);
            values.Length.ShouldBe(n, $"values given for input '{input.Name}'");
            values.CopyTo(session.Input(input.Name));
            names.Add(input.Name);
            floats.Add(values);
        }

        foreach ((string name, TensorData tensor) in graph.Initializers)
        {
            if (tensor.DataType == DataType.Float32)
            {
                names.Add(name);
                floats.Add(tensor.AsSpan<float>().ToArray());
            }
        }

        args.AddRange(floats.Select(f => f.Select(v => (double)v).ToArray()));

        // (a) forward.
        session.Forward();
        double[] expected = reference([.. args.Select(a => (double[])a.Clone())]);
        float[] actual = [.. graph.Outputs.SelectMany(o => session.Value(o).ToArray())];
        actual.Length.ShouldBe(expected.Length, "the reference returns every output concatenated");
        (double forwardError, int forwardAt) = RelativeError(actual, expected, 1e-6);
        forwardError.ShouldBeLessThanOrEqualTo(options.ForwardTolerance, $"forward: relative error {forwardError:E3} at output element {forwardAt} (ours {(forwardAt >= 0 ? actual[forwardAt] : 0)}, reference {(forwardAt >= 0 ? expected[forwardAt] : 0)})");

        // (b) backward from a random projection R.
        float[] r = Grid(expected.Length, (options.Seed * 31) + 5);
        var seeds = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int offset = 0;
        foreach (string output in graph.Outputs)
        {
            int n = session.Value(output).Length;
            if (session.HasGradient(output))
            {
                seeds[output] = r[offset..(offset + n)];
            }
            else
            {
                Array.Clear(r, offset, n);
            }

            offset += n;
        }

        session.Backward(seeds);

        // (c) central differences of Σ R·ref(x) for every differentiated input and parameter.
        var ours = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (ValueInfo input in graph.Inputs.Where(i => session.HasGradient(i.Name)))
        {
            ours[input.Name] = session.Gradient(input.Name).ToArray();
        }

        foreach (TrainableParameter p in session.Parameters)
        {
            ours[p.Name] = (float[])p.Gradient.Clone();
        }

        ours.Count.ShouldBeGreaterThan(0, "nothing to differentiate: the model has no graph input and no trainable parameter");
        var numeric = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string name in ours.Keys)
        {
            int a = names.IndexOf(name);
            double[] x = args[a];
            var g = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                double saved = x[i];
                double h = 1e-6 * Math.Max(1, Math.Abs(saved));
                x[i] = saved + h;
                double plus = Project(r, reference(Copy(args)));
                x[i] = saved - h;
                double minus = Project(r, reference(Copy(args)));
                x[i] = saved;
                g[i] = (plus - minus) / (2 * h);
            }

            numeric[name] = g;
        }

        // Gradients that are 0 by the maths are compared at 1 % of the largest gradient of the model.
        double floor = Math.Max(1e-6, 1e-2 * numeric.Values.SelectMany(g => g).Select(Math.Abs).DefaultIfEmpty(0).Max());
        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach ((string name, float[] gradient) in ours)
        {
            double[] g = numeric[name];
            (double error, int at) = RelativeError(gradient, g, floor);
            errors[name] = error;
            error.ShouldBeLessThanOrEqualTo(options.GradientTolerance, $"d{name}: relative error {error:E3} at element {at} (ours {(at >= 0 ? gradient[at] : 0)}, finite difference {(at >= 0 ? g[at] : 0)})");
        }

        return new Report(forwardError, errors);
    }

    private static double[][] Copy(List<double[]> args) => [.. args.Select(a => (double[])a.Clone())];

    private static double Project(float[] r, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sum += r[i] * y[i];
        }

        return sum;
    }

    /// <summary>max|a − e| / max(max|e|, floor) and the index of the worst element (−1 when all agree).</summary>
    private static (double Error, int At) RelativeError(float[] actual, double[] expected, double floor)
    {
        double worst = 0, scale = floor;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]) || float.IsNaN(actual[i]))
            {
                return (double.PositiveInfinity, i);
            }

            scale = Math.Max(scale, Math.Abs(expected[i]));
            double d = Math.Abs(actual[i] - expected[i]);
            if (d > worst)
            {
                worst = d;
                at = i;
            }
        }

        return (worst / scale, at);
    }
}
