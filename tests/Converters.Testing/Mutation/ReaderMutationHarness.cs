using System.Diagnostics;
using System.Globalization;
using System.Text;
using Converters.Ir.Diagnostics;

namespace Converters.Testing.Mutation;

/// <summary>
/// The seeded reader mutation harness. Given a valid input (one file or a set of named files) and a
/// reader, it writes seeded mutants of the input to a temporary folder and runs the reader on each,
/// on its own thread, and fails with a <see cref="ReaderMutationException"/> when
/// <list type="bullet">
/// <item>an exception other than <see cref="InputFormatException"/> (the base of <c>ModelFormatException</c>) escapes the reader;</item>
/// <item>a run takes longer than <see cref="MutationOptions.PerRunTimeout"/>;</item>
/// <item>a run allocates more than <see cref="MutationOptions.AllocationLimit"/> on the reader's thread.</item>
/// </list>
/// Accepting a mutant is fine: many edits leave a valid file. The failure message names the seed,
/// the mutant's edits (kind, offset, line, length) and the path the mutant was saved to.
/// </summary>
/// <remarks>
/// A reader that hangs or allocates without end cannot be stopped (.NET has no thread abort): the
/// harness abandons its background thread and stops at the first such mutant. A stack overflow
/// ends the test process; readers must not recurse on input-controlled depth.
/// </remarks>
public static class ReaderMutationHarness
{
    /// <summary>The harness stops after this many failures; they are enough to start debugging.</summary>
    private const int MaxFailures = 10;

    /// <summary>Failures written out in full in the exception message.</summary>
    private const int FailuresInMessage = 5;

    /// <summary>The least live-heap growth taken for a runaway reader: 4 GiB.</summary>
    private const long MinimumRunaway = 4L << 30;

    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(10);

    private enum RunStatus
    {
        Finished,
        TimedOut,
        AllocatingWithoutEnd,
    }

    /// <summary>Runs the harness over one file; the reader gets the path of the (mutated) file.</summary>
    /// <param name="fileName">The file name (no directory), e.g. <c>tiny-cnn.tnet</c>; readers may rely on its extension.</param>
    /// <param name="content">The valid input.</param>
    /// <param name="readFromPath">Reads the file at the path it is given; should throw only <see cref="InputFormatException"/>s.</param>
    /// <param name="options">Seed, count, text mode and limits; the defaults when null.</param>
    /// <returns>How many mutants were accepted and how many rejected.</returns>
    /// <exception cref="ReaderMutationException">The reader rejects the unmutated input or mishandles a mutant.</exception>
    public static MutationReport Run(string fileName, byte[] content, Action<string> readFromPath, MutationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(readFromPath);
        return Run(new Dictionary<string, byte[]>(StringComparer.Ordinal) { [fileName] = content }, paths => readFromPath(paths[fileName]), options);
    }

    /// <summary>
    /// Runs the harness over a set of files. Each mutant changes one of them; the reader gets the
    /// paths of all of them, by file name.
    /// </summary>
    /// <param name="files">The valid input: file names (no directories) and contents.</param>
    /// <param name="readFromPaths">Reads the files at the paths it is given (keyed by file name).</param>
    /// <param name="options">Seed, count, text mode and limits; the defaults when null.</param>
    /// <returns>How many mutants were accepted and how many rejected.</returns>
    /// <exception cref="ReaderMutationException">The reader rejects the unmutated input or mishandles a mutant.</exception>
    public static MutationReport Run(IReadOnlyDictionary<string, byte[]> files, Action<IReadOnlyDictionary<string, string>> readFromPaths, MutationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(readFromPaths);
        options ??= new MutationOptions();
        string[] names = ValidateFiles(files, options);

        using var folder = new TempDirectory();
        var paths = names.ToDictionary(n => n, n => folder.WriteFile(n, files[n]), StringComparer.Ordinal);
        long originalSize = files.Values.Sum(f => (long)f.Length);

        RunResult baseline = RunOnce(readFromPaths, paths, options, originalSize);
        if (baseline.Status != RunStatus.Finished || baseline.Exception is not null)
        {
            string why = baseline.Status switch
            {
                RunStatus.TimedOut => "it did not finish in time",
                RunStatus.AllocatingWithoutEnd => "it allocated without end",
                _ => $"it threw {baseline.Exception!.GetType().FullName}: {baseline.Exception.Message}",
            };
            throw new ReaderMutationException(
                $"The reader does not accept the unmutated input ({string.Join(", ", names)}): {why}. The harness needs a valid input to mutate.",
                []);
        }

        long baselineLimit = options.AllocationLimit ?? MutationOptions.DefaultAllocationLimit(originalSize);
        if (baseline.Allocated > baselineLimit)
        {
            throw new ReaderMutationException(
                string.Create(CultureInfo.InvariantCulture, $"The reader allocates {baseline.Allocated:N0} bytes on the unmutated input, over the limit of {baselineLimit:N0}; raise MutationOptions.AllocationLimit."),
                []);
        }

        var failures = new List<MutantFailure>();
        var kinds = new Dictionary<MutationKind, int>();
        int accepted = 0;
        int rejected = 0;
        long maxAllocated = 0;
        TimeSpan maxElapsed = TimeSpan.Zero;
        string? lastMutated = null;
        int run = 0;
        for (int i = 0; i < options.Count; i++)
        {
            Mutant mutant = MutantGenerator.Create(files, names, options, i);
            if (lastMutated is not null && lastMutated != mutant.FileName)
            {
                File.WriteAllBytes(paths[lastMutated], files[lastMutated]);
            }

            File.WriteAllBytes(paths[mutant.FileName], mutant.Content);
            lastMutated = mutant.FileName;
            foreach (MutationStep step in mutant.Steps)
            {
                kinds[step.Kind] = kinds.GetValueOrDefault(step.Kind) + 1;
            }

            long size = originalSize - files[mutant.FileName].Length + mutant.Content.Length;
            long limit = options.AllocationLimit ?? MutationOptions.DefaultAllocationLimit(size);
            RunResult result = RunOnce(readFromPaths, paths, options, size);
            run++;
            MutantFailureKind? failure = Classify(result, limit);
            if (failure is null)
            {
                if (result.Exception is null)
                {
                    accepted++;
                }
                else
                {
                    rejected++;
                }

                maxAllocated = Math.Max(maxAllocated, result.Allocated);
                maxElapsed = result.Elapsed > maxElapsed ? result.Elapsed : maxElapsed;
                continue;
            }

            string saved = Save(mutant, files, names);
            failures.Add(new MutantFailure(mutant, failure.Value, result.Exception, result.Allocated, result.Elapsed, saved));
            if (result.Status != RunStatus.Finished || failures.Count >= MaxFailures)
            {
                break;
            }
        }

        if (failures.Count > 0)
        {
            throw new ReaderMutationException(Describe(failures, options, run), failures);
        }

        return new MutationReport(options.Seed, accepted, rejected, kinds, maxAllocated, maxElapsed);
    }

    /// <summary>
    /// The mutants a run with <paramref name="options"/> makes of <paramref name="files"/>, without
    /// running anything: to inspect or reproduce one (<c>Generate(files, options)[17]</c>).
    /// </summary>
    public static IReadOnlyList<Mutant> Generate(IReadOnlyDictionary<string, byte[]> files, MutationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] names = ValidateFiles(files, options);
        var mutants = new Mutant[options.Count];
        for (int i = 0; i < mutants.Length; i++)
        {
            mutants[i] = MutantGenerator.Create(files, names, options, i);
        }

        return mutants;
    }

    private static string[] ValidateFiles(IReadOnlyDictionary<string, byte[]> files, MutationOptions options)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options);
        if (files.Count == 0)
        {
            throw new ArgumentException("The harness needs at least one input file.", nameof(files));
        }

        foreach ((string name, byte[] content) in files)
        {
            ArgumentNullException.ThrowIfNull(content, nameof(files));
            if (string.IsNullOrEmpty(name) || Path.GetFileName(name) != name)
            {
                throw new ArgumentException($"'{name}' must be a file name without a directory.", nameof(files));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.Count, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PerRunTimeout, TimeSpan.Zero, nameof(options));
        return [.. files.Keys.Order(StringComparer.Ordinal)];
    }

    private static MutantFailureKind? Classify(RunResult result, long limit) => result switch
    {
        { Status: RunStatus.TimedOut } => MutantFailureKind.Timeout,
        { Status: RunStatus.AllocatingWithoutEnd } => MutantFailureKind.AllocationLimit,
        { Exception: OutOfMemoryException } => MutantFailureKind.AllocationLimit,
        { Exception: not null and not InputFormatException } => MutantFailureKind.UnexpectedException,
        _ when result.Allocated > limit => MutantFailureKind.AllocationLimit,
        _ => null,
    };

    /// <summary>
    /// Runs the reader once on a background thread. Allocation is measured on that thread. While it
    /// runs, two process-wide counters are watched, because .NET cannot read another thread's
    /// allocation: the live heap, so a reader that holds on to memory without end is stopped
    /// waiting for before it exhausts memory (at 4 x the limit, never below
    /// <see cref="MinimumRunaway"/>, far above what any parallel test holds), and the bytes
    /// allocated, so a reader that times out after allocating over 4 x the limit is reported as
    /// allocating without end rather than as a hang. Neither counter can fail a run that finishes:
    /// tests running in parallel allocate too, and only the reader's own thread is judged then.
    /// </summary>
    private static RunResult RunOnce(Action<IReadOnlyDictionary<string, string>> read, IReadOnlyDictionary<string, string> paths, MutationOptions options, long inputSize)
    {
        long limit = options.AllocationLimit ?? MutationOptions.DefaultAllocationLimit(inputSize);
        long runaway = limit > long.MaxValue / 4 ? long.MaxValue : limit * 4;
        long liveRunaway = Math.Max(MinimumRunaway, runaway);
        var box = new RunBox();
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            try
            {
                read(paths);
            }
#pragma warning disable CA1031 // Everything the reader throws is recorded and judged by the harness.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                box.Exception = ex;
            }

            box.Allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            box.Elapsed = Stopwatch.GetElapsedTime(start);
        })
        {
            IsBackground = true,
            Name = "mutation harness reader",
        };

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        long liveBefore = GC.GetTotalMemory(forceFullCollection: false);
        long started = Stopwatch.GetTimestamp();
        thread.Start();
        while (!thread.Join(s_pollInterval))
        {
            TimeSpan waited = Stopwatch.GetElapsedTime(started);
            long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            if (GC.GetTotalMemory(forceFullCollection: false) - liveBefore > liveRunaway)
            {
                return new RunResult(RunStatus.AllocatingWithoutEnd, null, allocated, waited);
            }

            if (waited > options.PerRunTimeout)
            {
                return new RunResult(allocated > runaway ? RunStatus.AllocatingWithoutEnd : RunStatus.TimedOut, null, allocated, waited);
            }
        }

        return new RunResult(RunStatus.Finished, box.Exception, box.Allocated, box.Elapsed);
    }

    /// <summary>Writes the mutant, next to copies of the other files of the set, to a folder that is kept.</summary>
    private static string Save(Mutant mutant, IReadOnlyDictionary<string, byte[]> files, string[] names)
    {
        string folder = Directory.CreateTempSubdirectory(
            string.Create(CultureInfo.InvariantCulture, $"converters-mutant-seed{mutant.Seed}-{mutant.Index}-")).FullName;
        foreach (string name in names)
        {
            File.WriteAllBytes(Path.Combine(folder, name), name == mutant.FileName ? mutant.Content : files[name]);
        }

        return Path.Combine(folder, mutant.FileName);
    }

    private static string Describe(List<MutantFailure> failures, MutationOptions options, int run)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"The reader mishandled {failures.Count} of the {run} mutants run (seed {options.Seed}, {options.Count} planned");
        if (run < options.Count)
        {
            sb.Append(", stopped early");
        }

        sb.Append(CultureInfo.InvariantCulture, $"). Reproduce with MutationOptions {{ Seed = {options.Seed} }}, or open a saved mutant:");
        sb.AppendLine();
        foreach (MutantFailure failure in failures.Take(FailuresInMessage))
        {
            sb.AppendLine().Append(failure).AppendLine();
        }

        if (failures.Count > FailuresInMessage)
        {
            sb.AppendLine().Append(CultureInfo.InvariantCulture, $"… and {failures.Count - FailuresInMessage} more (see ReaderMutationException.Failures).");
        }

        return sb.ToString();
    }

    private sealed record RunResult(RunStatus Status, Exception? Exception, long Allocated, TimeSpan Elapsed);

    private sealed class RunBox
    {
        public Exception? Exception { get; set; }

        public long Allocated { get; set; }

        public TimeSpan Elapsed { get; set; }
    }
}
