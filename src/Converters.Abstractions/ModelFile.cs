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
            throw new ModelFormatException($"cannot open the file: {Reason(ex)}", ex) { FilePath = path };
        }
    }

    /// <summary>
    /// Reads a whole file a reader parses in memory (a text format), refusing one larger than
    /// <paramref name="maxBytes"/> before reading it.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The largest file the format reads.</param>
    /// <param name="tooLargeHint">Appended to the too-large message, e.g. " Is it a .weights file?".</param>
    /// <exception cref="ModelFormatException">The file is too large, missing or unreadable.</exception>
    public static byte[] ReadAllBytes(string path, long maxBytes, string? tooLargeHint = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > maxBytes)
            {
                throw new ModelFormatException($"the file has {info.Length} bytes, more than the {maxBytes} this format reads.{tooLargeHint}") { FilePath = path };
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read the file: {Reason(ex)}", ex) { FilePath = path };
        }
    }

    private static string Reason(Exception ex) =>
        ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message;

    /// <inheritdoc/>
    public override string ToString() => Path;
}
