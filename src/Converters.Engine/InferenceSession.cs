using Converters.Engine.Execution;
using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine;

/// <summary>Options of an <see cref="InferenceSession"/>.</summary>
public sealed record InferenceSessionOptions
{
    /// <summary>Threads the convolution and GEMM kernels may use; default: all cores.</summary>
    public int MaxThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>Intermediate values to keep readable after every run (besides the graph outputs).</summary>
    public IReadOnlyCollection<string> KeepAlive { get; init; } = [];
}

/// <summary>
/// Runs a <see cref="Model"/> forward in float32. Built once: shape inference, kernel compilation
/// (weights packed for the GEMM) and a memory plan in which values whose lifetimes do not overlap
/// share buffers. <see cref="Run"/> allocates nothing for intermediates after the first call for a
/// given batch size and set of requested values; another batch size or an intermediate not yet kept
/// alive builds (and caches) another plan. Runs are serialised: one session runs one forward at a time.
/// </summary>
public sealed class InferenceSession
{
    private readonly Model _model;
    private readonly InferenceSessionOptions _options;
    private readonly Dictionary<string, Plan> _plans = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Plan _default;

    /// <summary>Builds the session for the model's own input shapes.</summary>
    /// <exception cref="IrValidationException">The graph is inconsistent or uses an op or type the engine cannot run.</exception>
    public InferenceSession(Model model, InferenceSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new InferenceSessionOptions();
        if (_options.MaxThreads <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxThreads must be positive.");
        }

        _default = GetPlan(batch: null, _options.KeepAlive);
    }

    /// <summary>The graph inputs (names, types and shapes at the model's batch).</summary>
    public IReadOnlyList<ValueInfo> Inputs => _default.Graph.Inputs;

    /// <summary>The graph output names, in order.</summary>
    public IReadOnlyList<string> Outputs => _model.Graph.Outputs;

    /// <summary>Bytes of the intermediate buffers of the default plan.</summary>
    public long ArenaBytes => _default.ArenaBytes;

    /// <summary>The inferred shape of <paramref name="valueName"/> at the model's batch, or null.</summary>
    public TensorShape? ShapeOf(string valueName) => _default.Graph.FindValue(valueName)?.Shape;

    /// <summary>
    /// Runs the graph on <paramref name="inputs"/> (every graph input, float32, the model's shape
    /// or another batch size) and returns <paramref name="outputs"/> (default: the graph outputs)
    /// as fresh tensors, in the order asked.
    /// </summary>
    /// <exception cref="InputFormatException">An input is missing, unknown, not float32, or of the wrong shape; or an output name is unknown.</exception>
    public IReadOnlyDictionary<string, TensorData> Run(IReadOnlyDictionary<string, TensorData> inputs, IEnumerable<string>? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        string[] wanted = outputs is null ? [.. _model.Graph.Outputs] : [.. outputs];
        int? batch = CheckInputs(inputs);
        foreach (string name in wanted)
        {
            if (_default.Graph.FindValue(name) is null)
            {
                throw new InputFormatException($"unknown value '{name}': the graph has no input, initializer or node output of that name") { FieldPath = "outputs" };
            }
        }

        lock (_gate)
        {
            string[] extra = [.. wanted.Where(w => !_model.Graph.Outputs.Contains(w) && !_options.KeepAlive.Contains(w))];
            Plan plan = extra.Length == 0 && batch is null ? _default : GetPlan(batch, [.. _options.KeepAlive, .. extra]);
            float[][] values = plan.Values;
            for (int i = 0; i < plan.InputIds.Length; i++)
            {
                ValueInfo info = plan.Graph.Inputs[i];
                inputs[info.Name].AsSpan<float>().CopyTo(values[plan.InputIds[i]]);
            }

            foreach (OpKernel kernel in plan.Kernels)
            {
                kernel.Run(values);
            }

            var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
            foreach (string name in wanted)
            {
                TensorShape shape = plan.Graph.FindValue(name)!.Shape;
                int n = checked((int)shape.ElementCount);
                float[] data = plan.Index.TryGetValue(name, out int id)
                    ? values[id].AsSpan(0, n).ToArray()
                    : plan.Graph.Initializers[name].AsSpan<float>().ToArray();
                result[name] = TensorData.Create(shape, data);
            }

            return result;
        }
    }

    /// <summary>
    /// Checks the inputs; returns the batch size when it differs from the model's. The batch is
    /// dimension 0 of the first input; every input whose model dimension 0 equals the model's batch
    /// takes the new batch, the others must match their shapes exactly.
    /// </summary>
    private int? CheckInputs(IReadOnlyDictionary<string, TensorData> inputs)
    {
        foreach (string name in inputs.Keys)
        {
            if (!_default.Graph.Inputs.Any(i => i.Name == name))
            {
                throw new InputFormatException($"unknown input '{name}'; the model's inputs are {string.Join(", ", _default.Graph.Inputs.Select(i => $"'{i.Name}' {i.Shape}"))}") { FieldPath = "inputs" };
            }
        }

        int modelBatch = _default.Graph.Inputs.Count > 0 && _default.Graph.Inputs[0].Shape.Rank > 0 ? _default.Graph.Inputs[0].Shape[0] : -1;
        int? batch = null;
        foreach (ValueInfo info in _default.Graph.Inputs)
        {
            if (!inputs.TryGetValue(info.Name, out TensorData? tensor))
            {
                throw new InputFormatException($"missing input '{info.Name}' (float32 {info.Shape})") { FieldPath = $"inputs['{info.Name}']" };
            }

            if (tensor.DataType != DataType.Float32)
            {
                throw new InputFormatException($"input '{info.Name}' is {DataTypeInfo.Name(tensor.DataType)}, the model takes float32") { FieldPath = $"inputs['{info.Name}']" };
            }

            TensorShape expected = info.Shape;
            TensorShape got = tensor.Shape;
            bool batched = expected.Rank > 0 && expected[0] == modelBatch;
            bool ok = got.Rank == expected.Rank
                && Enumerable.Range(batched ? 1 : 0, Math.Max(0, got.Rank - (batched ? 1 : 0))).All(d => got[d] == expected[d])
                && (!batched || (got[0] > 0 && (batch is null || got[0] == batch)));
            if (!ok)
            {
                throw new InputFormatException($"input '{info.Name}' has shape {got}, the model takes {expected} (only the batch, dimension 0, may differ)") { FieldPath = $"inputs['{info.Name}']" };
            }

            if (batched)
            {
                batch = got[0];
            }
        }

        return batch is null || batch == modelBatch ? null : batch;
    }

    private Plan GetPlan(int? batch, IReadOnlyCollection<string> keep)
    {
        string key = $"{batch}|{string.Join('\u0001', keep.Order(StringComparer.Ordinal))}";
        if (_plans.TryGetValue(key, out Plan? plan))
        {
            return plan;
        }

        Graph source = _model.Graph;
        var graph = new Graph { Name = source.Name };
        int modelBatch = source.Inputs.Count > 0 && source.Inputs[0].Shape.Rank > 0 ? source.Inputs[0].Shape[0] : -1;
        foreach (ValueInfo input in source.Inputs)
        {
            bool batched = input.Shape.Rank > 0 && input.Shape[0] == modelBatch;
            graph.Inputs.Add(batch is int b && batched ? input with { Shape = input.Shape.With(0, b) } : input);
        }

        graph.Outputs.AddRange(source.Outputs);
        graph.Nodes.AddRange(source.Nodes);
        foreach ((string name, TensorData tensor) in source.Initializers)
        {
            graph.Initializers.Add(name, tensor);
        }

        try
        {
            plan = PlanBuilder.Build(graph, [.. source.Outputs, .. keep], _options.MaxThreads);
        }
        catch (IrValidationException e) when (batch is not null)
        {
            throw new InputFormatException($"the model cannot run at batch {batch}: {e.Message}", e) { FieldPath = "inputs" };
        }

        _plans[key] = plan;
        return plan;
    }
}
