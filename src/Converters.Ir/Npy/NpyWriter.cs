using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Converters.Ir.Npy;

/// <summary>
/// Writes a <see cref="TensorData"/> as a NumPy <c>.npy</c> file that is byte for byte what
/// <c>numpy.save</c> writes for the same array: little-endian data in C order, the header dict
/// with its keys sorted and numpy's spare spaces for the growth axis, padded with spaces and a
/// final <c>'\n'</c> so the data starts on a 64-byte boundary. Format version 1.0 is used when the
/// header fits its 2-byte length field, otherwise 2.0.
/// </summary>
public static class NpyWriter
{
    /// <summary>
    /// Writes <paramref name="tensor"/> to <paramref name="path"/> atomically: the bytes go to a
    /// temporary file in the same folder, which is renamed over <paramref name="path"/> only once
    /// complete. If anything fails, the temporary file is deleted and an existing file at
    /// <paramref name="path"/> is left as it was.
    /// </summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, TensorData tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensor);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' does not name a file.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        byte[] header = BuildHeader(tensor.DataType, tensor.Shape);
        bool committed = false;
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = header.Length + tensor.ByteCount,
            };
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(header);
                stream.Write(tensor.AsBytes());
            }

            File.Move(temporary, fullPath, overwrite: true);
            committed = true;
        }
        finally
        {
            if (!committed)
            {
                TryDelete(temporary);
            }
        }
    }

    /// <summary>Writes <paramref name="tensor"/> as one <c>.npy</c> array to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, TensorData tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(stream));
        }

        stream.Write(BuildHeader(tensor.DataType, tensor.Shape));
        stream.Write(tensor.AsBytes());
    }

    /// <summary>The magic string, version, header length and padded header dict, as numpy writes them.</summary>
    internal static byte[] BuildHeader(DataType dataType, TensorShape shape)
    {
        var dict = new StringBuilder(128);
        dict.Append("{'descr': '").Append(NpyDescriptor.Format(dataType)).Append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.Rank; i++)
        {
            if (i > 0)
            {
                dict.Append(", ");
            }

            dict.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        dict.Append(shape.Rank == 1 ? ",), }" : "), }");
        if (shape.Rank > 0)
        {
            int digits = shape[0].ToString(CultureInfo.InvariantCulture).Length;
            dict.Append(' ', NpyFormat.GrowthAxisMaxDigits - digits);
        }

        // The dict, its padding and the final '\n' fill up to the next 64-byte boundary; numpy
        // pads a full 64 bytes when the unpadded header already ends on one.
        int dictLength = dict.Length + 1;
        int major = 1;
        int lengthSize = NpyFormat.HeaderLengthFieldSize(major);
        int padding = NpyFormat.Alignment - ((NpyFormat.PreambleLength + lengthSize + dictLength) % NpyFormat.Alignment);
        if (dictLength + padding > NpyFormat.MaxVersion1HeaderLength)
        {
            major = 2;
            lengthSize = NpyFormat.HeaderLengthFieldSize(major);
            padding = NpyFormat.Alignment - ((NpyFormat.PreambleLength + lengthSize + dictLength) % NpyFormat.Alignment);
        }

        int headerLength = dictLength + padding;
        byte[] bytes = new byte[NpyFormat.PreambleLength + lengthSize + headerLength];
        Span<byte> span = bytes;
        NpyFormat.Magic.CopyTo(span);
        span[6] = (byte)major;
        span[7] = 0;
        if (lengthSize == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span[NpyFormat.PreambleLength..], (ushort)headerLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[NpyFormat.PreambleLength..], (uint)headerLength);
        }

        Span<byte> header = span[(NpyFormat.PreambleLength + lengthSize)..];
        int written = Encoding.ASCII.GetBytes(dict.ToString(), header);
        header[written..^1].Fill((byte)' ');
        header[^1] = (byte)'\n';
        return bytes;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary is hidden and named as ours.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort, as above.
        }
    }
}
