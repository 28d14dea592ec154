using System.Text;

namespace Converters.Testing;

/// <summary>
/// A fresh folder under the system temporary folder, deleted (best effort) on dispose. Tests write
/// their input files here so readers see real paths, as they do in the product.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates an empty folder named <c>converters-tests-*</c> in the temporary folder.</summary>
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("converters-tests-").FullName;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The full path of <paramref name="relativePath"/> inside the folder (not created).</summary>
    public string Combine(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <summary>Writes <paramref name="content"/> to <paramref name="fileName"/> in the folder and returns its full path.</summary>
    public string WriteFile(string fileName, byte[] content)
    {
        string path = Combine(fileName);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte order mark and returns the full path.</summary>
    public string WriteText(string fileName, string text) => WriteFile(fileName, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Deletes the folder and everything in it; files still held open elsewhere are left behind.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a reader abandoned after a timeout may still hold a file open.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above on platforms that report it this way.
        }
    }
}
