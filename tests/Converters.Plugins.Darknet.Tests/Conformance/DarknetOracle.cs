using System.Text.Json;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Conformance;

/// <summary>
/// Debian's pjreddie darknet (libdarknet.so through ctypes in /usr/bin/python3): parses cfgs, prints its
/// layer table, and initialises and saves random weights itself (seeded with srand).
/// </summary>
internal static class DarknetOracle
{
    public const string Library = "/usr/lib/darknet/libdarknet.so";

    public const string CfgFolder = "/usr/share/darknet/cfg";

    /// <summary>Python computing libdarknet's struct field offsets (see <see cref="DarknetStructs.Layouts"/>).</summary>
    public const string StructLayouts = DarknetStructs.Layouts;

    private const string Script = """
        import ctypes, json, os, sys, tempfile
        lib = ctypes.CDLL('/usr/lib/darknet/libdarknet.so')
        libc = ctypes.CDLL('libc.so.6')
        lib.parse_network_cfg.restype = ctypes.c_void_p
        lib.parse_network_cfg.argtypes = [ctypes.c_char_p]
        lib.save_weights.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.free_network.argtypes = [ctypes.c_void_p]
        result = {}
        capture = tempfile.mktemp()
        for i in range(1, len(sys.argv), 2):
            cfg, out = sys.argv[i], sys.argv[i + 1]
            # darknet opens files a cfg names (tree=) from its working directory: parse from the cfg's folder
            os.chdir(os.path.dirname(os.path.abspath(cfg)))
            libc.srand(1)
            sys.stderr.flush()
            saved = os.dup(2)
            fd = os.open(capture, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(fd, 2)
            try:
                net = lib.parse_network_cfg(cfg.encode())
                if out != '-':
                    lib.save_weights(net, out.encode())
                lib.free_network(net)
            finally:
                libc.fflush(None)
                os.dup2(saved, 2)
                os.close(fd)
                os.close(saved)
            with open(capture) as f:
                result[cfg] = f.read()
        os.unlink(capture)
        print(json.dumps(result))
        """;

    public static OracleProbe Probe()
    {
        OracleProbe python = Oracle.Python.Probe();
        if (!python.IsAvailable)
        {
            return python with { Name = "darknet (libdarknet.so via /usr/bin/python3)" };
        }

        return File.Exists(Library)
            ? new OracleProbe("darknet", true, null)
            : new OracleProbe("darknet", false, $"{Library} does not exist (install Debian's darknet package)");
    }

    public static bool Require(ITestOutputHelper output) => Oracle.SkipOrFail(output, Probe());

    /// <summary>Parses each cfg with darknet, saving its random weights to the paired path (or none for null); returns the printed table per cfg.</summary>
    public static Dictionary<string, string> Parse(params (string Cfg, string? Weights)[] cfgs)
    {
        string json = Oracle.Python.Run(Script, cfgs.SelectMany(c => new[] { c.Cfg, c.Weights ?? "-" }), TimeSpan.FromMinutes(5));
        return JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
    }

    /// <summary>The table lines darknet prints (without the "Saving weights" line).</summary>
    public static string[] TableLines(string printed) =>
        [.. printed.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith("Saving weights", StringComparison.Ordinal))];
}
