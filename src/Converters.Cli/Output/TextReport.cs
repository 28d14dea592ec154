using System.Text;
using Converters.Abstractions;

namespace Converters.Cli.Output;

/// <summary>Writes a text report (Markdown) atomically (temporary file, then rename).</summary>
internal static class TextReport
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/>.</summary>
    /// <exception cref="OutputException">The file cannot be written.</exception>
    public static void Write(string path, string text)
    {
        try
        {
            string full = Path.GetFullPath(path);
            using var files = new AtomicFileSet(Path.GetDirectoryName(full)!);
            using (var writer = new StreamWriter(files.Create(Path.GetFileName(full)), new UTF8Encoding(false)))
            {
                writer.Write(text);
            }

            files.Commit();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new OutputException($"{path}: cannot write the report: {ex.Message}", ex);
        }
    }
}
