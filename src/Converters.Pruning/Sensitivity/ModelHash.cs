using System.Security.Cryptography;
using System.Text;
using Converters.Ir;

namespace Converters.Pruning.Sensitivity;

/// <summary>A SHA-256 of a model's graph (ops, names, wiring, attributes) and weights: the key of cached analyses.</summary>
public static class ModelHash
{
    /// <summary>The lowercase hex SHA-256 of <paramref name="model"/>.</summary>
    public static string Compute(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => sha.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        Graph graph = model.Graph;
        foreach (ValueInfo input in graph.Inputs)
        {
            Add($"input {input}");
        }

        foreach (Node node in graph.Nodes)
        {
            Add($"{node.OpType} {node.Name} ({string.Join(",", node.Inputs)}) -> ({string.Join(",", node.Outputs)})");
            foreach (var (key, value) in node.Attributes)
            {
                Add($"  {key}={value}");
            }
        }

        Add($"outputs {string.Join(",", graph.Outputs)}");
        foreach (var (name, tensor) in graph.Initializers)
        {
            Add($"{name} {tensor}");
            sha.AppendData(tensor.AsBytes());
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
