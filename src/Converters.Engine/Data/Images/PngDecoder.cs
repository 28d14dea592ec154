using System.Buffers.Binary;
using System.IO.Compression;

namespace Converters.Engine.Data.Images;

/// <summary>
/// A PNG decoder (ISO/IEC 15948): every colour type and bit depth, PLTE with tRNS (palette
/// images with transparency become RGBA), Adam7 interlace, the five scanline filters, and a CRC
/// check of every chunk. A tRNS colour key of an RGB image becomes an alpha channel (0 where the
/// pixel equals the key, full elsewhere), as OpenCV reads it; the key of a gray image is ignored,
/// as OpenCV does.
/// </summary>
internal static class PngDecoder
{
    /// <summary>The 8-byte PNG signature.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // Adam7 pass origins and steps: x0, y0, dx, dy.
    private static ReadOnlySpan<byte> Adam7 => [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];

    /// <summary>Decodes a whole PNG file.</summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, string path)
    {
        int width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
        byte[]? palette = null;
        byte[]? paletteAlpha = null;
        byte[]? colorKey = null;
        long firstIdat = -1;
        using var idat = new MemoryStream();
        bool seenHeader = false, seenEnd = false;
        int offset = Signature.Length;
        int chunkIndex = 0;
        while (!seenEnd)
        {
            if (data.Length - offset < 12)
            {
                throw ImageError.At(path, offset, $"chunk[{chunkIndex}]", $"expected a chunk (length, type, data, CRC; at least 12 bytes) or IEND, found the end of the file after {data.Length - offset} bytes; the file is truncated");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            ReadOnlySpan<byte> typeBytes = data.Slice(offset + 4, 4);
            string type = System.Text.Encoding.ASCII.GetString(typeBytes);
            string field = $"chunk[{chunkIndex}] {type}";
            if (length > int.MaxValue || length > data.Length - offset - 12)
            {
                throw ImageError.At(path, offset, field, $"expected {length} bytes of {type} data and a CRC, found only {data.Length - offset - 12} bytes before the end of the file; the file is truncated");
            }

            ReadOnlySpan<byte> body = data.Slice(offset + 8, (int)length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(offset + 8 + (int)length)..]);
            uint computed = Crc32.Compute(data.Slice(offset + 4, 4 + (int)length));
            if (stored != computed)
            {
                throw ImageError.At(path, offset + 8 + length, field + ".crc", $"CRC 0x{computed:X8} expected for the {type} chunk, found 0x{stored:X8}; the file is corrupt");
            }

            if (!seenHeader && type != "IHDR")
            {
                throw ImageError.At(path, offset, field, $"expected the IHDR chunk first, found {type}");
            }

            switch (type)
            {
                case "IHDR":
                    (width, height, bitDepth, colorType, interlace) = ReadHeader(body, path, offset);
                    seenHeader = true;
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768)
                    {
                        throw ImageError.At(path, offset, field, $"expected 1..256 RGB palette entries (a length that is a multiple of 3, at most 768), found length {length}");
                    }

                    palette = body.ToArray();
                    break;
                case "tRNS":
                    if (colorType == 3)
                    {
                        paletteAlpha = body.ToArray();
                    }
                    else if (colorType == 2 && length == 6)
                    {
                        colorKey = body.ToArray();
                    }

                    break;
                case "IDAT":
                    firstIdat = firstIdat < 0 ? offset : firstIdat;
                    idat.Write(body);
                    break;
                case "IEND":
                    seenEnd = true;
                    break;
                default:
                    if (char.IsAsciiLetterUpper(type[0]))
                    {
                        throw ImageError.At(path, offset, field, $"unknown critical chunk '{type}' (only IHDR, PLTE, IDAT and IEND are critical); the file needs a newer decoder or is corrupt");
                    }

                    break;
            }

            offset += 12 + (int)length;
            chunkIndex++;
        }

        if (firstIdat < 0)
        {
            throw ImageError.At(path, offset, "IDAT", "expected at least one IDAT chunk before IEND, found none");
        }

        if (colorType == 3 && palette is null)
        {
            throw ImageError.At(path, firstIdat, "PLTE", "expected a PLTE chunk before IDAT for colour type 3 (palette), found none");
        }

        int samplesPerPixel = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int bitsPerPixel = samplesPerPixel * bitDepth;
        ImageError.CheckSize(path, Signature.Length + 8, "IHDR.width", width, height, colorType == 3 ? 4 : samplesPerPixel);
        byte[] raw = Inflate(idat, ExpectedLength(width, height, bitsPerPixel, interlace), path, firstIdat);
        ushort[] indexes = new ushort[checked(width * height * samplesPerPixel)];
        if (interlace == 0)
        {
            Unfilter(raw, 0, width, height, bitsPerPixel, path, firstIdat);
            Unpack(raw, 0, width, height, bitDepth, samplesPerPixel, indexes, 0, 0, 1, 1, width);
        }
        else
        {
            int position = 0;
            for (int pass = 0; pass < 7; pass++)
            {
                int x0 = Adam7[pass * 4], y0 = Adam7[(pass * 4) + 1], dx = Adam7[(pass * 4) + 2], dy = Adam7[(pass * 4) + 3];
                int passWidth = (width - x0 + dx - 1) / dx;
                int passHeight = (height - y0 + dy - 1) / dy;
                if (passWidth == 0 || passHeight == 0)
                {
                    continue;
                }

                Unfilter(raw, position, passWidth, passHeight, bitsPerPixel, path, firstIdat);
                Unpack(raw, position, passWidth, passHeight, bitDepth, samplesPerPixel, indexes, x0, y0, dx, dy, width);
                position += passHeight * (1 + RowBytes(passWidth, bitsPerPixel));
            }
        }

        if (colorType != 3)
        {
            return colorKey is null
                ? new DecodedImage(width, height, samplesPerPixel, (1 << bitDepth) - 1, indexes)
                : ApplyColorKey(width, height, samplesPerPixel, (1 << bitDepth) - 1, indexes, colorKey);
        }

        return ApplyPalette(width, height, indexes, palette!, paletteAlpha, path, firstIdat);
    }

    private static (int Width, int Height, int BitDepth, int ColorType, int Interlace) ReadHeader(ReadOnlySpan<byte> body, string path, int offset)
    {
        if (body.Length != 13)
        {
            throw ImageError.At(path, offset, "IHDR", $"expected a 13-byte IHDR chunk, found {body.Length} bytes");
        }

        uint width = BinaryPrimitives.ReadUInt32BigEndian(body);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        int bitDepth = body[8], colorType = body[9];
        if (width is 0 or > 65535 || height is 0 or > 65535)
        {
            throw ImageError.At(path, offset + 8, "IHDR.width", $"expected width and height in 1..65535, found {width}x{height}");
        }

        bool valid = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => false,
        };
        if (!valid)
        {
            throw ImageError.At(path, offset + 16, "IHDR.bit_depth", $"expected a valid colour type and bit depth (0: 1/2/4/8/16, 2/4/6: 8/16, 3: 1/2/4/8), found colour type {colorType} with bit depth {bitDepth}");
        }

        if (body[10] != 0 || body[11] != 0)
        {
            throw ImageError.At(path, offset + 18, "IHDR.compression", $"expected compression method 0 and filter method 0, found {body[10]} and {body[11]}");
        }

        if (body[12] > 1)
        {
            throw ImageError.At(path, offset + 20, "IHDR.interlace", $"expected interlace method 0 or 1 (Adam7), found {body[12]}");
        }

        return ((int)width, (int)height, bitDepth, colorType, body[12]);
    }

    private static int RowBytes(int width, int bitsPerPixel) => (int)(((long)width * bitsPerPixel + 7) / 8);

    private static int ExpectedLength(int width, int height, int bitsPerPixel, int interlace)
    {
        if (interlace == 0)
        {
            return checked(height * (1 + RowBytes(width, bitsPerPixel)));
        }

        int total = 0;
        for (int pass = 0; pass < 7; pass++)
        {
            int x0 = Adam7[pass * 4], y0 = Adam7[(pass * 4) + 1], dx = Adam7[(pass * 4) + 2], dy = Adam7[(pass * 4) + 3];
            int passWidth = (width - x0 + dx - 1) / dx;
            int passHeight = (height - y0 + dy - 1) / dy;
            if (passWidth > 0 && passHeight > 0)
            {
                total = checked(total + (passHeight * (1 + RowBytes(passWidth, bitsPerPixel))));
            }
        }

        return total;
    }

    private static byte[] Inflate(MemoryStream idat, int expected, string path, long firstIdat)
    {
        byte[] raw = new byte[expected];
        idat.Position = 0;
        int got;
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
            got = zlib.ReadAtLeast(raw, expected, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw ImageError.At(path, firstIdat, "IDAT", $"expected a valid zlib stream in the IDAT chunks, found corrupt data ({e.Message})", e);
        }

        if (got < expected)
        {
            throw ImageError.At(path, firstIdat, "IDAT", $"expected {expected} bytes of filtered scanlines from the IDAT chunks, found {got}; the image data is truncated");
        }

        return raw;
    }

    private static void Unfilter(byte[] raw, int start, int width, int height, int bitsPerPixel, string path, long firstIdat)
    {
        int rowBytes = RowBytes(width, bitsPerPixel);
        int bpp = Math.Max(1, bitsPerPixel / 8);
        Span<byte> all = raw;
        for (int y = 0; y < height; y++)
        {
            int rowStart = start + (y * (rowBytes + 1));
            byte filter = raw[rowStart];
            Span<byte> row = all.Slice(rowStart + 1, rowBytes);
            ReadOnlySpan<byte> previous = y == 0 ? default : all.Slice(rowStart - rowBytes, rowBytes);
            switch (filter)
            {
                case 0:
                    break;
                case 1:
                    for (int i = bpp; i < rowBytes; i++)
                    {
                        row[i] += row[i - bpp];
                    }

                    break;
                case 2:
                    if (y > 0)
                    {
                        for (int i = 0; i < rowBytes; i++)
                        {
                            row[i] += previous[i];
                        }
                    }

                    break;
                case 3:
                    for (int i = 0; i < rowBytes; i++)
                    {
                        int left = i >= bpp ? row[i - bpp] : 0;
                        int up = y > 0 ? previous[i] : 0;
                        row[i] += (byte)((left + up) >> 1);
                    }

                    break;
                case 4:
                    for (int i = 0; i < rowBytes; i++)
                    {
                        int a = i >= bpp ? row[i - bpp] : 0;
                        int b = y > 0 ? previous[i] : 0;
                        int c = i >= bpp && y > 0 ? previous[i - bpp] : 0;
                        row[i] += (byte)Paeth(a, b, c);
                    }

                    break;
                default:
                    throw ImageError.At(path, firstIdat, "IDAT", $"expected scanline filter type 0..4, found {filter} at row {y} (in the decompressed data, byte {rowStart})");
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void Unpack(byte[] raw, int start, int width, int height, int bitDepth, int samplesPerPixel, ushort[] destination, int x0, int y0, int dx, int dy, int imageWidth)
    {
        int rowBytes = RowBytes(width, bitDepth * samplesPerPixel);
        for (int y = 0; y < height; y++)
        {
            int rowStart = start + (y * (rowBytes + 1)) + 1;
            int target = ((y0 + (y * dy)) * imageWidth) + x0;
            for (int x = 0; x < width; x++, target += dx)
            {
                int outIndex = target * samplesPerPixel;
                for (int s = 0; s < samplesPerPixel; s++)
                {
                    int sample = (x * samplesPerPixel) + s;
                    destination[outIndex + s] = bitDepth switch
                    {
                        16 => BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(rowStart + (sample * 2))),
                        8 => raw[rowStart + sample],
                        _ => (ushort)((raw[rowStart + (sample * bitDepth / 8)] >> (8 - bitDepth - (sample * bitDepth % 8))) & ((1 << bitDepth) - 1)),
                    };
                }
            }
        }
    }

    private static DecodedImage ApplyColorKey(int width, int height, int channels, int maxValue, ushort[] samples, byte[] key)
    {
        Span<ushort> keyValues = stackalloc ushort[channels];
        for (int c = 0; c < channels; c++)
        {
            keyValues[c] = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(key.AsSpan(c * 2)) & maxValue);
        }

        ushort[] result = new ushort[width * height * (channels + 1)];
        for (int i = 0; i < width * height; i++)
        {
            ReadOnlySpan<ushort> pixel = samples.AsSpan(i * channels, channels);
            pixel.CopyTo(result.AsSpan(i * (channels + 1)));
            result[(i * (channels + 1)) + channels] = pixel.SequenceEqual(keyValues) ? (ushort)0 : (ushort)maxValue;
        }

        return new DecodedImage(width, height, channels + 1, maxValue, result);
    }

    private static DecodedImage ApplyPalette(int width, int height, ushort[] indexes, byte[] palette, byte[]? alpha, string path, long firstIdat)
    {
        int entries = palette.Length / 3;
        int channels = alpha is null ? 3 : 4;
        ushort[] samples = new ushort[indexes.Length * channels];
        for (int i = 0; i < indexes.Length; i++)
        {
            int index = indexes[i];
            if (index >= entries)
            {
                throw ImageError.At(path, firstIdat, "IDAT", $"expected palette indexes below {entries} (the PLTE size), found {index} at pixel {i % width},{i / width}");
            }

            int o = i * channels;
            samples[o] = palette[index * 3];
            samples[o + 1] = palette[(index * 3) + 1];
            samples[o + 2] = palette[(index * 3) + 2];
            if (alpha is not null)
            {
                samples[o + 3] = index < alpha.Length ? alpha[index] : (ushort)255;
            }
        }

        return new DecodedImage(width, height, channels, 255, samples);
    }
}
