using System.Globalization;

namespace Converters.Testing.Mutation;

/// <summary>What a harness run did: how many mutants the reader accepted and how many it rejected cleanly.</summary>
public sealed class MutationReport
{
    internal MutationReport(int seed, int accepted, int rejected, IReadOnlyDictionary<MutationKind, int> kinds, long maxAllocatedBytes, TimeSpan maxElapsed)
    {
        Seed = seed;
        Accepted = accepted;
        Rejected = rejected;
        Kinds = kinds;
        MaxAllocatedBytes = maxAllocatedBytes;
        MaxElapsed = maxElapsed;
    }

    /// <summary>The seed used.</summary>
    public int Seed { get; }

    /// <summary>How many mutants were run.</summary>
    public int Mutants => Accepted + Rejected;

    /// <summary>How many the reader read without an exception (some mutants are still valid input).</summary>
    public int Accepted { get; }

    /// <summary>How many the reader rejected with an <see cref="Ir.Diagnostics.InputFormatException"/>.</summary>
    public int Rejected { get; }

    /// <summary>How many edits of each kind the mutants made.</summary>
    public IReadOnlyDictionary<MutationKind, int> Kinds { get; }

    /// <summary>The most bytes one run allocated.</summary>
    public long MaxAllocatedBytes { get; }

    /// <summary>The longest run.</summary>
    public TimeSpan MaxElapsed { get; }

    /// <summary>The report as one line.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"seed {Seed}: {Mutants} mutants, {Accepted} accepted, {Rejected} rejected; at most {MaxAllocatedBytes:N0} bytes and {MaxElapsed.TotalMilliseconds:0.#} ms per run");
}
