using Xunit.Sdk;

namespace Converters.Testing.Mutation;

/// <summary>
/// The harness found mutants the reader mishandled. The message names the seed, each mutant's
/// edits and where it was saved; <see cref="Failures"/> holds the details for assertions.
/// </summary>
public sealed class ReaderMutationException : XunitException
{
    /// <summary>Creates the exception from the failures found and the summary line.</summary>
    public ReaderMutationException(string message, IReadOnlyList<MutantFailure> failures)
        : base(message)
    {
        Failures = failures;
    }

    /// <summary>Every mutant the reader mishandled, in the order run.</summary>
    public IReadOnlyList<MutantFailure> Failures { get; }
}
