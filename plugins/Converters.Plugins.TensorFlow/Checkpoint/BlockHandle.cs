namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>Where a block of a table is: its offset and its size without the 5-byte trailer (two varint64 on the wire).</summary>
/// <param name="Offset">The byte offset of the block in the file.</param>
/// <param name="Size">The size of the block contents, excluding the trailer.</param>
internal readonly record struct BlockHandle(ulong Offset, ulong Size)
{
    /// <summary>At most two 10-byte varints.</summary>
    public const int MaxEncodedLength = 20;

    /// <summary>Appends the handle as two varint64.</summary>
    public void EncodeTo(List<byte> destination)
    {
        TableVarint.Write(destination, Offset);
        TableVarint.Write(destination, Size);
    }

    /// <summary>Decodes a handle at the start of <paramref name="source"/>; <see langword="false"/> if it is malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out BlockHandle handle, out int consumed)
    {
        handle = default;
        if (!TableVarint.TryRead64(source, out ulong offset, out int a) || !TableVarint.TryRead64(source[a..], out ulong size, out int b))
        {
            consumed = 0;
            return false;
        }

        handle = new BlockHandle(offset, size);
        consumed = a + b;
        return true;
    }
}
