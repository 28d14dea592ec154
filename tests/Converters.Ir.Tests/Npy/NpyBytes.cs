using System.Buffers.Binary;
using System.Text;

namespace Converters.Ir.Tests.Npy;

/// <summary>Builds <c>.npy</c> files byte by byte, for tests that need malformed or unusual ones.</summary>
internal static class NpyBytes
{
    /// <summary>The magic string <c>\x93NUMPY</c>.</summary>
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The offset of the header dict in a file of <paramref name="major"/> version.</summary>
    public static int HeaderStart(int major = 1) => major == 1 ? 10 : 12;

    /// <summary>
    /// Magic, version, header length, <paramref name="header"/> (padded with spaces and '\n' to 64
    /// bytes like numpy unless <paramref name="pad"/> is false), then <paramref name="data"/>.
    /// </summary>
    public static byte[] Build(string header, byte[]? data = null, byte major = 1, byte minor = 0, bool pad = true)
    {
        Encoding encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        byte[] text = encoding.GetBytes(header);
        int start = HeaderStart(major);
        int length = text.Length;
        if (pad)
        {
            length = text.Length + 1;
            length += (64 - ((start + length) % 64)) % 64;
        }

        var bytes = new byte[start + length + (data?.Length ?? 0)];
        Magic.CopyTo(bytes);
        bytes[6] = major;
        bytes[7] = minor;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)length);
        }

        text.CopyTo(bytes, start);
        if (pad)
        {
            bytes.AsSpan(start + text.Length, length - text.Length - 1).Fill((byte)' ');
            bytes[start + length - 1] = (byte)'\n';
        }

        data?.CopyTo(bytes, start + length);
        return bytes;
    }

    /// <summary>The file offset of the first occurrence of <paramref name="fragment"/> in the header.</summary>
    public static long OffsetOf(string header, string fragment, int major = 1)
    {
        int index = header.IndexOf(fragment, StringComparison.Ordinal);
        if (index < 0)
        {
            throw new ArgumentException($"'{fragment}' is not in the header.", nameof(fragment));
        }

        return HeaderStart(major) + index;
    }

    /// <summary>The offset of the data section in <paramref name="file"/>.</summary>
    public static int DataStart(byte[] file) =>
        file[6] == 1 ? 10 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) : 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
}
