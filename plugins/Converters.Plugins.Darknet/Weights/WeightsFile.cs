using System.Globalization;
using System.Runtime.InteropServices;
using Converters.Abstractions;
using Converters.Ir;
using Microsoft.Win32.SafeHandles;

namespace Converters.Plugins.Darknet.Weights;

/// <summary>
/// Reads and writes <c>.weights</c>: a header, then raw little-endian float32 arrays in cfg layer order
/// with no names, lengths or checksum. The byte count is checked against what the cfg implies before
/// anything is read; each array is read with one positional read straight into its tensor's storage
/// (arrays spread over the cores), and written with positional writes from it (preallocated, in 4 MiB
/// chunks over the cores).
/// </summary>
internal static class WeightsFile
{
    /// <summary>Writes are split into chunks of at most 4 MiB, spread over the cores.</summary>
    private const int ChunkFloats = 1 << 20;

    public static (WeightsHeader Header, Dictionary<string, TensorData> Tensors) Read(string path, IReadOnlyList<WeightSlot> slots, DarknetFork fork)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string reason = ex is FileNotFoundException or DirectoryNotFoundException ? "file not found" : ex.Message;
            throw new ModelFormatException($"cannot read the weights file: {reason}", ex) { FilePath = path };
        }

        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> headerBytes = stackalloc byte[20];
            int got = RandomAccess.Read(handle, headerBytes, 0);
            if (got < 16)
            {
                throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture, $"the weights file has {length} bytes, fewer than the 16-byte header (major, minor, revision, seen)"))
                {
                    FilePath = path,
                    ByteOffset = length,
                    FieldPath = "header",
                };
            }

            WeightsHeader header = WeightsHeader.Parse(headerBytes, fork);
            if (header.Major < 0 || header.Minor < 0 || header.Revision < 0)
            {
                throw new ModelFormatException($"the header's version {header.Version} has a negative part; expected 0.1.x, 0.2.x (pjreddie) or 0.2.5 (AlexeyAB). Is this a .weights file?")
                {
                    FilePath = path,
                    ByteOffset = 0,
                    FieldPath = "header.version",
                };
            }

            long expectedFloats = slots.Sum(s => s.Count);
            long expected = header.ByteCount + (expectedFloats * 4);
            if (length != expected)
            {
                throw LengthMismatch(path, slots, header, length, expected);
            }

            // One positional read per array straight into its tensor's storage; the arrays are read on
            // all cores, which overlaps the page faults of first-touched memory with the copies.
            var arrays = new float[slots.Count][];
            var offsets = new long[slots.Count];
            long offset = header.ByteCount;
            for (int i = 0; i < slots.Count; i++)
            {
                arrays[i] = GC.AllocateUninitializedArray<float>(checked((int)slots[i].Count));
                offsets[i] = offset;
                offset += slots[i].Count * sizeof(float);
            }

            Parallel.For(0, slots.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                ReadExactly(handle, MemoryMarshal.AsBytes(arrays[i].AsSpan()), offsets[i]));

            var tensors = new Dictionary<string, TensorData>(slots.Count, StringComparer.Ordinal);
            for (int i = 0; i < slots.Count; i++)
            {
                WeightSlot slot = slots[i];
                float[] data = arrays[i];
                if (slot.TransposedRows > 0 && header.Transposed)
                {
                    data = Transpose(data, slot.TransposedRows, checked((int)(slot.Count / slot.TransposedRows)));
                }

                tensors[slot.Initializer] = TensorData.Create(slot.Shape, data);
            }

            return (header, tensors);
        }
    }

    public static void Write(FileStream stream, WeightsHeader header, IReadOnlyList<(WeightSlot Slot, TensorData Tensor)> arrays)
    {
        byte[] headerBytes = new byte[header.ByteCount];
        header.WriteTo(headerBytes.AsSpan());
        long total = header.ByteCount + arrays.Sum(a => a.Tensor.ByteCount);
        SafeFileHandle handle = stream.SafeFileHandle;
        KernelHints.Preallocate(handle, total);
        RandomAccess.Write(handle, headerBytes, 0);

        // Positional writes of up to 4 MiB from each tensor's storage, spread over the cores.
        var chunks = new List<(int Array, int Start, int Count, long Offset)>();
        var sources = new ReadOnlyMemory<byte>[arrays.Count];
        long offset = header.ByteCount;
        for (int i = 0; i < arrays.Count; i++)
        {
            (WeightSlot slot, TensorData tensor) = arrays[i];
            float[] data = slot.TransposedRows > 0 && header.Transposed
                ? Transpose(tensor.AsSpan<float>().ToArray(), checked((int)(slot.Count / slot.TransposedRows)), slot.TransposedRows)
                : null!;
            int length = checked((int)tensor.ByteCount);
            for (int start = 0; start < length; start += ChunkFloats * sizeof(float))
            {
                chunks.Add((i, start, Math.Min(ChunkFloats * sizeof(float), length - start), offset + start));
            }

            sources[i] = data is null ? default : MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
            offset += length;
        }

        Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, chunk =>
        {
            ReadOnlySpan<byte> source = sources[chunk.Array].IsEmpty ? arrays[chunk.Array].Tensor.AsBytes() : sources[chunk.Array].Span;
            RandomAccess.Write(handle, source.Slice(chunk.Start, chunk.Count), chunk.Offset);
        });
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long position)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, position);
            if (read <= 0)
            {
                throw new IOException($"the weights file shrank while being read (at byte {position})");
            }

            destination = destination[read..];
            position += read;
        }
    }

    /// <summary>A row-major [rows][columns] matrix to [columns][rows].</summary>
    private static float[] Transpose(float[] data, int rows, int columns)
    {
        var result = new float[data.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = data[(r * columns) + c];
            }
        }

        return result;
    }

    private static ModelFormatException LengthMismatch(string path, IReadOnlyList<WeightSlot> slots, WeightsHeader header, long length, long expected)
    {
        var inv = CultureInfo.InvariantCulture;
        long floats = (expected - header.ByteCount) / 4;
        string totals = string.Create(inv, $"the cfg implies {expected:N0} bytes (a {header.ByteCount}-byte header for version {header.Version} + {floats:N0} floats), the file has {length:N0}");
        if (length > expected)
        {
            string last = slots.Count == 0 ? "the header" : $"the last array ('{slots[^1].ArrayName}' of layer {slots[^1].LayerName})";
            return new ModelFormatException(string.Create(inv, $"the weights file is {length - expected:N0} bytes too long: {totals}; {last} ends at byte {expected:N0}. Is it for another cfg (more layers or filters)?"))
            {
                FilePath = path,
                ByteOffset = expected,
                FieldPath = "weights",
            };
        }

        long offset = header.ByteCount;
        foreach (WeightSlot slot in slots)
        {
            long end = offset + (slot.Count * 4);
            if (length < end)
            {
                return new ModelFormatException(string.Create(inv, $"the weights file ends at byte {length:N0} inside layer {slot.LayerName} (expected {slot.Count:N0} floats for '{slot.ArrayName}' at byte {offset:N0}); {totals}. Is it for another cfg?"))
                {
                    FilePath = path,
                    ByteOffset = length,
                    FieldPath = $"{slot.LayerName}.{slot.ArrayName}",
                };
            }

            offset = end;
        }

        return new ModelFormatException(string.Create(inv, $"the weights file ends at byte {length:N0} inside the header; {totals}")) { FilePath = path, ByteOffset = length, FieldPath = "header" };
    }
}
