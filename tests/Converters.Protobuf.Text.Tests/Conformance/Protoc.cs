using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Converters.Testing.Oracles;

namespace Converters.Protobuf.Text.Tests.Conformance;

/// <summary>
/// The protoc of the Grpc.Tools package (Google's C++ protobuf) as the independent text-format oracle:
/// <c>--encode</c> parses text format into binary, <c>--decode</c> prints binary as text format.
/// </summary>
internal static class Protoc
{
    private static readonly string SchemaDirectory = Metadata("SchemaDirectory");

    public static string ExecutablePath { get; } = Path.Combine(Metadata("ProtocToolsDirectory"), "tools", Platform(), OperatingSystem.IsWindows() ? "protoc.exe" : "protoc");

    public static OracleProbe Probe() => File.Exists(ExecutablePath)
        ? new OracleProbe("protoc", true, null)
        : new OracleProbe("protoc", false, $"{ExecutablePath} does not exist (restore the Grpc.Tools package)");

    /// <summary>Runs <c>protoc --encode</c>; returns the binary message, or the error text when protoc rejects the input.</summary>
    public static (byte[]? Binary, string Errors) Encode(string schemaFile, string messageType, string text) =>
        Run(["--encode=" + messageType, "-I", SchemaDirectory, schemaFile], System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Runs <c>protoc --decode</c> and returns the C++ printer's text.</summary>
    public static string Decode(string schemaFile, string messageType, byte[] binary)
    {
        (byte[]? output, string errors) = Run(["--decode=" + messageType, "-I", SchemaDirectory, schemaFile], binary);
        return output is null ? throw new OracleFailedException($"protoc --decode failed: {errors}") : System.Text.Encoding.UTF8.GetString(output);
    }

    private static (byte[]? Output, string Errors) Run(string[] arguments, byte[] input)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new OracleFailedException("protoc did not start");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.BaseStream.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill();
            throw new OracleFailedException("protoc took more than a minute");
        }

        copy.Wait();
        return (process.ExitCode == 0 ? output.ToArray() : null, errors.Result);
    }

    private static string Metadata(string key) =>
        typeof(Protoc).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string Platform()
    {
        string os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macosx" : "linux";
        if (os == "macosx")
        {
            return "macosx_universal";
        }

        return RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => $"{os}_arm64",
            Architecture.X86 => $"{os}_x86",
            _ => $"{os}_x64",
        };
    }
}
