using System.Text.Json;
using Converters.Abstractions;

namespace Converters.Cli.Output;

/// <summary>Writes a machine-readable JSON report atomically (temporary file, then rename).</summary>
internal static class JsonReport
{
    /// <summary>Writes the JSON produced by <paramref name="write"/> to <paramref name="path"/>.</summary>
    /// <exception cref="OutputException">The file cannot be written.</exception>
    public static void Write(string path, Action<Utf8JsonWriter> write)
    {
        try
        {
            string full = Path.GetFullPath(path);
            using var files = new AtomicFileSet(Path.GetDirectoryName(full)!);
            using (Stream stream = files.Create(Path.GetFileName(full)))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                write(writer);
            }

            files.Commit();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OutputException($"{path}: cannot write the JSON report: {ex.Message}", ex);
        }
    }
}
