namespace Converters.Ir.Npy;

/// <summary>
/// The three entries of a parsed <c>.npy</c> header dict, with the byte offsets (in the file) of
/// the values so later checks can point at them.
/// </summary>
internal sealed class NpyHeader
{
    /// <summary>The <c>descr</c> string, e.g. <c>&lt;f4</c>.</summary>
    public required string Descr { get; init; }

    /// <summary>The file offset of the <c>descr</c> value.</summary>
    public required long DescrOffset { get; init; }

    /// <summary>Whether the data is stored in Fortran (column-major) order.</summary>
    public required bool FortranOrder { get; init; }

    /// <summary>The dimensions as the header states them (each in <c>0..int.MaxValue</c>).</summary>
    public required int[] Shape { get; init; }

    /// <summary>The file offset of the <c>shape</c> tuple.</summary>
    public required long ShapeOffset { get; init; }
}
