using Converters.Ir;

namespace Converters.Pruning.Transform;

/// <summary>Copies a model so that a transform can change it without touching the caller's.</summary>
internal static class ModelCopy
{
    /// <summary>A copy with its own nodes, value table and initializers (tensors cloned).</summary>
    public static Model Clone(Model model)
    {
        Graph source = model.Graph;
        var graph = new Graph { Name = source.Name };
        graph.Inputs.AddRange(source.Inputs);
        graph.Outputs.AddRange(source.Outputs);
        foreach (Node node in source.Nodes)
        {
            var copy = new Node(node.OpType, node.Name, node.Inputs, node.Outputs) { Domain = node.Domain };
            foreach (var (key, value) in node.Attributes)
            {
                copy.Attributes[key] = value;
            }

            foreach (var (key, value) in node.Metadata)
            {
                copy.Metadata[key] = value;
            }

            graph.Nodes.Add(copy);
        }

        foreach (var (name, tensor) in source.Initializers)
        {
            graph.Initializers[name] = tensor.Clone();
        }

        foreach (var (name, value) in source.ValueInfos)
        {
            graph.ValueInfos[name] = value;
        }

        var result = new Model(graph) { IrVersion = model.IrVersion, SourceFormat = model.SourceFormat, ProducerName = model.ProducerName };
        foreach (var (key, value) in model.Metadata)
        {
            result.Metadata[key] = value;
        }

        return result;
    }
}
