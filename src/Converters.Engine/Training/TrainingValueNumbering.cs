using Converters.Engine.Execution;
using Converters.Ir;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Training;

/// <summary>
/// Numbers the values of a graph for training (one buffer per value, nothing shared) and knows
/// which values are parameters and which need a gradient.
/// </summary>
internal sealed class TrainingValueNumbering : IValueNumbering
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly HashSet<string> _parameters;
    private readonly HashSet<string> _needsGradient;

    public TrainingValueNumbering(Graph graph, int batch, int maxThreads, HashSet<string> parameters, HashSet<string> needsGradient)
    {
        Graph = graph;
        Batch = batch;
        MaxThreads = maxThreads;
        _parameters = parameters;
        _needsGradient = needsGradient;
    }

    public Graph Graph { get; }

    public int Batch { get; }

    public int MaxThreads { get; }

    public IReadOnlyList<string> Names => _names;

    public int Count => _names.Count;

    public int ValueId(string name)
    {
        if (!_ids.TryGetValue(name, out int id))
        {
            id = _names.Count;
            _ids[name] = id;
            _names.Add(name);
        }

        return id;
    }

    public bool TryGetId(string name, out int id) => _ids.TryGetValue(name, out id);

    public TensorShape Shape(string name) => Graph.FindValue(name)?.Shape
        ?? throw new IrValidationException($"value '{name}' has no shape");

    public bool IsParameter(string name) => _parameters.Contains(name);

    public bool NeedsGradient(string name) => _needsGradient.Contains(name);
}
