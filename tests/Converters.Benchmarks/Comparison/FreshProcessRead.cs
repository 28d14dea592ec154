using System.Diagnostics;
using System.Globalization;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing.Oracles;

namespace Converters.Benchmarks.Comparison;

/// <summary>
/// One read in a fresh process, the way a command-line tool reads its input: the tensor's memory is
/// touched for the first time, so page faults are paid, unlike the repeated reads of a warm process
/// whose runtime reuses the memory freed by the previous repetition. JIT compilation (ours) and
/// <c>import numpy</c> (numpy's) happen before the timing.
/// </summary>
public static class FreshProcessRead
{
    /// <summary>The hidden command that times one read in this (fresh) process.</summary>
    public const string Command = "read-once";

    private const string NumpyScript = """
        import sys, time
        import numpy as np
        start = time.perf_counter()
        a = np.load(sys.argv[1])
        print((time.perf_counter() - start) * 1000.0)
        """;

    /// <summary>Runs <see cref="Command"/>: reads a small file to compile the reader, then times one read of <paramref name="path"/>.</summary>
    public static int RunInThisProcess(string path, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string warmup = Path.Combine(Path.GetTempPath(), $"converters-bench-jit-{Environment.ProcessId}.npy");
        NpyWriter.Write(warmup, TensorData.Zeros(DataType.Float32, TensorShape.Of(4)));
        NpyReader.Read(warmup);
        File.Delete(warmup);

        long start = Stopwatch.GetTimestamp();
        TensorData tensor = NpyReader.Read(path);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        GC.KeepAlive(tensor);
        output.WriteLine(ms.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>Times one read of <paramref name="path"/> in each of <paramref name="repeats"/> fresh processes of ours.</summary>
    public static double[] MeasureOurs(string path, int repeats)
    {
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            samples[i] = RunOurs(path);
        }

        return samples;
    }

    /// <summary>Times one <c>numpy.load</c> of <paramref name="path"/> in each of <paramref name="repeats"/> fresh Python processes.</summary>
    public static double[] MeasureNumpy(string path, int repeats)
    {
        var samples = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            samples[i] = double.Parse(Oracle.Python.Run(NumpyScript, path).Trim(), CultureInfo.InvariantCulture);
        }

        return samples;
    }

    private static double RunOurs(string path)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var startInfo = new ProcessStartInfo(host) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            startInfo.ArgumentList.Add(typeof(FreshProcessRead).Assembly.Location);
        }

        startInfo.ArgumentList.Add(Command);
        startInfo.ArgumentList.Add(path);
        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Cannot start {host}.");
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{host} {Command} exited with code {process.ExitCode}.");
        }

        return double.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
    }
}
