using Converters.Ir.Diagnostics;

namespace Converters.Abstractions.Tests.Mutation;

/// <summary>
/// Readers of a toy binary format, one correct and several deliberately broken, to test the harness:
/// <c>"TOY1"</c>, a record count N (one byte), N records of two bytes, and a 0xFF terminator.
/// </summary>
internal static class ToyRecordReader
{
    public const string FileName = "records.toy";

    /// <summary>A valid file of 8 records whose bytes never equal 0xFF.</summary>
    public static byte[] ValidFile()
    {
        byte[] data = new byte[6 + (2 * 8)];
        "TOY1"u8.CopyTo(data);
        data[4] = 8;
        for (int i = 0; i < 16; i++)
        {
            data[5 + i] = (byte)(10 + (i * 7));
        }

        data[^1] = 0xFF;
        return data;
    }

    /// <summary>The correct reader: checks every length and field and throws only <see cref="InputFormatException"/>.</summary>
    public static int ReadStrict(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 5)
        {
            throw new InputFormatException($"the file has {data.Length} bytes, the header needs 5") { FilePath = path, ByteOffset = data.Length };
        }

        if (!data.AsSpan(0, 4).SequenceEqual("TOY1"u8))
        {
            throw new InputFormatException("the file does not start with 'TOY1'") { FilePath = path, ByteOffset = 0 };
        }

        int count = data[4];
        if (data.Length != 6 + (2 * count))
        {
            throw new InputFormatException($"{count} records need {6 + (2 * count)} bytes, the file has {data.Length}") { FilePath = path, ByteOffset = 4 };
        }

        if (data[^1] != 0xFF)
        {
            throw new InputFormatException("the terminator 0xFF is missing") { FilePath = path, ByteOffset = data.Length - 1 };
        }

        return Sum(data, count);
    }

    /// <summary>Broken: trusts the record count and indexes past the end of short files.</summary>
    public static int ReadTrustingCount(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 5 || !data.AsSpan(0, 4).SequenceEqual("TOY1"u8))
        {
            throw new InputFormatException("not a toy file") { FilePath = path };
        }

        return Sum(data, data[4]);
    }

    /// <summary>Broken: scans for the terminator without a bound, forever when it is missing (until <paramref name="stop"/>).</summary>
    public static int ReadScanning(string path, CancellationToken stop, bool allocateWhileScanning = false)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 6)
        {
            throw new InputFormatException("too short") { FilePath = path };
        }

        int position = 5;
        while (data[position] != 0xFF)
        {
            stop.ThrowIfCancellationRequested();
            if (allocateWhileScanning)
            {
                GC.KeepAlive(new byte[1 << 16]);
            }

            position = (position + 1) % data.Length;
        }

        return ReadStrict(path);
    }

    /// <summary>Broken: sizes a table from the record count (64 KiB per record) before checking anything else.</summary>
    public static int ReadAllocatingFromCount(string path)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 5)
        {
            throw new InputFormatException("too short") { FilePath = path };
        }

        byte[] table = new byte[data[4] << 16];
        GC.KeepAlive(table);
        return ReadStrict(path);
    }

    private static int Sum(byte[] data, int count)
    {
        int sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += data[5 + (2 * i)] * data[6 + (2 * i)];
        }

        return sum;
    }
}
