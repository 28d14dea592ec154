namespace Converters.Abstractions;

/// <summary>A model file named by the user, with its extension and first bytes for detection.</summary>
public sealed class ModelFile
{
    /// <summary>How many leading bytes <see cref="Header"/> holds at most.</summary>
    public const int HeaderSize = 4096;

    /// <summary>Creates a descriptor from a path and already read header bytes.</summary>
    public ModelFile(string path, ReadOnlyMemory<byte> header, long length)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        Header = header;
        Length = length;
    }

    /// <summary>The path as the user gave it (used in error messages).</summary>
    public string Path { get; }

    /// <summary>The extension, lower case with the dot (empty if none).</summary>
    public string Extension => System.IO.Path.GetExtension(Path).ToLowerInvariant();

    /// <summary>The file name without directory or extension.</summary>
    public string BaseName => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The first bytes of the file (up to <see cref="HeaderSize"/>).</summary>
    public ReadOnlyMemory<byte> Header { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    /// <summary>Opens <paramref name="path"/> and reads its header.</summary>
    /// <exception cref="ModelFormatException">The file does not exist or cannot be read.</exception>
    public static ModelFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using FileStream stream = File.OpenRead(path);
            byte[] header = new byte[(int)Math.Min(HeaderSize, stream.Length)];
            stream.ReadExactly(header);
            return new ModelFile(path, header, stream.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string reason = ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message;
            throw new ModelFormatException($"cannot open the file: {reason}", ex) { FilePath = path };
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Path;
}
