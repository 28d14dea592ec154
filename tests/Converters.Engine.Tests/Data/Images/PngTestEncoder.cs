using System.Buffers.Binary;
using System.IO.Compression;
using Converters.Engine.Data.Images;

namespace Converters.Engine.Tests.Data.Images;

/// <summary>
/// A small PNG writer for tests, written from the PNG specification, for the files OpenCV cannot
/// write (palette, tRNS, Adam7, bit depths 1/2/4, chosen filters). OpenCV's decoder is the oracle
/// that checks the files it makes.
/// </summary>
internal static class PngTestEncoder
{
    private static readonly int[][] s_adam7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

    /// <summary>
    /// Encodes <paramref name="samples"/> (interleaved, palette indexes for colour type 3).
    /// <paramref name="filter"/> 0..4 uses that filter on every row; -1 cycles through all five.
    /// The zlib data is split into IDAT chunks of at most <paramref name="idatSize"/> bytes.
    /// </summary>
    public static byte[] Encode(int width, int height, int colorType, int bitDepth, ushort[] samples, byte[]? palette = null, byte[]? transparency = null, bool interlace = false, int filter = -1, int idatSize = 64)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int bitsPerPixel = channels * bitDepth;
        var raw = new MemoryStream();
        int row = 0;
        if (!interlace)
        {
            WritePass(raw, samples, width, height, channels, bitDepth, bitsPerPixel, 0, 0, 1, 1, width, filter, ref row);
        }
        else
        {
            foreach (int[] p in s_adam7)
            {
                int pw = (width - p[0] + p[2] - 1) / p[2], ph = (height - p[1] + p[3] - 1) / p[3];
                if (pw > 0 && ph > 0)
                {
                    WritePass(raw, samples, pw, ph, channels, bitDepth, bitsPerPixel, p[0], p[1], p[2], p[3], width, filter, ref row);
                }
            }
        }

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw.ToArray());
        }

        var png = new MemoryStream();
        png.Write(PngDecoder.Signature);
        byte[] header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colorType;
        header[12] = (byte)(interlace ? 1 : 0);
        WriteChunk(png, "IHDR", header);
        if (palette is not null)
        {
            WriteChunk(png, "PLTE", palette);
        }

        if (transparency is not null)
        {
            WriteChunk(png, "tRNS", transparency);
        }

        byte[] data = compressed.ToArray();
        for (int at = 0; at < data.Length; at += idatSize)
        {
            WriteChunk(png, "IDAT", data.AsSpan(at, Math.Min(idatSize, data.Length - at)));
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Appends one chunk with its CRC.</summary>
    public static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> body)
    {
        byte[] typeAndBody = [.. System.Text.Encoding.ASCII.GetBytes(type), .. body];
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)body.Length);
        stream.Write(word);
        stream.Write(typeAndBody);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute(typeAndBody));
        stream.Write(word);
    }

    private static void WritePass(MemoryStream raw, ushort[] samples, int width, int height, int channels, int bitDepth, int bitsPerPixel, int x0, int y0, int dx, int dy, int imageWidth, int filter, ref int rowCounter)
    {
        int rowBytes = ((width * bitsPerPixel) + 7) / 8;
        int bpp = Math.Max(1, bitsPerPixel / 8);
        byte[] previous = new byte[rowBytes];
        for (int y = 0; y < height; y++)
        {
            byte[] line = new byte[rowBytes];
            for (int x = 0; x < width; x++)
            {
                int pixel = (((y0 + (y * dy)) * imageWidth) + x0 + (x * dx)) * channels;
                for (int c = 0; c < channels; c++)
                {
                    int sample = (x * channels) + c;
                    ushort value = samples[pixel + c];
                    if (bitDepth == 16)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(line.AsSpan(sample * 2), value);
                    }
                    else if (bitDepth == 8)
                    {
                        line[sample] = (byte)value;
                    }
                    else
                    {
                        int bit = sample * bitDepth;
                        line[bit / 8] |= (byte)(value << (8 - bitDepth - (bit % 8)));
                    }
                }
            }

            int type = filter >= 0 ? filter : rowCounter % 5;
            rowCounter++;
            raw.WriteByte((byte)type);
            for (int i = 0; i < rowBytes; i++)
            {
                int a = i >= bpp ? line[i - bpp] : 0;
                int b = y > 0 ? previous[i] : 0;
                int c = i >= bpp && y > 0 ? previous[i - bpp] : 0;
                int predictor = type switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    _ => Paeth(a, b, c),
                };
                raw.WriteByte((byte)(line[i] - predictor));
            }

            previous = line;
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
