using Converters.Ir.Schemas;

namespace Converters.Ir.Passes;

/// <summary>What passes share while a <see cref="PassManager"/> runs them.</summary>
public sealed class PassContext
{
    /// <summary>The schemas passes and the verifier use.</summary>
    public OpSchemaRegistry Registry { get; init; } = OpSchemaRegistry.Default;

    /// <summary>Whether to verify the graph after every pass (default on).</summary>
    public bool VerifyAfterEachPass { get; init; } = true;

    /// <summary>Names of passes to skip.</summary>
    public ISet<string> Disabled { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Called after each pass with its name and the graph it produced (IR dumps, timing).</summary>
    public Action<string, Graph>? AfterPass { get; init; }

    /// <summary>Names of the passes that have run, in order.</summary>
    public IList<string> Completed { get; } = [];
}
