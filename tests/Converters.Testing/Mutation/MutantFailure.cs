using System.Globalization;
using System.Text;

namespace Converters.Testing.Mutation;

/// <summary>A mutant the reader mishandled, where it was saved, and what happened.</summary>
/// <param name="Mutant">The mutant.</param>
/// <param name="Kind">What went wrong.</param>
/// <param name="Exception">The exception that escaped, if any.</param>
/// <param name="AllocatedBytes">Bytes the reader allocated during the run (for a run that did not finish: process-wide, when it was stopped).</param>
/// <param name="Elapsed">How long the run took, or how long the harness waited.</param>
/// <param name="SavedPath">The mutated file, kept in the temporary folder (next to copies of the other files of the set) to reproduce the failure.</param>
public sealed record MutantFailure(Mutant Mutant, MutantFailureKind Kind, Exception? Exception, long AllocatedBytes, TimeSpan Elapsed, string SavedPath)
{
    /// <summary>A paragraph naming the seed, the mutant, what went wrong and where the mutant was saved.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Mutant).AppendLine();
        string what = Kind switch
        {
            MutantFailureKind.Timeout => string.Create(CultureInfo.InvariantCulture, $"the reader did not finish within {Elapsed.TotalSeconds:0.###} s (a hang or an endless loop)"),
            MutantFailureKind.AllocationLimit when Exception is OutOfMemoryException =>
                $"the reader ran out of memory: {Exception.GetType().FullName}: {Exception.Message}",
            MutantFailureKind.AllocationLimit => string.Create(CultureInfo.InvariantCulture, $"the reader allocated {AllocatedBytes:N0} bytes, over the limit (unbounded allocation)"),
            _ => $"the reader threw {Exception?.GetType().FullName}: {Exception?.Message}",
        };
        sb.Append("  ").Append(what).AppendLine();
        if (Kind == MutantFailureKind.UnexpectedException && Exception?.StackTrace is { } trace)
        {
            // The reader's frames only: the harness's own frames below them say nothing.
            foreach (string line in trace.Split('\n').TakeWhile(l => !l.Contains(typeof(ReaderMutationHarness).FullName!, StringComparison.Ordinal)).Take(12))
            {
                sb.Append("    ").Append(line.TrimEnd()).AppendLine();
            }
        }

        sb.Append("  the mutant is saved at ").Append(SavedPath);
        return sb.ToString();
    }
}
