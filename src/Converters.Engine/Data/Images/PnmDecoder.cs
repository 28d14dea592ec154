using System.Buffers.Binary;

namespace Converters.Engine.Data.Images;

/// <summary>
/// A Netpbm decoder: P1/P4 (PBM, 1 is black), P2/P5 (PGM) and P3/P6 (PPM), with <c>#</c>
/// comments in the header and maxval 1..65535 (two big-endian bytes per sample above 255).
/// </summary>
internal static class PnmDecoder
{
    /// <summary>Decodes a whole PNM file.</summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, string path)
    {
        int kind = data[1] - '0';
        int position = 2;
        bool bitmap = kind is 1 or 4;
        int width = ReadHeaderNumber(data, ref position, path, "width", 1, 65535);
        int height = ReadHeaderNumber(data, ref position, path, "height", 1, 65535);
        int maxValue = bitmap ? 1 : ReadHeaderNumber(data, ref position, path, "maxval", 1, 65535);
        int channels = kind is 3 or 6 ? 3 : 1;
        ImageError.CheckSize(path, 2, "width", width, height, channels);
        int count = width * height * channels;
        ushort[] samples = new ushort[count];
        if (kind <= 3)
        {
            for (int i = 0; i < count; i++)
            {
                int value = kind == 1 ? ReadBit(data, ref position, path) : ReadNumber(data, ref position, path, null, i, 0, maxValue);
                samples[i] = (ushort)(kind == 1 ? 1 - value : value);
            }

            return new DecodedImage(width, height, channels, maxValue, samples);
        }

        // Exactly one whitespace byte separates the header from the binary raster.
        if (position >= data.Length || !IsSpace(data[position]))
        {
            throw ImageError.At(path, position, "raster", "expected one whitespace byte after the header, found " + (position >= data.Length ? "the end of the file" : $"0x{data[position]:X2}"));
        }

        position++;
        int rowBytes = kind == 4 ? (width + 7) / 8 : width * channels * (maxValue > 255 ? 2 : 1);
        long needed = (long)rowBytes * height;
        if (data.Length - position < needed)
        {
            throw ImageError.At(path, data.Length, "raster", $"expected {needed} bytes of raster data for {width}x{height} P{kind} from byte {position}, found {data.Length - position}; the file is truncated");
        }

        ReadOnlySpan<byte> raster = data.Slice(position, (int)needed);
        if (kind == 4)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int bit = (raster[(y * rowBytes) + (x >> 3)] >> (7 - (x & 7))) & 1;
                    samples[(y * width) + x] = (ushort)(1 - bit);
                }
            }
        }
        else if (maxValue > 255)
        {
            for (int i = 0; i < count; i++)
            {
                samples[i] = BinaryPrimitives.ReadUInt16BigEndian(raster[(i * 2)..]);
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                samples[i] = raster[i];
            }
        }

        for (int i = 0; i < count; i++)
        {
            if (samples[i] > maxValue)
            {
                long at = position + (kind == 4 ? 0 : (long)i * (maxValue > 255 ? 2 : 1));
                throw ImageError.At(path, at, $"sample[{i}]", $"expected a sample in 0..{maxValue} (the maxval), found {samples[i]}");
            }
        }

        return new DecodedImage(width, height, channels, maxValue, samples);
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;

    private static void SkipSpaceAndComments(ReadOnlySpan<byte> data, ref int position)
    {
        while (position < data.Length)
        {
            if (IsSpace(data[position]))
            {
                position++;
            }
            else if (data[position] == '#')
            {
                while (position < data.Length && data[position] != '\n' && data[position] != '\r')
                {
                    position++;
                }
            }
            else
            {
                break;
            }
        }
    }

    private static int ReadHeaderNumber(ReadOnlySpan<byte> data, ref int position, string path, string field, int min, int max)
    {
        if (position < data.Length && !IsSpace(data[position]) && data[position] != '#')
        {
            throw ImageError.At(path, position, field, $"expected whitespace before the {field}, found 0x{data[position]:X2}");
        }

        return ReadNumber(data, ref position, path, field, 0, min, max);
    }

    /// <summary>Reads a decimal number; <paramref name="field"/> null means raster sample <paramref name="sample"/> (named only on error).</summary>
    private static int ReadNumber(ReadOnlySpan<byte> data, ref int position, string path, string? field, int sample, int min, int max)
    {
        SkipSpaceAndComments(data, ref position);

        int start = position;
        long value = 0;
        while (position < data.Length && char.IsAsciiDigit((char)data[position]) && value <= int.MaxValue)
        {
            value = (value * 10) + (data[position] - '0');
            position++;
        }

        if (position == start)
        {
            string name = field ?? $"sample[{sample}]";
            string found = position >= data.Length ? "the end of the file" : $"'{(char)data[position]}' (0x{data[position]:X2})";
            throw ImageError.At(path, start, name, $"expected a decimal {name}, found {found}");
        }

        if (value < min || value > max)
        {
            string name = field ?? $"sample[{sample}]";
            throw ImageError.At(path, start, name, $"expected {name} in {min}..{max}, found {value}");
        }

        return (int)value;
    }

    private static int ReadBit(ReadOnlySpan<byte> data, ref int position, string path)
    {
        SkipSpaceAndComments(data, ref position);
        if (position >= data.Length || data[position] is not ((byte)'0' or (byte)'1'))
        {
            string found = position >= data.Length ? "the end of the file" : $"0x{data[position]:X2}";
            throw ImageError.At(path, position, "raster", $"expected a P1 pixel '0' or '1', found {found}");
        }

        return data[position++] - '0';
    }
}
