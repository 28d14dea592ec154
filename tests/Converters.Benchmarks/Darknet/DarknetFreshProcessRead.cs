using System.Diagnostics;
using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Darknet;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Darknet;

/// <summary>
/// One read of a cfg + weights per new process, the way a command-line run reads its model: ours after
/// JIT-compiling the reader on a tiny model, OpenCV after <c>import cv2</c>.
/// </summary>
public static class DarknetFreshProcessRead
{
    /// <summary>The benchmark program's hidden command that reads once and prints the milliseconds.</summary>
    public const string Command = "darknet-read-once";

    private const string OpenCvScript = """
        import sys, time
        import cv2
        start = time.perf_counter()
        net = cv2.dnn.readNetFromDarknet(sys.argv[1], sys.argv[2])
        print((time.perf_counter() - start) * 1000.0)
        """;

    /// <summary>Reads the model once in this process and prints the time in milliseconds.</summary>
    public static int RunInThisProcess(string cfg, string weights, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var format = new DarknetFormat();
        string folder = Directory.CreateTempSubdirectory("converters-bench-jit-").FullName;
        try
        {
            string tinyCfg = Path.Combine(folder, "tiny.cfg");
            string tinyWeights = Path.Combine(folder, "tiny.weights");
            File.WriteAllText(tinyCfg, "[net]\nwidth=2\nheight=2\nchannels=1\n[convolutional]\nbatch_normalize=1\nfilters=1\nsize=1\nactivation=leaky\n");
            File.WriteAllBytes(tinyWeights, [0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, .. new byte[8], .. new byte[5 * 4]]);
            format.Read([ModelFile.Open(tinyCfg), ModelFile.Open(tinyWeights)], FormatOptions.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        long start = Stopwatch.GetTimestamp();
        Model model = format.Read([ModelFile.Open(cfg), ModelFile.Open(weights)], FormatOptions.Empty);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        GC.KeepAlive(model);
        output.WriteLine(ms.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    public static double[] MeasureOurs(string cfg, string weights, int repeats)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var startInfo = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            {
                startInfo.ArgumentList.Add(typeof(DarknetFreshProcessRead).Assembly.Location);
            }

            startInfo.ArgumentList.Add(Command);
            startInfo.ArgumentList.Add(cfg);
            startInfo.ArgumentList.Add(weights);
            using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Cannot start {host}.");
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{host} {Command} exited with code {process.ExitCode}.");
            }

            samples[i] = double.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
        }

        return samples;
    }

    public static double[] MeasureOpenCv(string cfg, string weights, int repeats)
    {
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            samples[i] = double.Parse(Oracle.Python.Run(OpenCvScript, cfg, weights).Trim(), CultureInfo.InvariantCulture);
        }

        return samples;
    }
}
