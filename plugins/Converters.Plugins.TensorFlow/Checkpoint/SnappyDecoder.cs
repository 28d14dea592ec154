using System.Buffers.Binary;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// Decompresses a raw Snappy block (LevelDB compression type 1): a varint32 uncompressed length,
/// then literal and copy elements. TensorFlow's bundle writer never compresses, but a table written
/// with LevelDB's default options is Snappy-compressed.
/// </summary>
internal static class SnappyDecoder
{
    /// <summary>Snappy never expands output beyond ~22x its input (a 64-byte copy in 3 bytes); reject declared sizes far past that.</summary>
    private const int MaxExpansion = 32;

    /// <summary>Decompresses <paramref name="input"/>; <paramref name="error"/> says what is wrong when it returns <see langword="null"/>.</summary>
    public static byte[]? TryDecompress(ReadOnlySpan<byte> input, out string? error)
    {
        if (!TableVarint.TryRead32(input, out uint length, out int pos))
        {
            error = "the uncompressed length (varint32) is malformed";
            return null;
        }

        if (length > ((long)input.Length * MaxExpansion) + 64)
        {
            error = $"the uncompressed length {length} is impossible for {input.Length} compressed bytes";
            return null;
        }

        var output = new byte[length];
        int o = 0;
        while (pos < input.Length)
        {
            byte tag = input[pos++];
            int kind = tag & 3;
            if (kind == 0)
            {
                long literal = (tag >> 2) + 1;
                if (literal > 60)
                {
                    int extra = (int)literal - 60;
                    if (pos + extra > input.Length)
                    {
                        error = "a literal's length runs past the end of the block";
                        return null;
                    }

                    long extended = 0;
                    for (int i = extra - 1; i >= 0; i--)
                    {
                        extended = (extended << 8) | input[pos + i];
                    }

                    literal = extended + 1;
                    pos += extra;
                }

                if (literal > input.Length - pos || literal > output.Length - o)
                {
                    error = $"a literal of {literal} bytes at compressed byte {pos} runs past the end of the input or the output";
                    return null;
                }

                input.Slice(pos, (int)literal).CopyTo(output.AsSpan(o));
                pos += (int)literal;
                o += (int)literal;
                continue;
            }

            int copyLength;
            long offset;
            if (kind == 1)
            {
                if (pos + 1 > input.Length)
                {
                    error = "a copy element is cut off";
                    return null;
                }

                copyLength = ((tag >> 2) & 7) + 4;
                offset = ((tag >> 5) << 8) | input[pos];
                pos += 1;
            }
            else if (kind == 2)
            {
                if (pos + 2 > input.Length)
                {
                    error = "a copy element is cut off";
                    return null;
                }

                copyLength = (tag >> 2) + 1;
                offset = BinaryPrimitives.ReadUInt16LittleEndian(input[pos..]);
                pos += 2;
            }
            else
            {
                if (pos + 4 > input.Length)
                {
                    error = "a copy element is cut off";
                    return null;
                }

                copyLength = (tag >> 2) + 1;
                offset = BinaryPrimitives.ReadUInt32LittleEndian(input[pos..]);
                pos += 4;
            }

            if (offset == 0 || offset > o || copyLength > output.Length - o)
            {
                error = $"a copy of {copyLength} bytes from {offset} bytes back at output byte {o} is out of range";
                return null;
            }

            // Copies may overlap their own output (a run): copy byte by byte.
            int from = o - (int)offset;
            for (int i = 0; i < copyLength; i++)
            {
                output[o + i] = output[from + i];
            }

            o += copyLength;
        }

        if (o != output.Length)
        {
            error = $"the block decompresses to {o} bytes, not the {length} it declares";
            return null;
        }

        error = null;
        return output;
    }
}
