using Converters.Engine.Execution;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;

namespace Converters.Engine.Training;

/// <summary>
/// Trains a <see cref="Model"/> in float32: a forward that keeps every activation, a backward that
/// accumulates d loss / d parameter for the gradients seeded at chosen values, and the trainable
/// parameters (every initializer bound to a weight or bias input of its op) as live arrays an
/// optimizer updates in place. Built once for one batch size; the model itself is never changed —
/// <see cref="ToModel"/> returns a copy with the trained values and the BN running statistics.
/// </summary>
/// <remarks>
/// Batch normalization follows the model's own convention: with Darknet's epsilon after the square
/// root it normalizes by the unbiased batch variance as Darknet does; otherwise by the biased batch
/// variance as PyTorch does. Running statistics are updated as PyTorch does (the unbiased variance,
/// weight <see cref="TrainingSessionOptions.BatchNormMomentum"/>).
/// </remarks>
public sealed class TrainingSession
{
    private readonly Model _model;
    private readonly Graph _graph;
    private readonly TrainingValueNumbering _numbering;
    private readonly TrainingKernel[] _kernels;
    private readonly TrainingState _state;
    private readonly TrainableParameter[] _parameters;
    private readonly int[] _parameterIds;
    private readonly long[] _forwardTicks;
    private readonly long[] _backwardTicks;
    private readonly Dictionary<string, (TrainingKernel[] Kernels, int[] Zero)> _backwardPlans = new(StringComparer.Ordinal);

    /// <summary>Builds the session.</summary>
    /// <exception cref="IrValidationException">The graph is inconsistent, or uses an op training has no backward for (named).</exception>
    public TrainingSession(Model model, TrainingSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new TrainingSessionOptions();
        if (options.MaxThreads <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxThreads must be positive.");
        }

        _model = model;
        Graph source = model.Graph;
        int modelBatch = source.Inputs.Count > 0 && source.Inputs[0].Shape.Rank > 0 ? source.Inputs[0].Shape[0] : 1;
        int batch = options.Batch ?? modelBatch;
        if (batch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Batch must be positive.");
        }

        _graph = new Graph { Name = source.Name };
        foreach (ValueInfo input in source.Inputs)
        {
            bool batched = input.Shape.Rank > 0 && input.Shape[0] == modelBatch;
            _graph.Inputs.Add(batched ? input with { Shape = input.Shape.With(0, batch) } : input);
        }

        _graph.Outputs.AddRange(source.Outputs);
        _graph.Nodes.AddRange(source.Nodes);
        foreach ((string name, TensorData tensor) in source.Initializers)
        {
            _graph.Initializers.Add(name, tensor);
        }

        ShapeInference.Run(_graph);
        Batch = batch;

        var frozen = new HashSet<string>(options.Frozen, StringComparer.Ordinal);
        var parameterKinds = new Dictionary<string, (ParameterKind Kind, Node Owner)>(StringComparer.Ordinal);
        foreach (Node node in _graph.Nodes)
        {
            OpSchema schema = Schema(node);
            for (int i = 0; i < node.Inputs.Count && i < schema.Inputs.Count; i++)
            {
                string name = node.Inputs[i];
                InputRole role = schema.Inputs[i].Role;
                if (name.Length > 0 && role is InputRole.Weight or InputRole.Bias && _graph.Initializers.ContainsKey(name) && !frozen.Contains(name))
                {
                    parameterKinds.TryAdd(name, (role == InputRole.Weight ? ParameterKind.Weight : ParameterKind.Bias, node));
                }
            }
        }

        var needsGradient = new HashSet<string>(parameterKinds.Keys, StringComparer.Ordinal);
        if (options.InputGradients)
        {
            needsGradient.UnionWith(_graph.Inputs.Select(i => i.Name));
        }

        foreach (Node node in _graph.Nodes)
        {
            if (node.Inputs.Any(needsGradient.Contains))
            {
                needsGradient.UnionWith(node.Outputs.Where(o => o.Length > 0));
            }
        }

        _numbering = new TrainingValueNumbering(_graph, batch, options.MaxThreads, [.. parameterKinds.Keys], needsGradient);
        foreach (ValueInfo input in _graph.Inputs)
        {
            _numbering.ValueId(input.Name);
        }

        var kernels = new List<TrainingKernel>();
        for (int n = 0; n < _graph.Nodes.Count; n++)
        {
            Node node = _graph.Nodes[n];
            var inference = new NodeContext(_numbering, node, Schema(node));
            kernels.Add(TrainingKernelFactory.Create(new TrainingNodeContext(_numbering, node, n, inference)));
        }

        _kernels = [.. kernels];
        _forwardTicks = new long[_kernels.Length];
        _backwardTicks = new long[_kernels.Length];
        foreach (string output in _graph.Outputs)
        {
            _numbering.ValueId(output);
        }

        var values = new float[_numbering.Count][];
        var gradients = new float[]?[_numbering.Count];
        var parameters = new List<TrainableParameter>();
        var parameterIds = new List<int>();
        for (int id = 0; id < _numbering.Count; id++)
        {
            string name = _numbering.Names[id];
            if (_graph.Initializers.TryGetValue(name, out TensorData? tensor))
            {
                if (tensor.DataType != DataType.Float32)
                {
                    // Integer constants (shapes, axes) are read by the kernels at build time.
                    values[id] = [];
                    continue;
                }

                values[id] = tensor.AsSpan<float>().ToArray();
                if (parameterKinds.TryGetValue(name, out (ParameterKind Kind, Node Owner) p))
                {
                    var parameter = new TrainableParameter(name, p.Kind, values[id]) { OwnerNode = p.Owner.Name, OwnerOpType = p.Owner.OpType };
                    parameters.Add(parameter);
                    parameterIds.Add(id);
                    gradients[id] = parameter.Gradient;
                }

                continue;
            }

            values[id] = new float[checked((int)Math.Max(1, _numbering.Shape(name).ElementCount))];
            if (needsGradient.Contains(name))
            {
                gradients[id] = new float[values[id].Length];
            }
        }

        _parameters = [.. parameters];
        _parameterIds = [.. parameterIds];
        if (!(options.BatchNormMomentum is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BatchNormMomentum must be in [0, 1].");
        }

        _state = new TrainingState(values, gradients, batch, options.MaxThreads, options.Seed) { BatchNormMomentum = options.BatchNormMomentum };
    }

    /// <summary>The batch every pass runs at.</summary>
    public int Batch { get; }

    /// <summary>The trainable parameters, in the order the graph first reads them.</summary>
    public IReadOnlyList<TrainableParameter> Parameters => _parameters;

    /// <summary>The graph inputs at the session's batch.</summary>
    public IReadOnlyList<ValueInfo> Inputs => _graph.Inputs;

    /// <summary>The graph outputs.</summary>
    public IReadOnlyList<string> Outputs => _graph.Outputs;

    /// <summary>The graph at the session's batch, with inferred shapes (read-only use).</summary>
    public Graph Graph => _graph;

    /// <summary>Training mode (batch statistics, dropout) when true, the default; evaluation mode when false.</summary>
    public bool Training
    {
        get => _state.Training;
        set => _state.Training = value;
    }

    /// <summary>The shape of any value at the session's batch.</summary>
    public TensorShape ShapeOf(string name) => _graph.FindValue(name)?.Shape ?? throw UnknownValue(name);

    /// <summary>The buffer of graph input <paramref name="name"/>, to fill before <see cref="Forward"/>.</summary>
    public Span<float> Input(string name)
    {
        if (!_graph.Inputs.Any(i => i.Name == name))
        {
            throw new InputFormatException($"unknown input '{name}'; the model's inputs are {string.Join(", ", _graph.Inputs.Select(i => $"'{i.Name}' {i.Shape}"))}") { FieldPath = "inputs" };
        }

        return _state.Values[_numbering.ValueId(name)].AsSpan(0, (int)ShapeOf(name).ElementCount);
    }

    /// <summary>
    /// When true, every kernel's forward and backward wall time is summed per node (see
    /// <see cref="NodeTimes"/>); off by default.
    /// </summary>
    public bool Profiling { get; set; }

    /// <summary>Summed forward and backward milliseconds per node since profiling started, in graph order.</summary>
    public IReadOnlyList<(string Node, string OpType, double ForwardMs, double BackwardMs)> NodeTimes =>
        [.. _kernels.Select((k, i) => (k.Node.Name, k.Node.OpType, _forwardTicks[i] * 1000.0 / System.Diagnostics.Stopwatch.Frequency, _backwardTicks[i] * 1000.0 / System.Diagnostics.Stopwatch.Frequency))];

    /// <summary>Runs every node forward on the current inputs and parameters.</summary>
    public void Forward()
    {
        for (int i = 0; i < _kernels.Length; i++)
        {
            long start = Profiling ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            _kernels[i].Forward(_state);
            if (Profiling)
            {
                _forwardTicks[i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            }
        }

        if (_state.Training)
        {
            _state.Step++;
        }
    }

    /// <summary>The current contents of any value (after <see cref="Forward"/>): an input, an activation or an initializer.</summary>
    public ReadOnlySpan<float> Value(string name)
    {
        if (!_numbering.TryGetId(name, out int id))
        {
            throw UnknownValue(name);
        }

        return _state.Values[id].AsSpan(0, (int)Math.Max(1, ShapeOf(name).ElementCount));
    }

    /// <summary>
    /// Backpropagates from <paramref name="seeds"/> (d loss / d value for chosen values, each the
    /// value's full size) to every parameter and, with <see cref="TrainingSessionOptions.InputGradients"/>,
    /// to the inputs. Only the nodes between the seeds and something trainable run. Parameter
    /// gradients are overwritten, or added to when <paramref name="accumulate"/> (gradient accumulation
    /// over several batches); pruned elements (<see cref="TrainableParameter.Mask"/>) end at zero.
    /// </summary>
    /// <exception cref="ArgumentException">A seed names an unknown value, has the wrong size, or does not depend on anything trainable.</exception>
    public void Backward(IReadOnlyDictionary<string, float[]> seeds, bool accumulate = false)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        string key = string.Join('\u0001', seeds.Keys.Order(StringComparer.Ordinal));
        if (!_backwardPlans.TryGetValue(key, out (TrainingKernel[] Kernels, int[] Zero) plan))
        {
            plan = PlanBackward(seeds.Keys);
            _backwardPlans[key] = plan;
        }

        foreach (int id in plan.Zero)
        {
            Array.Clear(_state.Gradients[id]!);
        }

        if (!accumulate)
        {
            foreach (TrainableParameter parameter in _parameters)
            {
                Array.Clear(parameter.Gradient);
            }
        }

        foreach ((string name, float[] seed) in seeds)
        {
            float[] gradient = _state.Gradients[_numbering.ValueId(name)]!;
            long size = Math.Max(1, ShapeOf(name).ElementCount);
            if (seed.Length != size)
            {
                throw new ArgumentException($"the gradient seeded at '{name}' has {seed.Length} elements; the value has {size} ({ShapeOf(name)})", nameof(seeds));
            }

            System.Numerics.Tensors.TensorPrimitives.Add(gradient.AsSpan(0, seed.Length), seed, gradient.AsSpan(0, seed.Length));
        }

        foreach (TrainingKernel kernel in plan.Kernels)
        {
            long start = Profiling ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            kernel.Backward(_state);
            if (Profiling)
            {
                _backwardTicks[kernel.Index] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            }
        }

        foreach (TrainableParameter parameter in _parameters)
        {
            if (parameter.Mask is float[] mask)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(parameter.Gradient, mask, parameter.Gradient);
            }
        }
    }

    /// <summary>d loss / d <paramref name="name"/> after <see cref="Backward"/>, for a value that has a gradient.</summary>
    public ReadOnlySpan<float> Gradient(string name)
    {
        if (!_numbering.TryGetId(name, out int id))
        {
            throw UnknownValue(name);
        }

        float[] gradient = _state.Gradients[id] ?? throw new ArgumentException($"value '{name}' has no gradient: nothing trainable reaches the loss through it", nameof(name));
        return gradient.AsSpan(0, (int)Math.Max(1, ShapeOf(name).ElementCount));
    }

    /// <summary>True when the loss can depend on something trainable through <paramref name="name"/> (a seed must be such a value).</summary>
    public bool HasGradient(string name) => _numbering.TryGetId(name, out int id) && _state.Gradients[id] is not null;

    /// <summary>
    /// A copy of the model at its own batch with the current parameter values and BN running
    /// statistics as initializers; everything else (nodes, metadata) is shared with the original.
    /// </summary>
    public Model ToModel()
    {
        Graph source = _model.Graph;
        var graph = new Graph { Name = source.Name };
        graph.Inputs.AddRange(source.Inputs);
        graph.Outputs.AddRange(source.Outputs);
        graph.Nodes.AddRange(source.Nodes);
        foreach ((string name, TensorData tensor) in source.Initializers)
        {
            graph.Initializers.Add(name, _numbering.TryGetId(name, out int id) && tensor.DataType == DataType.Float32
                ? TensorData.Create(tensor.Shape, (float[])_state.Values[id].Clone())
                : tensor);
        }

        var model = new Model(graph) { SourceFormat = _model.SourceFormat, ProducerName = _model.ProducerName, IrVersion = _model.IrVersion };
        foreach ((string key, AttributeValue value) in _model.Metadata)
        {
            model.Metadata.Add(key, value);
        }

        return model;
    }

    private (TrainingKernel[] Kernels, int[] Zero) PlanBackward(IEnumerable<string> seedNames)
    {
        var reaches = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in seedNames)
        {
            if (!_numbering.TryGetId(name, out int id))
            {
                throw UnknownValue(name);
            }

            if (_state.Gradients[id] is null)
            {
                throw new ArgumentException($"value '{name}' does not depend on anything trainable; a gradient seeded there reaches no parameter", nameof(seedNames));
            }

            reaches.Add(name);
        }

        var run = new List<TrainingKernel>();
        for (int k = _kernels.Length - 1; k >= 0; k--)
        {
            TrainingKernel kernel = _kernels[k];
            if (!kernel.Node.Outputs.Any(reaches.Contains) || !kernel.InputIds.Any(id => id >= 0 && _state.Gradients[id] is not null))
            {
                continue;
            }

            run.Add(kernel);
            reaches.UnionWith(kernel.Node.Inputs.Where(i => i.Length > 0));
        }

        int[] zero = [.. reaches.Select(_numbering.ValueId).Where(id => _state.Gradients[id] is not null && !_parameterIds.Contains(id)).Order()];
        return ([.. run], zero);
    }

    private static OpSchema Schema(Node node) => OpSchemaRegistry.Default.Find(node.OpType, node.Domain)
        ?? throw new IrValidationException($"{node.OpType} '{node.Name}': no schema for this op") { NodeName = node.Name, OpType = node.OpType };

    private static ArgumentException UnknownValue(string name) =>
        new($"unknown value '{name}': the graph has no input, initializer or node output of that name", nameof(name));
}
