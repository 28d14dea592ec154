namespace Converters.Ir.Schemas;

/// <summary>One input an op takes.</summary>
/// <param name="Name">The input's name in the schema (<c>X</c>, <c>W</c>, <c>B</c>).</param>
/// <param name="Role">What the input is for.</param>
/// <param name="Optional">Whether the node may omit it (an empty name or a shorter input list).</param>
/// <param name="Variadic">Whether this last input repeats (Concat, Shortcut).</param>
public sealed record InputSpec(string Name, InputRole Role = InputRole.Data, bool Optional = false, bool Variadic = false);
