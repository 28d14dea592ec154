using System.Text;
using Converters.Testing.Mutation;

namespace Converters.Abstractions.Tests.Mutation;

public sealed class ReaderMutationHarnessTests
{
    private static readonly MutationOptions s_binary = new() { Seed = 1234, Count = 200, Boundaries = [4, 5] };

    [Fact]
    public void Run_CorrectReader_AcceptsAndRejectsWithoutFailing()
    {
        // Given a reader that checks every length and field
        byte[] valid = ToyRecordReader.ValidFile();

        // When the harness runs 200 seeded mutants through it
        MutationReport report = ReaderMutationHarness.Run(ToyRecordReader.FileName, valid, p => ToyRecordReader.ReadStrict(p), s_binary);

        // Then every mutant ran, and some were rejected while others (e.g. a flipped record byte) were still valid
        report.Mutants.ShouldBe(200);
        report.Rejected.ShouldBeGreaterThan(0);
        report.Accepted.ShouldBeGreaterThan(0);
        report.Seed.ShouldBe(1234);
    }

    [Fact]
    public void Run_ReaderThrowsIndexOutOfRange_FailsNamingSeedMutantAndSavedFile()
    {
        // Given a reader that trusts the record count and indexes past the end of truncated files
        byte[] valid = ToyRecordReader.ValidFile();

        // When the harness runs it
        ReaderMutationException ex = Expect(
            () => ReaderMutationHarness.Run(ToyRecordReader.FileName, valid, p => ToyRecordReader.ReadTrustingCount(p), s_binary),
            keepSaved: true);

        // Then the failure names the seed, the exception, the mutant's edit and the saved mutant
        MutantFailure first = ex.Failures[0];
        first.Kind.ShouldBe(MutantFailureKind.UnexpectedException);
        first.Exception.ShouldBeOfType<IndexOutOfRangeException>();
        ex.Message.ShouldContain("seed 1234");
        ex.Message.ShouldContain("System.IndexOutOfRangeException");
        ex.Message.ShouldContain($"mutant #{first.Mutant.Index} of seed 1234");
        ex.Message.ShouldContain(first.Mutant.Steps[0].ToString());
        ex.Message.ShouldContain(first.SavedPath);

        // And the saved file is exactly the mutant the seed regenerates, so the failure reproduces
        Mutant regenerated = ReaderMutationHarness.Generate(Single(valid), s_binary)[first.Mutant.Index];
        File.ReadAllBytes(first.SavedPath).ShouldBe(regenerated.Content);
        Should.Throw<IndexOutOfRangeException>(() => ToyRecordReader.ReadTrustingCount(first.SavedPath));
        DeleteSaved(ex);
    }

    [Fact]
    public void Run_ReaderLoopsForeverOnMissingTerminator_ReportsTimeout()
    {
        // Given a reader that scans for the terminator with no bound (it stops only when the test ends)
        byte[] valid = ToyRecordReader.ValidFile();
        using var stop = new CancellationTokenSource();
        MutationOptions options = s_binary with { PerRunTimeout = TimeSpan.FromMilliseconds(300) };

        try
        {
            // When the harness runs it
            ReaderMutationException ex = Expect(
                () => ReaderMutationHarness.Run(ToyRecordReader.FileName, valid, p => ToyRecordReader.ReadScanning(p, stop.Token), options));

            // Then the hang is reported as a timeout, with the seed, and the harness stops there
            MutantFailure last = ex.Failures[^1];
            last.Kind.ShouldBe(MutantFailureKind.Timeout);
            last.Elapsed.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(300));
            last.Mutant.Content.ShouldNotContain((byte)0xFF);
            ex.Message.ShouldContain("did not finish within");
            ex.Message.ShouldContain("seed 1234");
            ex.Message.ShouldContain("stopped early");
        }
        finally
        {
            stop.Cancel();
        }
    }

    [Fact]
    public void Run_ReaderSizesTableFromCount_ReportsAllocationOverLimit()
    {
        // Given a reader that allocates 64 KiB per declared record before validating, and a 1 MiB limit
        byte[] valid = ToyRecordReader.ValidFile();
        MutationOptions options = s_binary with { AllocationLimit = 1 << 20 };

        // When the harness runs it (the valid file declares 8 records: 512 KiB)
        ReaderMutationException ex = Expect(
            () => ReaderMutationHarness.Run(ToyRecordReader.FileName, valid, p => ToyRecordReader.ReadAllocatingFromCount(p), options));

        // Then mutants declaring more than 16 records are reported with what they allocated
        MutantFailure first = ex.Failures[0];
        first.Kind.ShouldBe(MutantFailureKind.AllocationLimit);
        first.Mutant.Content[4].ShouldBeGreaterThan((byte)16);
        first.AllocatedBytes.ShouldBeGreaterThan(1 << 20);
        ex.Message.ShouldContain("over the limit");
        ex.Message.ShouldContain("seed 1234");
    }

    [Fact]
    public void Run_ReaderAllocatesInEndlessLoop_ReportsAllocationNotHang()
    {
        // Given a reader that allocates 64 KiB on every step of an unbounded scan (1 MiB for the valid
        // file's 16 steps), a 2 MiB limit and a short timeout
        byte[] valid = ToyRecordReader.ValidFile();
        using var stop = new CancellationTokenSource();
        MutationOptions options = s_binary with { AllocationLimit = 2 << 20, PerRunTimeout = TimeSpan.FromSeconds(1) };

        try
        {
            // When the harness runs it
            ReaderMutationException ex = Expect(
                () => ReaderMutationHarness.Run(ToyRecordReader.FileName, valid, p => ToyRecordReader.ReadScanning(p, stop.Token, allocateWhileScanning: true), options));

            // Then the endless run is reported as unbounded allocation, with what it allocated, not as a hang
            MutantFailure last = ex.Failures[^1];
            last.Kind.ShouldBe(MutantFailureKind.AllocationLimit);
            last.AllocatedBytes.ShouldBeGreaterThan(8L << 20);
            ex.Message.ShouldContain("unbounded allocation");
        }
        finally
        {
            stop.Cancel();
        }
    }

    [Fact]
    public void Run_TextReaderUsingIntParse_ReportsFormatException()
    {
        // Given a text reader that converts numbers with int.Parse
        byte[] valid = Encoding.UTF8.GetBytes(ToyConfigReader.ValidText);
        var options = new MutationOptions { Seed = 7, Count = 200, Text = true };

        // When the harness runs it in text mode
        ReaderMutationException ex = Expect(
            () => ReaderMutationHarness.Run(ToyConfigReader.FileName, valid, p => ToyConfigReader.ReadWithIntParse(p), options));

        // Then a garbage token is reported as an escaped FormatException or OverflowException, with its line
        MutantFailure first = ex.Failures[0];
        (first.Exception is FormatException or OverflowException).ShouldBeTrue();
        first.Mutant.Steps.ShouldAllBe(s => s.Line != null);
        ex.Message.ShouldContain("seed 7");
        ex.Message.ShouldContain("line ");
    }

    [Fact]
    public void Run_CorrectTextReader_AcceptsAndRejectsWithoutFailing()
    {
        // Given the same text format read with TryParse
        byte[] valid = Encoding.UTF8.GetBytes(ToyConfigReader.ValidText);
        var options = new MutationOptions { Seed = 7, Count = 200, Text = true };

        // When the harness runs it in text mode
        MutationReport report = ReaderMutationHarness.Run(ToyConfigReader.FileName, valid, p => ToyConfigReader.ReadStrict(p), options);

        // Then both outcomes occur and the text edits were used
        report.Rejected.ShouldBeGreaterThan(0);
        report.Accepted.ShouldBeGreaterThan(0);
        report.Kinds.GetValueOrDefault(MutationKind.ReplaceToken).ShouldBeGreaterThan(0);
        report.Kinds.GetValueOrDefault(MutationKind.DeleteLine).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Run_FileSet_GivesEveryPathAndMutatesOneFileAtATime()
    {
        // Given two files read together
        byte[] valid = ToyRecordReader.ValidFile();
        var files = new Dictionary<string, byte[]> { ["a.toy"] = valid, ["b.toy"] = valid };
        var intact = new List<int>();

        // When the harness runs a reader that reads both and notes how many were intact
        MutationReport report = ReaderMutationHarness.Run(
            files,
            paths =>
            {
                intact.Add(paths.Values.Count(p => File.ReadAllBytes(p).AsSpan().SequenceEqual(valid)));
                ToyRecordReader.ReadStrict(paths["a.toy"]);
                ToyRecordReader.ReadStrict(paths["b.toy"]);
            },
            s_binary with { Count = 100 });

        // Then the reader saw both paths every time and at least one file was always the original
        report.Mutants.ShouldBe(100);
        intact.Count.ShouldBe(101);
        intact.ShouldAllBe(n => n >= 1);
        intact[0].ShouldBe(2);
    }

    [Fact]
    public void Run_ReaderRejectsUnmutatedInput_ThrowsBeforeMutating()
    {
        // Given an input the reader itself rejects
        byte[] invalid = "NOPE"u8.ToArray();

        // When the harness runs
        ReaderMutationException ex = Expect(
            () => ReaderMutationHarness.Run(ToyRecordReader.FileName, invalid, p => ToyRecordReader.ReadStrict(p), s_binary));

        // Then it says the input must be valid, and no mutant failed
        ex.Message.ShouldContain("does not accept the unmutated input");
        ex.Failures.ShouldBeEmpty();
    }

    /// <summary>Runs <paramref name="run"/>, expecting the harness to fail, and deletes the mutants it saved unless told to keep them.</summary>
    private static ReaderMutationException Expect(Action run, bool keepSaved = false)
    {
        ReaderMutationException ex = Should.Throw<ReaderMutationException>(run);
        if (!keepSaved)
        {
            DeleteSaved(ex);
        }

        return ex;
    }

    private static void DeleteSaved(ReaderMutationException ex)
    {
        foreach (MutantFailure failure in ex.Failures)
        {
            Directory.Delete(Path.GetDirectoryName(failure.SavedPath)!, recursive: true);
        }
    }

    private static Dictionary<string, byte[]> Single(byte[] content) => new() { [ToyRecordReader.FileName] = content };
}
