namespace Converters.Ir.Passes;

/// <summary>A pass's name and the passes that must run before it.</summary>
/// <param name="Name">A unique name, e.g. <c>fold-batch-norm</c>.</param>
/// <param name="Required">Names of passes that must have run first.</param>
public sealed record PassInfo(string Name, IReadOnlyList<string> Required)
{
    /// <summary>A pass with no requirements.</summary>
    public PassInfo(string name)
        : this(name, [])
    {
    }
}
