using System.Globalization;

namespace Converters.Testing.Mutation;

/// <summary>One mutated input: which file of the set was changed, its new content, and the edits made.</summary>
public sealed class Mutant
{
    internal Mutant(int seed, int index, string fileName, byte[] content, IReadOnlyList<MutationStep> steps)
    {
        Seed = seed;
        Index = index;
        FileName = fileName;
        Content = content;
        Steps = steps;
    }

    /// <summary>The seed of the run that made it.</summary>
    public int Seed { get; }

    /// <summary>Its number in the run, from 0; with <see cref="Seed"/> it identifies the mutant.</summary>
    public int Index { get; }

    /// <summary>The name of the file that was mutated; the other files of the set are unchanged.</summary>
    public string FileName { get; }

    /// <summary>The mutated content of <see cref="FileName"/>.</summary>
    public byte[] Content { get; }

    /// <summary>The edits, in the order they were applied.</summary>
    public IReadOnlyList<MutationStep> Steps { get; }

    /// <summary>The mutant as <c>mutant #17 of seed 42, file 'model.tnet' (300 -> 297 bytes): step; step</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"mutant #{Index} of seed {Seed}, file '{FileName}' ({Content.Length} bytes): {string.Join("; ", Steps)}");
}
