using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;

namespace Converters.Ir.Verification;

/// <summary>
/// Checks the IR's invariants: unique node names, single static assignment, topological order,
/// known ops with well-typed attributes and the right number of inputs and outputs, defined graph
/// outputs, and shapes that agree with inference (which also checks initializer shapes against
/// the ops that use them). Run after every reader and every pass.
/// </summary>
public static class GraphVerifier
{
    /// <summary>Every problem in <paramref name="graph"/>, in graph order; empty when it is valid.</summary>
    public static IReadOnlyList<VerificationIssue> Verify(Graph graph, OpSchemaRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        registry ??= OpSchemaRegistry.Default;
        var issues = new List<VerificationIssue>();
        var known = new Dictionary<string, ValueInfo>(StringComparer.Ordinal);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        var poisoned = new HashSet<string>(StringComparer.Ordinal);

        foreach (ValueInfo input in graph.Inputs)
        {
            if (string.IsNullOrEmpty(input.Name))
            {
                issues.Add(new("graph input with an empty name"));
            }
            else if (!defined.Add(input.Name))
            {
                issues.Add(new($"graph input '{input.Name}' is declared twice"));
            }

            if (input.DataType == DataType.Undefined)
            {
                issues.Add(new($"graph input '{input.Name}' has no data type"));
            }

            known[input.Name] = input;
        }

        foreach ((string name, TensorData tensor) in graph.Initializers)
        {
            if (!defined.Add(name))
            {
                issues.Add(new($"initializer '{name}' has the name of a graph input"));
            }

            known[name] = new ValueInfo(name, tensor.DataType, tensor.Shape);
        }

        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (Node node in graph.Nodes)
        {
            VerifyNode(graph, node, registry, issues, known, defined, poisoned, nodeNames);
        }

        var outputNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (string output in graph.Outputs)
        {
            if (!defined.Contains(output))
            {
                issues.Add(new($"graph output '{output}' is not defined by any input, initializer or node"));
            }
            else if (!outputNames.Add(output))
            {
                issues.Add(new($"graph output '{output}' is listed twice"));
            }
        }

        if (graph.Outputs.Count == 0)
        {
            issues.Add(new("the graph has no outputs"));
        }

        return issues;
    }

    /// <summary>Verifies <paramref name="graph"/> and throws if anything is wrong.</summary>
    /// <exception cref="GraphVerificationException">The graph breaks an IR invariant; the exception lists every issue.</exception>
    public static void VerifyOrThrow(Graph graph, OpSchemaRegistry? registry = null)
    {
        IReadOnlyList<VerificationIssue> issues = Verify(graph, registry);
        if (issues.Count > 0)
        {
            throw new GraphVerificationException(issues);
        }
    }

    private static void VerifyNode(
        Graph graph,
        Node node,
        OpSchemaRegistry registry,
        List<VerificationIssue> issues,
        Dictionary<string, ValueInfo> known,
        HashSet<string> defined,
        HashSet<string> poisoned,
        HashSet<string> nodeNames)
    {
        string label = $"{node.OpType} '{node.Name}'";
        if (string.IsNullOrEmpty(node.Name))
        {
            issues.Add(new($"{node.OpType} node with an empty name"));
        }
        else if (!nodeNames.Add(node.Name))
        {
            issues.Add(new($"{label}: another node has the same name", node.Name));
        }

        bool ok = true;
        OpSchema? schema = registry.Find(node.OpType, node.Domain);
        if (schema is null)
        {
            issues.Add(new($"{label}: no schema for op '{(node.Domain.Length == 0 ? node.OpType : node.Domain + "." + node.OpType)}'", node.Name));
            ok = false;
        }
        else
        {
            ok &= VerifyAttributes(node, schema, label, issues);
        }

        foreach (string input in node.Inputs)
        {
            if (input.Length == 0)
            {
                continue;
            }

            if (!defined.Contains(input))
            {
                bool later = graph.Nodes.Any(n => n.Outputs.Contains(input));
                issues.Add(new(later
                    ? $"{label}: input '{input}' is used before the node that produces it (nodes are not in topological order)"
                    : $"{label}: input '{input}' is not defined by a graph input, an initializer or any node", node.Name));
                ok = false;
            }
            else if (poisoned.Contains(input))
            {
                ok = false;
            }
        }

        var seenOutputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (string output in node.Outputs)
        {
            if (output.Length == 0)
            {
                issues.Add(new($"{label}: an output has an empty name", node.Name));
                ok = false;
            }
            else if (defined.Contains(output) || !seenOutputs.Add(output))
            {
                issues.Add(new($"{label}: output '{output}' is already defined (values must be assigned once)", node.Name));
                ok = false;
            }
        }

        if (ok && schema is not null)
        {
            try
            {
                InferenceContext context = ShapeInference.Infer(graph, node, registry, known);
                for (int i = 0; i < node.Outputs.Count; i++)
                {
                    ValueInfo? inferred = context.Outputs[i];
                    if (inferred is null)
                    {
                        issues.Add(new($"{label}: shape inference left output '{node.Outputs[i]}' without a shape", node.Name));
                        continue;
                    }

                    known[inferred.Name] = inferred;
                    if (graph.ValueInfos.TryGetValue(inferred.Name, out ValueInfo? recorded) && recorded != inferred)
                    {
                        issues.Add(new($"{label}: output '{inferred.Name}' is recorded as {DataTypeInfo.Name(recorded.DataType)}[{recorded.Shape}] but infers as {DataTypeInfo.Name(inferred.DataType)}[{inferred.Shape}]", node.Name));
                    }
                }
            }
            catch (IrValidationException ex)
            {
                issues.Add(new(ex.Message, node.Name, ex.AttributeName));
                ok = false;
            }
        }

        foreach (string output in node.Outputs)
        {
            if (output.Length > 0)
            {
                defined.Add(output);
                if (!ok)
                {
                    poisoned.Add(output);
                }
            }
        }
    }

    private static bool VerifyAttributes(Node node, OpSchema schema, string label, List<VerificationIssue> issues)
    {
        bool ok = true;
        foreach ((string name, AttributeValue value) in node.Attributes)
        {
            AttributeSpec? spec = schema.FindAttribute(name);
            if (spec is null)
            {
                string known = schema.Attributes.Count == 0 ? "none" : string.Join(", ", schema.Attributes.Select(a => a.Name));
                issues.Add(new($"{label}: unknown attribute '{name}' (the schema declares: {known})", node.Name, name));
                ok = false;
                continue;
            }

            bool compatible = value.Kind == spec.Kind
                || (spec.Kind == AttributeKind.Float && value.Kind == AttributeKind.Int)
                || (spec.Kind == AttributeKind.Floats && value.Kind == AttributeKind.Ints);
            if (!compatible)
            {
                issues.Add(new($"{label}: attribute '{name}'={value} must be {InferenceContext.Describe(spec.Kind)}", node.Name, name));
                ok = false;
            }
        }

        foreach (AttributeSpec spec in schema.Attributes)
        {
            if (spec.IsRequired && !node.Attributes.ContainsKey(spec.Name))
            {
                issues.Add(new($"{label}: required attribute '{spec.Name}' is missing", node.Name, spec.Name));
                ok = false;
            }
        }

        return ok;
    }
}
