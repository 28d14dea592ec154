using Converters.Ir.Diagnostics;

namespace Converters.Ir.Schemas;

/// <summary>
/// Infers the type and shape of every value of a graph, node by node in order, and records them in
/// <see cref="Graph.ValueInfos"/>. Fails on the first node whose inputs or attributes are inconsistent.
/// </summary>
public static class ShapeInference
{
    /// <summary>Runs inference over <paramref name="graph"/> with <paramref name="registry"/> (default: <see cref="OpSchemaRegistry.Default"/>).</summary>
    /// <exception cref="IrValidationException">A node's op is unknown, an input is undefined, or its shapes or attributes are inconsistent.</exception>
    public static void Run(Graph graph, OpSchemaRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        registry ??= OpSchemaRegistry.Default;

        var known = new Dictionary<string, ValueInfo>(StringComparer.Ordinal);
        foreach (ValueInfo input in graph.Inputs)
        {
            known[input.Name] = input;
        }

        foreach ((string name, TensorData tensor) in graph.Initializers)
        {
            known.TryAdd(name, new ValueInfo(name, tensor.DataType, tensor.Shape));
        }

        graph.ValueInfos.Clear();
        foreach (ValueInfo input in graph.Inputs)
        {
            graph.ValueInfos[input.Name] = input;
        }

        foreach (Node node in graph.Nodes)
        {
            InferenceContext context = Infer(graph, node, registry, known);
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                ValueInfo info = context.Outputs[i]
                    ?? throw context.Fail($"shape inference left output {i} '{node.Outputs[i]}' without a shape");
                known[info.Name] = info;
                graph.ValueInfos[info.Name] = info;
            }
        }
    }

    /// <summary>
    /// Builds the inference context of one node from already known values and runs its schema's
    /// inference. Used by <see cref="Run"/>, the verifier and statistics.
    /// </summary>
    internal static InferenceContext Infer(Graph graph, Node node, OpSchemaRegistry registry, IReadOnlyDictionary<string, ValueInfo> known)
    {
        OpSchema schema = registry.Find(node.OpType, node.Domain)
            ?? throw new IrValidationException($"{node.OpType} '{node.Name}': no schema for op '{(node.Domain.Length == 0 ? node.OpType : node.Domain + "." + node.OpType)}'")
            {
                NodeName = node.Name,
                OpType = node.OpType,
            };

        if (node.Inputs.Count < schema.MinInputs || node.Inputs.Count > schema.MaxInputs)
        {
            string range = schema.MaxInputs == int.MaxValue ? $"at least {schema.MinInputs}"
                : schema.MinInputs == schema.MaxInputs ? $"{schema.MinInputs}" : $"{schema.MinInputs} to {schema.MaxInputs}";
            throw new IrValidationException($"{node.OpType} '{node.Name}': takes {range} inputs, got {node.Inputs.Count}")
            {
                NodeName = node.Name,
                OpType = node.OpType,
            };
        }

        if (node.Outputs.Count < schema.MinOutputs || node.Outputs.Count > schema.MaxOutputs)
        {
            string range = schema.MinOutputs == schema.MaxOutputs ? $"{schema.MinOutputs}" : $"{schema.MinOutputs} to {schema.MaxOutputs}";
            throw new IrValidationException($"{node.OpType} '{node.Name}': has {range} outputs, got {node.Outputs.Count}")
            {
                NodeName = node.Name,
                OpType = node.OpType,
            };
        }

        var inputs = new ValueInfo?[node.Inputs.Count];
        for (int i = 0; i < inputs.Length; i++)
        {
            string name = node.Inputs[i];
            if (name.Length == 0)
            {
                if (schema.InputAt(i) is { Optional: false } spec)
                {
                    throw new IrValidationException($"{node.OpType} '{node.Name}': input {i} '{spec.Name}' is required")
                    {
                        NodeName = node.Name,
                        OpType = node.OpType,
                    };
                }

                continue;
            }

            if (!known.TryGetValue(name, out ValueInfo? info))
            {
                throw new IrValidationException($"{node.OpType} '{node.Name}': input '{name}' is not defined by a graph input, an initializer or an earlier node")
                {
                    NodeName = node.Name,
                    OpType = node.OpType,
                };
            }

            inputs[i] = info;
        }

        var context = new InferenceContext(graph, node, schema, inputs);
        schema.InferShapes(context);
        return context;
    }
}
