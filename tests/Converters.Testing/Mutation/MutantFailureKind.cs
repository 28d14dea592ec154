namespace Converters.Testing.Mutation;

/// <summary>How a reader misbehaved on a mutant.</summary>
public enum MutantFailureKind
{
    /// <summary>An exception other than <see cref="Ir.Diagnostics.InputFormatException"/> escaped the reader.</summary>
    UnexpectedException,

    /// <summary>The reader did not finish within <see cref="MutationOptions.PerRunTimeout"/>.</summary>
    Timeout,

    /// <summary>The reader allocated more than the allocation limit (or ran out of memory).</summary>
    AllocationLimit,
}
