namespace Converters.Samples.TextNet.Ops;

/// <summary>A key a TextNet node line may set, and the IR attribute it maps to.</summary>
/// <param name="Key">The key as written in TextNet (<c>stride</c>).</param>
/// <param name="IrName">The IR attribute it sets (<c>strides</c>); null for keys that only shape generated weights.</param>
/// <param name="Syntax">How its value is written.</param>
internal sealed record OpKey(string Key, string? IrName, KeySyntax Syntax)
{
    /// <summary>Whether the key only shapes generated parameters (<c>filters</c>, <c>units</c>, <c>bias</c>) and maps to no IR attribute.</summary>
    public bool GenerationOnly => IrName is null;
}
