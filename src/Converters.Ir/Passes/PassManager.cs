using Converters.Ir.Diagnostics;
using Converters.Ir.Verification;

namespace Converters.Ir.Passes;

/// <summary>
/// Runs passes in order, first running any required pass (found among the registered passes by
/// name) that has not run yet, and verifying the graph after each one.
/// </summary>
public sealed class PassManager
{
    private readonly Dictionary<string, IGraphPass> _available = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="pass"/> available to satisfy requirements by name.</summary>
    public PassManager Register(IGraphPass pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        _available[pass.Info.Name] = pass;
        return this;
    }

    /// <summary>Runs <paramref name="passes"/> over <paramref name="graph"/> and returns the result.</summary>
    /// <exception cref="InvalidOperationException">A requirement names no registered pass, or requirements form a cycle.</exception>
    /// <exception cref="GraphVerificationException">A pass produced an invalid graph (the message names the pass).</exception>
    public Graph Run(Graph graph, IEnumerable<IGraphPass> passes, PassContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(passes);
        context ??= new PassContext();
        foreach (IGraphPass pass in passes)
        {
            graph = RunOne(graph, pass, context, []);
        }

        return graph;
    }

    private Graph RunOne(Graph graph, IGraphPass pass, PassContext context, HashSet<string> inProgress)
    {
        string name = pass.Info.Name;
        if (context.Completed.Contains(name) || context.Disabled.Contains(name))
        {
            return graph;
        }

        if (!inProgress.Add(name))
        {
            throw new InvalidOperationException($"Pass requirements form a cycle through '{name}'.");
        }

        foreach (string required in pass.Info.Required)
        {
            if (!_available.TryGetValue(required, out IGraphPass? dependency))
            {
                throw new InvalidOperationException($"Pass '{name}' requires '{required}', which is not registered.");
            }

            graph = RunOne(graph, dependency, context, inProgress);
        }

        graph = pass.Run(graph, context);
        if (context.VerifyAfterEachPass)
        {
            IReadOnlyList<VerificationIssue> issues = GraphVerifier.Verify(graph, context.Registry);
            if (issues.Count > 0)
            {
                throw new GraphVerificationException(
                    [.. issues.Select(i => i with { Message = $"after pass '{name}': {i.Message}" })]);
            }
        }

        context.Completed.Add(name);
        context.AfterPass?.Invoke(name, graph);
        inProgress.Remove(name);
        return graph;
    }
}
