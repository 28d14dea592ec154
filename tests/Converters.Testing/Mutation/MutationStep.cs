using System.Globalization;

namespace Converters.Testing.Mutation;

/// <summary>One edit of a mutant: what was done, where, and to how many bytes.</summary>
/// <param name="Kind">The kind of edit.</param>
/// <param name="Offset">The byte offset the edit starts at, in the file as it was before this edit.</param>
/// <param name="Length">How many bytes of the file the edit removes or overwrites (0 for pure insertions and truncation).</param>
/// <param name="Line">The 1-based line of <paramref name="Offset"/> (text mode).</param>
/// <param name="Column">The 1-based byte column of <paramref name="Offset"/> (text mode).</param>
/// <param name="Detail">What changed, e.g. <c>"3" -> "abc"</c>.</param>
public sealed record MutationStep(MutationKind Kind, long Offset, long Length, int? Line, int? Column, string Detail)
{
    /// <summary>The step as <c>ReplaceToken at byte 120 (line 7, column 14), length 1: "3" -> "abc"</c>.</summary>
    public override string ToString()
    {
        string where = Line is int line
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line}, column {Column})")
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{Kind} at byte {Offset}{where}, length {Length}: {Detail}");
    }
}
