using System.Globalization;
using System.Text.Json;
using Converters.Abstractions;
using Converters.Benchmarks.Comparison;
using Converters.Ir;
using Converters.Plugins.Darknet;
using Converters.Testing;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Darknet;

/// <summary>
/// yolov3.cfg + a 248 MB yolov3.weights (random weights initialised and saved by Debian's darknet
/// itself): our read and our write against OpenCV's <c>cv2.dnn.readNetFromDarknet</c>, in one run.
/// </summary>
public static class DarknetComparison
{
    private const string Cfg = "/usr/share/darknet/cfg/yolov3.cfg";

    private const string GenerateScript = """
        import ctypes, sys
        lib = ctypes.CDLL('/usr/lib/darknet/libdarknet.so')
        libc = ctypes.CDLL('libc.so.6')
        lib.parse_network_cfg.restype = ctypes.c_void_p
        lib.parse_network_cfg.argtypes = [ctypes.c_char_p]
        lib.save_weights.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        libc.srand(1)
        net = lib.parse_network_cfg(sys.argv[1].encode())
        lib.save_weights(net, sys.argv[2].encode())
        """;

    private const string OpenCvScript = """
        import gc, json, sys, time
        import cv2
        cfg, weights, warmup, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        samples = []
        for i in range(warmup + repeats):
            net = None
            gc.collect()
            start = time.perf_counter()
            net = cv2.dnn.readNetFromDarknet(cfg, weights)
            elapsed = (time.perf_counter() - start) * 1000.0
            if i >= warmup:
                samples.append(elapsed)
        print(json.dumps({'read': samples, 'layers': len(net.getLayerNames())}))
        """;

    public static ComparisonReport Run(int warmup, int repeats, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        OracleProbe probe = Oracle.Python.Probe("cv2");
        if (!probe.IsAvailable || !File.Exists("/usr/lib/darknet/libdarknet.so") || !File.Exists(Cfg))
        {
            throw new OracleFailedException($"Oracles missing: {probe.Problem ?? "Debian's darknet (libdarknet.so and /usr/share/darknet/cfg) is not installed"}");
        }

        string oracle = Oracle.Python.Run("import cv2, sys; print(f'OpenCV {cv2.__version__} (/usr/bin/python3 {sys.version.split()[0]})')").Trim();
        using var folder = new TempDirectory();
        string cfg = folder.Combine("yolov3.cfg");
        File.Copy(Cfg, cfg);
        string weights = folder.Combine("yolov3.weights");
        log.WriteLine("generating yolov3.weights with darknet's parse_network_cfg + save_weights (srand(1)) ...");
        Oracle.Python.Run(GenerateScript, [cfg, weights], TimeSpan.FromMinutes(5));
        long bytes = new FileInfo(weights).Length;
        string label = string.Create(CultureInfo.InvariantCulture, $"yolov3 ({bytes / 1e6:0.0} MB)");

        var format = new DarknetFormat();
        ModelFile[] files = [ModelFile.Open(cfg), ModelFile.Open(weights)];
        log.WriteLine($"{label}: ours, read ...");
        Model? model = null;
        double[] oursRead = Timing.Measure(warmup, repeats, () =>
        {
            model = null;
            model = format.Read(files, FormatOptions.Empty);
        });

        log.WriteLine($"{label}: ours, write ...");
        string output = folder.Combine("out");
        double[] oursWrite = Timing.Measure(warmup, repeats, () => format.Write(model!, output, "yolov3", FormatOptions.Empty), Timing.FlushDirtyPages);
        if (!File.ReadAllBytes(Path.Combine(output, "yolov3.weights")).AsSpan().SequenceEqual(File.ReadAllBytes(weights)))
        {
            throw new InvalidOperationException("our written yolov3.weights differs from darknet's; the comparison would not be of the same work.");
        }

        log.WriteLine($"{label}: write floor (the same bytes, no model work) ...");
        byte[] fileBytes = File.ReadAllBytes(weights);
        string floorTarget = folder.Combine("floor.weights");
        double[] floorWrite = Timing.Measure(warmup, repeats, () => WriteFloor(fileBytes, floorTarget), Timing.FlushDirtyPages);

        log.WriteLine($"{label}: OpenCV readNetFromDarknet ...");
        string json = Oracle.Python.Run(
            OpenCvScript,
            [cfg, weights, warmup.ToString(CultureInfo.InvariantCulture), repeats.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromMinutes(30));
        using JsonDocument document = JsonDocument.Parse(json);
        double[] openCv = [.. document.RootElement.GetProperty("read").EnumerateArray().Select(e => e.GetDouble())];

        log.WriteLine($"{label}: one read per fresh process, ours and OpenCV ...");
        double[] oursFresh = DarknetFreshProcessRead.MeasureOurs(cfg, weights, repeats);
        double[] openCvFresh = DarknetFreshProcessRead.MeasureOpenCv(cfg, weights, repeats);

        var rows = new List<ComparisonRow>
        {
            new("read cfg + weights", label, bytes, Timing.Median(oursRead), Timing.Median(openCv), oursRead, openCv),
            new("read, fresh process", label, bytes, Timing.Median(oursFresh), Timing.Median(openCvFresh), oursFresh, openCvFresh),
            new("write cfg + weights", label, bytes, Timing.Median(oursWrite), Timing.Median(openCv), oursWrite, openCv),
            new("write floor: same bytes, no model", label, bytes, Timing.Median(floorWrite), Timing.Median(openCv), floorWrite, openCv),
        };
        string[] notes =
        [
            "The weights are random values initialised and saved by Debian's darknet (libdarknet.so parse_network_cfg + save_weights after srand(1)), 248,007,048 bytes like the published yolov3.weights.",
            "read: DarknetFormat.Read([yolov3.cfg, yolov3.weights]) — cfg parse, IR mapping, one bulk read per array into its tensor, shape inference and verification — vs cv2.dnn.readNetFromDarknet(cfg, weights) timed inside /usr/bin/python3; both files stay in the page cache after the warm-up on both sides.",
            "write: DarknetFormat.Write (cfg and weights to temporary files in the target folder, renamed into place) against the same OpenCV load: OpenCV cannot write Darknet, and the issue asks that reading and writing each be at least as fast as OpenCV's load. Our written weights are checked byte-identical to darknet's.",
            "write floor: the weights file's bytes from one array, written the way our writer writes (a temporary file preallocated with fallocate, positional 4 MiB writes over both cores, renamed over the previous output) with no model to walk: what writing 248 MB costs on this machine at all. The gap between it and OpenCV's load is the kernel's page-cache allocation for a new file plus freeing the replaced one.",
            "Before each write repetition (ours and the floor), outside the timing, every dirty page is flushed to disk (sync), so each write starts from the same state; otherwise the write-back of the previous repetitions' 248 MB throttles later ones at random (seen: 60 to 450 ms for the same write).",
            "read, fresh process: one read per new process (ours after JIT-compiling the reader on a tiny model, OpenCV after import cv2), median over the same number of processes; the model's memory is touched for the first time, as in a command-line run.",
            "Each side frees the previous model and runs a full garbage collection before each repetition, outside the timing.",
        ];
        return new ComparisonReport("darknet", oracle, MachineInfo.Current(), warmup, repeats, notes, rows, "OpenCV");
    }

    /// <summary>The bare cost of an atomic 248 MB write: preallocated temporary file, positional 4 MiB writes on all cores, rename.</summary>
    private static void WriteFloor(byte[] bytes, string target)
    {
        string temporary = target + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = bytes.Length }))
        {
            const int Chunk = 4 << 20;
            Microsoft.Win32.SafeHandles.SafeFileHandle handle = stream.SafeFileHandle;
            Parallel.For(0, (bytes.Length + Chunk - 1) / Chunk, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                int start = i * Chunk;
                RandomAccess.Write(handle, bytes.AsSpan(start, Math.Min(Chunk, bytes.Length - start)), start);
            });
        }

        File.Move(temporary, target, overwrite: true);
    }
}
