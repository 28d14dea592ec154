namespace Converters.Testing.Mutation;

/// <summary>How <see cref="ReaderMutationHarness"/> mutates the input and what it tolerates from the reader.</summary>
public sealed record MutationOptions
{
    /// <summary>The base of the default allocation limit: 64 MiB.</summary>
    public const long BaseAllocationLimit = 64L << 20;

    /// <summary>The seed; the same seed and input give the same mutants on every machine.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How many mutants to run (default 200).</summary>
    public int Count { get; init; } = 200;

    /// <summary>Whether the files are text: adds line (delete, duplicate, swap) and token (replace, insert) edits to the byte edits.</summary>
    public bool Text { get; init; }

    /// <summary>The longest one reader run may take (default 5 s); a slower run fails the harness as a hang.</summary>
    public TimeSpan PerRunTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most bytes one reader run may allocate on its thread; null (the default) means
    /// <see cref="DefaultAllocationLimit"/> of the mutated input's total size.
    /// </summary>
    public long? AllocationLimit { get; init; }

    /// <summary>
    /// Byte offsets of interest (the end of a header, the start of a section) that truncation and
    /// chunk edits favour, in addition to offset 0 and, for text, line starts.
    /// </summary>
    public IReadOnlyList<long> Boundaries { get; init; } = [];

    /// <summary>The default allocation limit for an input of <paramref name="inputBytes"/> bytes: 64 MiB + 64 x the input size.</summary>
    public static long DefaultAllocationLimit(long inputBytes) => BaseAllocationLimit + (64 * inputBytes);
}
