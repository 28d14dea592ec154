using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using Xunit.Abstractions;

namespace Converters.Testing.Oracles;

/// <summary>
/// A Python interpreter used as an oracle: checks that modules import, and runs a script
/// (<c>python -c script args…</c>) with a timeout, returning its standard output. The child gets
/// no <c>PYTHONPATH</c>/<c>PYTHONHOME</c> from our environment, so the interpreter sees only its
/// own packages (the <c>python3</c> first on PATH may be another interpreter without them).
/// </summary>
public sealed class PythonOracle
{
    /// <summary>The interpreter Debian's python3-numpy, python3-opencv and python3-torch install into.</summary>
    public const string DebianPath = "/usr/bin/python3";

    private static readonly Dictionary<string, string> s_debianPackages = new(StringComparer.Ordinal)
    {
        ["numpy"] = "python3-numpy",
        ["cv2"] = "python3-opencv",
        ["torch"] = "python3-torch",
    };

    private readonly ConcurrentDictionary<string, OracleProbe> _probes = new(StringComparer.Ordinal);

    /// <summary>Uses the interpreter at <paramref name="executablePath"/>.</summary>
    public PythonOracle(string executablePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(executablePath);
        ExecutablePath = executablePath;
    }

    /// <summary>The interpreter.</summary>
    public string ExecutablePath { get; }

    /// <summary>How long <see cref="Run(string, IEnumerable{string}, TimeSpan?)"/> waits by default.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>Checks (once per set of modules) that the interpreter exists and imports <paramref name="modules"/>.</summary>
    public OracleProbe Probe(params string[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        string key = string.Join(',', modules);
        return _probes.GetOrAdd(key, _ => ProbeNow(modules));
    }

    /// <summary>
    /// <see cref="Probe"/> followed by <see cref="Oracle.SkipOrFail"/>: <see langword="true"/> when
    /// the test can go on; <see langword="false"/> (skipped, message written) or a failure in CI.
    /// </summary>
    public bool Require(ITestOutputHelper output, params string[] modules) => Oracle.SkipOrFail(output, Probe(modules));

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> (in <c>sys.argv[1:]</c>) and returns its standard output.</summary>
    /// <exception cref="OracleFailedException">The interpreter is missing, exits with a non-zero code or times out.</exception>
    public string Run(string script, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Remove("PYTHONPATH");
        startInfo.Environment.Remove("PYTHONHOME");
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new OracleFailedException($"Cannot start {ExecutablePath}: {e.Message}", e);
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        TimeSpan limit = timeout ?? DefaultTimeout;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new OracleFailedException($"{ExecutablePath} did not finish within {limit.TotalSeconds:0} s. Standard error so far:\n{stderr.Result}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new OracleFailedException($"{ExecutablePath} exited with code {process.ExitCode}. Standard error:\n{stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> and the default timeout.</summary>
    public string Run(string script, params string[] arguments) => Run(script, arguments, timeout: null);

    private OracleProbe ProbeNow(string[] modules)
    {
        string name = modules.Length == 0 ? ExecutablePath : $"{ExecutablePath} + {string.Join(", ", modules)}";
        if (!File.Exists(ExecutablePath))
        {
            return new OracleProbe(name, false, $"{ExecutablePath} does not exist (install Debian's python3 and {Packages(modules)})");
        }

        try
        {
            Run("import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)", modules, TimeSpan.FromMinutes(1));
            return new OracleProbe(name, true, null);
        }
        catch (OracleFailedException e)
        {
            string last = e.Message.TrimEnd().Split('\n')[^1];
            return new OracleProbe(name, false, $"{ExecutablePath} cannot import {string.Join(", ", modules)} ({last}); install {Packages(modules)}");
        }
    }

    private static string Packages(string[] modules) =>
        modules.Length == 0 ? "nothing else" : string.Join(", ", modules.Select(m => s_debianPackages.GetValueOrDefault(m, $"the module '{m}'")));
}
