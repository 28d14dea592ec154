namespace Converters.Engine.Data.Images;

/// <summary>
/// Decodes PNG, BMP and PPM/PGM/PBM images in managed code, chosen by the file's first bytes.
/// Other formats (JPEG, GIF, TIFF, WebP) get an error naming the format and suggesting PNG.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The file extensions image folders are scanned for.</summary>
    public static readonly string[] Extensions = [".png", ".bmp", ".ppm", ".pgm", ".pbm", ".pnm"];

    /// <summary>Extensions of formats that are recognised but not decoded.</summary>
    public static readonly string[] UnsupportedExtensions = [".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".webp"];

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    public static DecodedImage Decode(string path)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"cannot read the image: {e.Message}", e) { FilePath = path };
        }

        return Decode(data, path);
    }

    /// <summary>Decodes <paramref name="data"/>; <paramref name="path"/> names it in errors.</summary>
    public static DecodedImage Decode(ReadOnlySpan<byte> data, string path)
    {
        if (data.StartsWith(PngDecoder.Signature))
        {
            return PngDecoder.Decode(data, path);
        }

        if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M')
        {
            return BmpDecoder.Decode(data, path);
        }

        if (data.Length >= 2 && data[0] == 'P' && data[1] is >= (byte)'1' and <= (byte)'6')
        {
            return PnmDecoder.Decode(data, path);
        }

        string? other = NameUnsupported(data);
        string found = other ?? $"first bytes {Hex(data[..Math.Min(data.Length, 8)])}";
        throw ImageError.At(path, 0, "signature", $"expected a PNG, BMP or PPM/PGM/PBM image, found {found}; convert the images to PNG (lossless, decoded here without extra libraries)");
    }

    private static string? NameUnsupported(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return "a JPEG file, which is not supported";
        }

        if (data.StartsWith("GIF8"u8))
        {
            return "a GIF file, which is not supported";
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8))
        {
            return "a TIFF file, which is not supported";
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8))
        {
            return "a WebP file, which is not supported";
        }

        return data.Length == 0 ? "an empty file" : null;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
