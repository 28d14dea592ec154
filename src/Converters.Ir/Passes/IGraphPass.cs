namespace Converters.Ir.Passes;

/// <summary>A graph-to-graph transformation (BN folding, fusion, pruning transforms, quantization).</summary>
public interface IGraphPass
{
    /// <summary>The pass's name and requirements.</summary>
    PassInfo Info { get; }

    /// <summary>Transforms <paramref name="graph"/>; may return it modified in place or a new graph.</summary>
    Graph Run(Graph graph, PassContext context);
}
