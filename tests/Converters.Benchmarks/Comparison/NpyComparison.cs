using System.Globalization;
using System.Text.Json;
using Converters.Benchmarks.Npy;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Comparison;

/// <summary>
/// Times <see cref="NpyReader"/>/<see cref="NpyWriter"/> against <c>numpy.load</c>/<c>numpy.save</c>
/// on the same files, in one run: our side in this process, numpy's inside its own Python process
/// with <c>time.perf_counter</c> (interpreter start-up and imports are not timed), both with the same
/// warm-up, repetitions and median.
/// </summary>
public static class NpyComparison
{
    private const string NumpyScript = """
        import gc, json, sys, time
        import numpy as np
        source, target, warmup, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

        def measure(action):
            samples = []
            for i in range(warmup + repeats):
                gc.collect()
                start = time.perf_counter()
                action()
                elapsed = (time.perf_counter() - start) * 1000.0
                if i >= warmup:
                    samples.append(elapsed)
            return samples

        loaded = {}
        read = []
        for i in range(warmup + repeats):
            loaded.clear()                      # free the previous array outside the timing
            gc.collect()
            start = time.perf_counter()
            a = np.load(source)
            elapsed = (time.perf_counter() - start) * 1000.0
            loaded['a'] = a
            del a
            if i >= warmup:
                read.append(elapsed)

        array = loaded['a']
        write = measure(lambda: np.save(target, array))
        print(json.dumps({'read': read, 'write': write}))
        """;

    /// <summary>Runs the comparison for <paramref name="sizes"/> and returns the report.</summary>
    /// <exception cref="OracleFailedException">numpy is missing or its script failed.</exception>
    public static ComparisonReport Run(IReadOnlyList<string> sizes, int warmup, int repeats, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(log);
        OracleProbe probe = Oracle.Python.Probe("numpy");
        if (!probe.IsAvailable)
        {
            throw new OracleFailedException($"Oracle {probe.Name} is missing: {probe.Problem}");
        }

        string oracle = Oracle.Python.Run("import numpy, sys; print(f'numpy {numpy.__version__} (/usr/bin/python3 {sys.version.split()[0]})')").Trim();
        MachineInfo machine = MachineInfo.Current();
        var rows = new List<ComparisonRow>();
        using var folder = new TempDirectory();
        foreach (string size in sizes)
        {
            TensorData tensor = NpyBenchmarkData.Create(size);
            string label = $"{size} float32";
            string input = folder.Combine($"input-{size}.npy");
            string ours = folder.Combine($"ours-{size}.npy");
            string numpy = folder.Combine($"numpy-{size}.npy");
            NpyWriter.Write(input, tensor);
            long bytes = new FileInfo(input).Length;
            log.WriteLine($"{label} ({NpyBenchmarkData.FormatBytes(bytes)}): ours ...");

            TensorData? read = null;
            double[] oursRead = Timing.Measure(warmup, repeats, () =>
            {
                read = null;
                read = NpyReader.Read(input);
            });
            if (read is null || !read.ContentEquals(tensor))
            {
                throw new InvalidOperationException($"NpyReader did not read back the tensor of {input}.");
            }

            read = null;
            double[] oursWrite = Timing.Measure(warmup, repeats, () => NpyWriter.Write(ours, tensor));

            log.WriteLine($"{label}: one read per fresh process, ours and numpy ...");
            double[] oursFresh = FreshProcessRead.MeasureOurs(input, repeats);
            double[] numpyFresh = FreshProcessRead.MeasureNumpy(input, repeats);

            log.WriteLine($"{label}: numpy ...");
            string json = Oracle.Python.Run(
                NumpyScript,
                [input, numpy, warmup.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture)],
                TimeSpan.FromMinutes(30));
            using JsonDocument document = JsonDocument.Parse(json);
            double[] numpyRead = [.. document.RootElement.GetProperty("read").EnumerateArray().Select(e => e.GetDouble())];
            double[] numpyWrite = [.. document.RootElement.GetProperty("write").EnumerateArray().Select(e => e.GetDouble())];
            if (!SameBytes(ours, numpy))
            {
                throw new InvalidOperationException($"{ours} and numpy.save's {numpy} differ; the comparison would not be of the same work.");
            }

            rows.Add(new ComparisonRow("read", label, bytes, Timing.Median(oursRead), Timing.Median(numpyRead), oursRead, numpyRead));
            rows.Add(new ComparisonRow("read, fresh process", label, bytes, Timing.Median(oursFresh), Timing.Median(numpyFresh), oursFresh, numpyFresh));
            rows.Add(new ComparisonRow("write", label, bytes, Timing.Median(oursWrite), Timing.Median(numpyWrite), oursWrite, numpyWrite));
            File.Delete(input);
            File.Delete(ours);
            File.Delete(numpy);
        }

        string[] notes =
        [
            "read: NpyReader.Read(path) vs numpy.load(path) of the same file, which the warm-up leaves in the page cache on both sides.",
            "write: NpyWriter.Write(path) (temporary file in the same folder, preallocated, renamed over the previous output) vs numpy.save(path) (truncates and rewrites); neither calls fsync, so both measure writing into the page cache.",
            "read, fresh process: one read per new process (ours after JIT-compiling the reader on a tiny file, numpy after its import), median over the same number of processes; the tensor's memory is touched for the first time, as in a command-line run.",
            "Each side frees the previous array and runs a full garbage collection before each repetition, outside the timing.",
            "Our output file is checked to be byte-identical to numpy.save's, and our read to equal the written tensor.",
        ];
        return new ComparisonReport("npy", oracle, machine, warmup, repeats, notes, rows);
    }

    private static bool SameBytes(string left, string right)
    {
        using FileStream a = File.OpenRead(left);
        using FileStream b = File.OpenRead(right);
        if (a.Length != b.Length)
        {
            return false;
        }

        byte[] bufferA = new byte[1 << 20];
        byte[] bufferB = new byte[1 << 20];
        int n;
        while ((n = a.ReadAtLeast(bufferA, bufferA.Length, throwOnEndOfStream: false)) > 0)
        {
            b.ReadExactly(bufferB, 0, n);
            if (!bufferA.AsSpan(0, n).SequenceEqual(bufferB.AsSpan(0, n)))
            {
                return false;
            }
        }

        return true;
    }
}
