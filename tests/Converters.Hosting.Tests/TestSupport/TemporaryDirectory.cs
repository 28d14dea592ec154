namespace Converters.Hosting.Tests.TestSupport;

/// <summary>A fresh empty directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "converters-hosting-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Creates subdirectory <paramref name="relativePath"/> and returns its full path.</summary>
    public string CreateDirectory(string relativePath) => Directory.CreateDirectory(System.IO.Path.Combine(Path, relativePath)).FullName;

    /// <summary>Writes <paramref name="text"/> to <paramref name="fileName"/> and returns its full path.</summary>
    public string WriteFile(string fileName, string text)
    {
        string path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory and uniquely named.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
