using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Converters.Ir.Npy;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) into a <see cref="TensorData"/>.
/// </summary>
/// <remarks>
/// <para>
/// Supported element types: <c>&lt;f2</c>, <c>&lt;f4</c>, <c>&lt;f8</c>, <c>|i1</c>, <c>|u1</c>,
/// <c>&lt;i2</c>, <c>&lt;i4</c>, <c>&lt;i8</c> and <c>|b1</c>, and the big-endian <c>&gt;</c> forms,
/// which are byte-swapped after reading. Scalars (shape <c>()</c>) and zero-size arrays are read.
/// </para>
/// <para>
/// <c>fortran_order: True</c> files (what <c>numpy.save</c> writes for a Fortran-contiguous array)
/// are transposed into the IR's C order, so the tensor has the same shape and the same values at
/// the same indices as the array numpy loads. This costs one extra copy of the data.
/// </para>
/// <para>
/// The file must hold exactly one array: a data section shorter than the shape implies and bytes
/// after the data are both errors. Every error is an <see cref="NpyFormatException"/> with the byte
/// offset and the field (<c>magic</c>, <c>version</c>, <c>header_len</c>, <c>header.descr</c>,
/// <c>header.shape[1]</c>, <c>data</c>). The data is read with one bulk read straight into the
/// tensor's storage; sizes are checked against the file length before anything large is allocated.
/// On Linux, a destination of 4 MiB or more is first offered transparent huge pages, as numpy does
/// for its arrays, which makes the first read in a process about three times faster.
/// </para>
/// </remarks>
public static class NpyReader
{
    /// <summary>Reads the <c>.npy</c> file at <paramref name="path"/>.</summary>
    /// <exception cref="NpyFormatException">The file is not a valid <c>.npy</c> file the IR can hold.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TensorData Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.SequentialScan);
        return Read(stream, path);
    }

    /// <summary>
    /// Reads one <c>.npy</c> array from <paramref name="stream"/>, which must end where the data
    /// ends. Byte offsets in errors count from the stream's position on entry.
    /// </summary>
    /// <param name="stream">A readable stream, seekable or not.</param>
    /// <param name="displayPath">The name to report in errors, or <see langword="null"/>.</param>
    /// <exception cref="NpyFormatException">The stream does not hold a valid <c>.npy</c> array the IR can hold.</exception>
    public static TensorData Read(Stream stream, string? displayPath)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        long? length = stream.CanSeek ? stream.Length - stream.Position : null;

        // Preamble: magic, version, header length.
        Span<byte> preamble = stackalloc byte[NpyFormat.PreambleLength + 4];
        int got = stream.ReadAtLeast(preamble[..NpyFormat.PreambleLength], NpyFormat.PreambleLength, throwOnEndOfStream: false);
        CheckMagic(preamble[..got], displayPath);
        if (got < NpyFormat.PreambleLength)
        {
            NpyThrowHelper.Throw(displayPath, got, "version", $"expected the two version bytes after the magic string, found the end of the file at byte {got}");
        }

        int major = preamble[6];
        int minor = preamble[7];
        if (minor != 0 || major is < 1 or > 3)
        {
            NpyThrowHelper.Throw(displayPath, 6, "version", $"expected format version 1.0, 2.0 or 3.0, found {major}.{minor}");
        }

        int lengthSize = NpyFormat.HeaderLengthFieldSize(major);
        Span<byte> lengthField = preamble.Slice(NpyFormat.PreambleLength, lengthSize);
        got = stream.ReadAtLeast(lengthField, lengthSize, throwOnEndOfStream: false);
        if (got < lengthSize)
        {
            long end = NpyFormat.PreambleLength + got;
            NpyThrowHelper.Throw(displayPath, NpyFormat.PreambleLength, "header_len", $"expected a {lengthSize}-byte header length (version {major}.0), found the end of the file at byte {end}");
        }

        long headerLength = lengthSize == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        long headerStart = NpyFormat.PreambleLength + lengthSize;
        if (length is long total && headerLength > total - headerStart)
        {
            ThrowHeaderBeyondFile(displayPath, headerLength, headerStart, total);
        }

        if (headerLength > NpyFormat.MaxHeaderLength)
        {
            NpyThrowHelper.Throw(displayPath, NpyFormat.PreambleLength, "header_len", $"expected a header of at most {NpyFormat.MaxHeaderLength} bytes, found a length of {headerLength}; the length field is probably corrupt");
        }

        byte[] headerBytes = new byte[headerLength];
        got = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (got < headerBytes.Length)
        {
            ThrowHeaderBeyondFile(displayPath, headerLength, headerStart, headerStart + got);
        }

        Encoding encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        NpyHeader header = NpyHeaderParser.Parse(headerBytes, headerStart, encoding, displayPath);
        if (!NpyDescriptor.TryParse(header.Descr, out NpyDescriptor descriptor, out string? problem))
        {
            NpyThrowHelper.Throw(displayPath, header.DescrOffset, "header.descr", $"expected one of {NpyDescriptor.SupportedList}, found '{header.Descr}': {problem}");
        }

        long dataStart = headerStart + headerLength;
        long byteCount = DataByteCount(header, descriptor.DataType, displayPath);
        if (length is long fileLength)
        {
            long available = fileLength - dataStart;
            if (available < byteCount)
            {
                ThrowDataTooShort(displayPath, header, descriptor.DataType, byteCount, dataStart, fileLength);
            }

            if (available > byteCount)
            {
                ThrowTrailingBytes(displayPath, dataStart + byteCount, available - byteCount);
            }
        }

        // In Fortran order the bytes are the C-order layout of the reversed shape.
        int[] dims = header.Shape;
        bool transpose = header.FortranOrder && dims.Length > 1;
        int[] storedDims = transpose ? [.. Enumerable.Reverse(dims)] : dims;
        TensorData tensor = TensorData.Zeros(descriptor.DataType, new TensorShape(storedDims));
        Span<byte> data = tensor.AsBytes();
        NpyHugePages.Advise(data);
        got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            ThrowDataTooShort(displayPath, header, descriptor.DataType, byteCount, dataStart, dataStart + got);
        }

        if (length is null)
        {
            long trailing = CountRemainingBytes(stream);
            if (trailing > 0)
            {
                ThrowTrailingBytes(displayPath, dataStart + byteCount, trailing);
            }
        }

        if (descriptor.BigEndian)
        {
            SwapBytes(data, DataTypeInfo.SizeOf(descriptor.DataType));
        }

        if (descriptor.DataType == DataType.Bool)
        {
            CheckBooleans(data, dataStart, displayPath);
        }

        return transpose ? NpyFortranOrder.ToCOrder(tensor, new TensorShape(dims)) : tensor;
    }

    private static void CheckMagic(ReadOnlySpan<byte> start, string? displayPath)
    {
        ReadOnlySpan<byte> magic = NpyFormat.Magic;
        int compared = Math.Min(start.Length, magic.Length);
        int mismatch = start[..compared].CommonPrefixLength(magic[..compared]);
        if (mismatch == magic.Length)
        {
            return;
        }

        if (mismatch < compared)
        {
            string hint = start.StartsWith("PK"u8) ? " (this looks like a zip archive such as an .npz file; extract its .npy members first)" : " (this is not a NumPy .npy file)";
            NpyThrowHelper.Throw(displayPath, mismatch, "magic", $"expected the .npy magic string \\x93NUMPY, found {Hex(start[..compared])}{hint}");
        }

        NpyThrowHelper.Throw(displayPath, start.Length, "magic", $"expected the 6-byte .npy magic string \\x93NUMPY, found the end of the file after {start.Length} bytes");
    }

    private static long DataByteCount(NpyHeader header, DataType dataType, string? displayPath)
    {
        int elementSize = DataTypeInfo.SizeOf(dataType);
        long maxElements = NpyFormat.MaxDataBytes / elementSize;
        long count = 1;
        bool tooLarge = false;
        foreach (int d in header.Shape)
        {
            if (d == 0)
            {
                return 0;
            }

            // Dimensions are at most int.MaxValue, so the product cannot overflow before it is checked.
            count = tooLarge ? count : count * d;
            tooLarge |= count > maxElements;
        }

        if (tooLarge)
        {
            string shape = Shape(header.Shape);
            NpyThrowHelper.Throw(
                displayPath,
                header.ShapeOffset,
                "header.shape",
                $"expected at most {maxElements} {DataTypeInfo.Name(dataType)} elements ({NpyFormat.MaxDataBytes} bytes, the largest array .NET can index), found shape {shape}; split the array into smaller files");
        }

        return count * elementSize;
    }

    private static void SwapBytes(Span<byte> data, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                Span<ushort> halves = MemoryMarshal.Cast<byte, ushort>(data);
                BinaryPrimitives.ReverseEndianness(halves, halves);
                break;
            case 4:
                Span<uint> words = MemoryMarshal.Cast<byte, uint>(data);
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 8:
                Span<ulong> longs = MemoryMarshal.Cast<byte, ulong>(data);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
            default:
                break;
        }
    }

    private static void CheckBooleans(ReadOnlySpan<byte> data, long dataStart, string? displayPath)
    {
        int bad = data.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
        {
            NpyThrowHelper.Throw(displayPath, dataStart + bad, "data", $"expected a bool byte 0 or 1 at element {bad} (in file order), found 0x{data[bad]:X2}");
        }
    }

    private static long CountRemainingBytes(Stream stream)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long count = 0;
        int n;
        while ((n = stream.Read(scratch)) > 0)
        {
            count += n;
        }

        return count;
    }

    private static void ThrowHeaderBeyondFile(string? displayPath, long headerLength, long headerStart, long fileEnd) =>
        NpyThrowHelper.Throw(
            displayPath,
            NpyFormat.PreambleLength,
            "header_len",
            $"expected a header of {headerLength} bytes from byte {headerStart} to byte {headerStart + headerLength}, found the end of the file at byte {fileEnd}");

    private static void ThrowDataTooShort(string? displayPath, NpyHeader header, DataType dataType, long byteCount, long dataStart, long fileEnd) =>
        NpyThrowHelper.Throw(
            displayPath,
            fileEnd,
            "data",
            $"expected {byteCount} bytes of {DataTypeInfo.Name(dataType)} data for shape {Shape(header.Shape)} from byte {dataStart} to byte {dataStart + byteCount}, found the end of the file at byte {fileEnd} ({fileEnd - dataStart} bytes of data); the file is truncated");

    private static void ThrowTrailingBytes(string? displayPath, long dataEnd, long trailing) =>
        NpyThrowHelper.Throw(
            displayPath,
            dataEnd,
            "data",
            $"expected the file to end at byte {dataEnd} after the data, found {trailing} more bytes; a .npy file holds exactly one array");

    private static string Shape(int[] dims) => dims.Length switch
    {
        0 => "()",
        1 => string.Create(CultureInfo.InvariantCulture, $"({dims[0]},)"),
        _ => $"({string.Join(", ", dims)})",
    };

    private static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', bytes.ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
}
