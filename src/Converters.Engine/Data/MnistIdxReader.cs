using System.Buffers.Binary;
using System.IO.Compression;

namespace Converters.Engine.Data;

/// <summary>
/// Opens <c>mnist:DIR</c>: the IDX files <c>{train,t10k}-images-idx3-ubyte</c> and
/// <c>{train,t10k}-labels-idx1-ubyte</c> (also with <c>.</c> before <c>idx</c>, and gzipped with
/// <c>.gz</c>). IDX: a big-endian magic <c>0x00000803</c> (unsigned bytes, 3 dimensions) or
/// <c>0x00000801</c>, one big-endian 32-bit size per dimension, then the data.
/// </summary>
internal static class MnistIdxReader
{
    /// <summary>The keys of <c>mnist:</c> and <c>cifar10:</c>, whose split picks files.</summary>
    public static readonly string[] Keys = ["split", .. DatasetKeys.Sample];

    private static readonly string[] s_classNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Opens the dataset.</summary>
    public static IDataset Open(DatasetSpecText spec, DatasetOpenOptions options)
    {
        spec.CheckKeys(Keys);
        string directory = DatasetKeys.Resolve(options, DatasetKeys.RequireLocation(spec, "a folder of MNIST IDX files"));
        string split = spec.GetChoice("split", "train", "test") ?? "train";
        string prefix = split == "train" ? "train" : "t10k";
        string imagesPath = Find(spec, directory, prefix, "images", 3);
        string labelsPath = Find(spec, directory, prefix, "labels", 1);
        (byte[] images, int imageCount, int height, int width, int imagesStart) = ReadIdx(imagesPath, 3);
        (byte[] labelFile, int labelCount, _, _, int labelsStart) = ReadIdx(labelsPath, 1);
        if (labelCount != imageCount)
        {
            throw new DatasetException($"expected {imageCount} labels (the image count of {Path.GetFileName(imagesPath)}), found {labelCount}") { FilePath = labelsPath, ByteOffset = 4, FieldPath = "dimension[0]" };
        }

        int[] labels = new int[labelCount];
        for (int i = 0; i < labelCount; i++)
        {
            labels[i] = labelFile[labelsStart + i];
            if (labels[i] > 9)
            {
                throw new DatasetException($"expected a digit label 0..9, found {labels[i]} for image {i}") { FilePath = labelsPath, ByteOffset = labelsStart + i, FieldPath = $"label[{i}]" };
            }
        }

        byte[] pixels = imagesStart == 0 && images.Length == imageCount * height * width ? images : images.AsSpan(imagesStart, imageCount * height * width).ToArray();
        SamplePreprocessor preprocessor = DatasetKeys.CreatePreprocessor(spec, options, 1, height, width);
        int[] indexes = DatasetKeys.Select(spec, imageCount, splitByFraction: false);
        return new ArrayDataset($"mnist:{spec.Location} ({split})", s_classNames, preprocessor, indexes, pixels, null, labels, 1, height, width);
    }

    private static string Find(DatasetSpecText spec, string directory, string prefix, string what, int dimensions)
    {
        string[] names = [$"{prefix}-{what}-idx{dimensions}-ubyte", $"{prefix}-{what}.idx{dimensions}-ubyte"];
        foreach (string name in names)
        {
            foreach (string candidate in new[] { name, name + ".gz" })
            {
                string path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        throw spec.Error("location", $"expected {names[0]} (or {names[1]}, optionally .gz) in {directory}, found none; download the MNIST IDX files there");
    }

    /// <summary>Reads a whole IDX file of unsigned bytes; returns the data, dimensions and where the data starts.</summary>
    private static (byte[] Data, int Count, int Height, int Width, int Start) ReadIdx(string path, int dimensions)
    {
        byte[] data = ReadAll(path);
        uint expectedMagic = 0x00000800u | (uint)dimensions;
        if (data.Length < 4)
        {
            throw new DatasetException($"expected the 4-byte IDX magic 0x{expectedMagic:X8}, found the end of the file after {data.Length} bytes") { FilePath = path, ByteOffset = data.Length, FieldPath = "magic" };
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (magic != expectedMagic)
        {
            string hint = magic == 0x00000801 ? " (this is a label file)" : magic == 0x00000803 ? " (this is an image file)" : (magic & 0xFFFF0000) != 0 ? " (not an IDX file; is it still compressed?)" : "";
            throw new DatasetException($"IDX magic 0x{expectedMagic:X8} expected, found 0x{magic:X8}{hint}") { FilePath = path, ByteOffset = 0, FieldPath = "magic" };
        }

        int start = 4 + (4 * dimensions);
        if (data.Length < start)
        {
            throw new DatasetException($"expected {dimensions} 4-byte dimension sizes after the magic, found the end of the file at byte {data.Length}") { FilePath = path, ByteOffset = data.Length, FieldPath = "dimensions" };
        }

        long[] sizes = new long[dimensions];
        long total = 1;
        for (int d = 0; d < dimensions; d++)
        {
            sizes[d] = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4 + (4 * d)));
            total *= sizes[d];
            if (sizes[d] == 0 || sizes[d] > int.MaxValue || total > int.MaxValue)
            {
                throw new DatasetException($"expected dimension {d} in 1..{int.MaxValue} with a total below 2 GiB, found {sizes[d]}") { FilePath = path, ByteOffset = 4 + (4 * d), FieldPath = $"dimension[{d}]" };
            }
        }

        if (data.Length - start != total)
        {
            string problem = data.Length - start < total ? "the file is truncated" : "the file has extra bytes";
            throw new DatasetException($"expected {total} data bytes for dimensions {string.Join('x', sizes)} (file length {start + total}), found {data.Length - start} (file length {data.Length}); {problem}")
            {
                FilePath = path,
                ByteOffset = Math.Min(data.Length, start + total),
                FieldPath = "data",
            };
        }

        return (data, (int)sizes[0], dimensions == 3 ? (int)sizes[1] : 1, dimensions == 3 ? (int)sizes[2] : 1, start);
    }

    private static byte[] ReadAll(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            return File.ReadAllBytes(path);
        }

        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            return memory.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"expected a gzip stream, found corrupt data ({e.Message})", e) { FilePath = path, FieldPath = "gzip" };
        }
    }
}
