using System.Buffers.Binary;
using System.Numerics;

namespace Converters.Engine.Data.Images;

/// <summary>
/// A Windows BMP decoder: BI_RGB at 1/4/8/16/24/32 bits, BI_BITFIELDS at 16/32 bits, bottom-up
/// and top-down rows, headers of 12 (OS/2), 40, 52, 56, 108 and 124 bytes. Palette images whose
/// palette is all gray decode to one channel; 32-bit images keep the fourth byte as alpha.
/// Bit-field values are scaled to 8 bits with rounding (value * 255 / mask maximum).
/// </summary>
internal static class BmpDecoder
{
    private const int FileHeaderSize = 14;

    /// <summary>Decodes a whole BMP file.</summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, string path)
    {
        if (data.Length < FileHeaderSize + 4)
        {
            throw ImageError.At(path, data.Length, "BITMAPFILEHEADER", $"expected a 14-byte file header and a DIB header, found a {data.Length}-byte file");
        }

        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(data[14..]);
        if (headerSize is not (12 or 40 or 52 or 56 or 108 or 124))
        {
            throw ImageError.At(path, 14, "biSize", $"expected a DIB header size of 12, 40, 52, 56, 108 or 124 bytes, found {headerSize}");
        }

        if (data.Length < FileHeaderSize + headerSize)
        {
            throw ImageError.At(path, data.Length, "biSize", $"expected a {headerSize}-byte DIB header from byte 14, found the end of the file at byte {data.Length}");
        }

        ReadOnlySpan<byte> header = data.Slice(FileHeaderSize, headerSize);
        int width, height, bitCount, compression;
        int colorsUsed = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            height = BinaryPrimitives.ReadInt16LittleEndian(header[6..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
            compression = 0;
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            bitCount = BinaryPrimitives.ReadUInt16LittleEndian(header[14..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            colorsUsed = BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
        }

        bool topDown = height < 0;
        height = Math.Abs(height);
        if (width is <= 0 or > 65535 || height is 0 or > 65535)
        {
            throw ImageError.At(path, 18, "biWidth", $"expected width and height in 1..65535, found {width}x{height}");
        }

        ImageError.CheckSize(path, 18, "biWidth", width, height, 4);
        bool bitfields = compression == 3;
        if (!(compression == 0 && bitCount is 1 or 4 or 8 or 16 or 24 or 32) && !(bitfields && bitCount is 16 or 32))
        {
            string name = compression switch { 0 => "BI_RGB", 1 => "BI_RLE8", 2 => "BI_RLE4", 3 => "BI_BITFIELDS", 4 => "BI_JPEG", 5 => "BI_PNG", _ => $"compression {compression}" };
            throw ImageError.At(path, headerSize == 12 ? 24 : 30, "biCompression", $"expected BI_RGB with 1, 4, 8, 16, 24 or 32 bits or BI_BITFIELDS with 16 or 32 bits, found {name} with {bitCount} bits; save the image uncompressed or as PNG");
        }

        uint redMask = 0x7C00, greenMask = 0x03E0, blueMask = 0x001F, alphaMask = 0;
        int afterHeader = FileHeaderSize + headerSize;
        if (bitCount == 32 && !bitfields)
        {
            (redMask, greenMask, blueMask, alphaMask) = (0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000);
        }

        if (bitfields)
        {
            int maskStart = headerSize == 40 ? afterHeader : FileHeaderSize + 40;
            int maskCount = headerSize >= 56 ? 4 : 3;
            if (data.Length < maskStart + 12)
            {
                throw ImageError.At(path, maskStart, "bV5RedMask", "expected three 4-byte colour masks for BI_BITFIELDS, found the end of the file");
            }

            redMask = BinaryPrimitives.ReadUInt32LittleEndian(data[maskStart..]);
            greenMask = BinaryPrimitives.ReadUInt32LittleEndian(data[(maskStart + 4)..]);
            blueMask = BinaryPrimitives.ReadUInt32LittleEndian(data[(maskStart + 8)..]);
            alphaMask = maskCount == 4 && data.Length >= maskStart + 16 ? BinaryPrimitives.ReadUInt32LittleEndian(data[(maskStart + 12)..]) : 0;
            afterHeader = headerSize == 40 ? afterHeader + 12 : afterHeader;
            if (redMask == 0 || greenMask == 0 || blueMask == 0)
            {
                throw ImageError.At(path, maskStart, "bV5RedMask", $"expected non-zero red, green and blue masks, found 0x{redMask:X8}, 0x{greenMask:X8}, 0x{blueMask:X8}");
            }
        }

        byte[]? palette = null;
        if (bitCount <= 8)
        {
            int entrySize = headerSize == 12 ? 3 : 4;
            int entries = colorsUsed > 0 ? Math.Min(colorsUsed, 1 << bitCount) : 1 << bitCount;
            if (data.Length < afterHeader + (entries * entrySize))
            {
                throw ImageError.At(path, afterHeader, "palette", $"expected {entries} palette entries of {entrySize} bytes from byte {afterHeader}, found the end of the file at byte {data.Length}");
            }

            palette = new byte[entries * 3];
            for (int i = 0; i < entries; i++)
            {
                int e = afterHeader + (i * entrySize);
                palette[i * 3] = data[e + 2];
                palette[(i * 3) + 1] = data[e + 1];
                palette[(i * 3) + 2] = data[e];
            }
        }

        long stride = (((long)bitCount * width) + 31) / 32 * 4;
        long needed = stride * height;
        if (pixelOffset > data.Length || data.Length - pixelOffset < needed)
        {
            throw ImageError.At(path, Math.Min(pixelOffset, data.Length), "bfOffBits", $"expected {needed} bytes of pixel rows ({height} rows of {stride}) from byte {pixelOffset}, found {Math.Max(0, data.Length - (long)pixelOffset)}; the file is truncated");
        }

        ReadOnlySpan<byte> pixels = data.Slice((int)pixelOffset, (int)needed);
        return palette is not null
            ? DecodeIndexed(pixels, width, height, (int)stride, bitCount, topDown, palette, path, pixelOffset)
            : DecodeDirect(pixels, width, height, (int)stride, bitCount, topDown, [redMask, greenMask, blueMask, alphaMask]);
    }

    private static DecodedImage DecodeIndexed(ReadOnlySpan<byte> pixels, int width, int height, int stride, int bitCount, bool topDown, byte[] palette, string path, long pixelOffset)
    {
        int entries = palette.Length / 3;
        bool gray = true;
        for (int i = 0; i < entries && gray; i++)
        {
            gray = palette[i * 3] == palette[(i * 3) + 1] && palette[i * 3] == palette[(i * 3) + 2];
        }

        int channels = gray ? 1 : 3;
        ushort[] samples = new ushort[width * height * channels];
        int mask = (1 << bitCount) - 1;
        for (int y = 0; y < height; y++)
        {
            int fileRow = topDown ? y : height - 1 - y;
            ReadOnlySpan<byte> row = pixels.Slice(fileRow * stride, stride);
            for (int x = 0; x < width; x++)
            {
                int bit = x * bitCount;
                int index = (row[bit >> 3] >> (8 - bitCount - (bit & 7))) & mask;
                if (index >= entries)
                {
                    throw ImageError.At(path, pixelOffset + (fileRow * stride) + (bit >> 3), "pixels", $"expected a palette index below {entries}, found {index} at pixel {x},{y}");
                }

                int o = ((y * width) + x) * channels;
                for (int c = 0; c < channels; c++)
                {
                    samples[o + c] = palette[(index * 3) + c];
                }
            }
        }

        return new DecodedImage(width, height, channels, 255, samples);
    }

    private static DecodedImage DecodeDirect(ReadOnlySpan<byte> pixels, int width, int height, int stride, int bitCount, bool topDown, uint[] masks)
    {
        int channels = masks[3] != 0 ? 4 : 3;
        int bytesPerPixel = bitCount / 8;
        Span<int> shifts = stackalloc int[4];
        Span<uint> maxima = stackalloc uint[4];
        for (int c = 0; c < 4; c++)
        {
            shifts[c] = masks[c] == 0 ? 0 : BitOperations.TrailingZeroCount(masks[c]);
            maxima[c] = masks[c] >> shifts[c];
        }

        ushort[] samples = new ushort[width * height * channels];
        for (int y = 0; y < height; y++)
        {
            int fileRow = topDown ? y : height - 1 - y;
            ReadOnlySpan<byte> row = pixels.Slice(fileRow * stride, stride);
            for (int x = 0; x < width; x++)
            {
                int o = ((y * width) + x) * channels;
                if (bitCount == 24)
                {
                    samples[o] = row[(x * 3) + 2];
                    samples[o + 1] = row[(x * 3) + 1];
                    samples[o + 2] = row[x * 3];
                    continue;
                }

                uint value = bytesPerPixel == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(row[(x * 2)..]) : BinaryPrimitives.ReadUInt32LittleEndian(row[(x * 4)..]);
                for (int c = 0; c < channels; c++)
                {
                    uint v = (value & masks[c]) >> shifts[c];
                    samples[o + c] = maxima[c] == 255 ? (ushort)v : (ushort)(((v * 255UL) + (maxima[c] / 2)) / maxima[c]);
                }
            }
        }

        return new DecodedImage(width, height, channels, 255, samples);
    }
}
