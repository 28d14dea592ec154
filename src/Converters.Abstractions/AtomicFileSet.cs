namespace Converters.Abstractions;

/// <summary>
/// Writes a set of files so that either all of them appear under their final names or none do:
/// each is written to a hidden temporary file in the target folder and renamed into place by
/// <see cref="Commit"/>. Disposing without committing deletes the temporaries. Existing files
/// with the final names are replaced only at commit.
/// </summary>
public sealed class AtomicFileSet : IDisposable
{
    private readonly string _directory;
    private readonly List<(string Temporary, string Final, FileStream? Stream)> _files = [];
    private bool _committed;

    /// <summary>Prepares to write into <paramref name="directory"/>, creating it if needed.</summary>
    public AtomicFileSet(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Creates <paramref name="fileName"/> (a name, not a path) and returns a stream to write it.</summary>
    /// <exception cref="ArgumentException">The name has a directory part or is already in this set.</exception>
    public Stream Create(string fileName)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        if (Path.GetFileName(fileName) != fileName)
        {
            throw new ArgumentException($"'{fileName}' must be a file name without a directory.", nameof(fileName));
        }

        string final = Path.Combine(_directory, fileName);
        if (_files.Any(f => f.Final == final))
        {
            throw new ArgumentException($"'{fileName}' is already part of this output.", nameof(fileName));
        }

        string temporary = Path.Combine(_directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _files.Add((temporary, final, stream));
        return stream;
    }

    /// <summary>Closes every stream and renames the files into place; returns their final paths.</summary>
    public IReadOnlyList<string> Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        for (int i = 0; i < _files.Count; i++)
        {
            (string temporary, string final, FileStream? stream) = _files[i];
            // Callers usually dispose their streams before committing; a disposed FileStream has flushed.
            if (stream is not null)
            {
                if (stream.CanWrite)
                {
                    stream.Flush(flushToDisk: false);
                }

                stream.Dispose();
            }

            _files[i] = (temporary, final, null);
        }

        foreach ((string temporary, string final, _) in _files)
        {
            File.Move(temporary, final, overwrite: true);
        }

        _committed = true;
        return [.. _files.Select(f => f.Final)];
    }

    /// <summary>Deletes the temporary files unless <see cref="Commit"/> ran.</summary>
    public void Dispose()
    {
        if (_committed)
        {
            return;
        }

        foreach ((string temporary, _, FileStream? stream) in _files)
        {
            stream?.Dispose();
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: a temporary we cannot delete is hidden and named as ours.
            }
        }

        _files.Clear();
        _committed = true;
    }
}
