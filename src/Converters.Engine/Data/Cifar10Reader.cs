namespace Converters.Engine.Data;

/// <summary>
/// Opens <c>cifar10:DIR</c>: the binary version's <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>
/// (train) or <c>test_batch.bin</c> (test), records of one label byte and 3072 planar RGB bytes
/// (32x32, red plane first), and class names from <c>batches.meta.txt</c> when present.
/// </summary>
internal static class Cifar10Reader
{
    private const int Side = 32;
    private const int ImageBytes = 3 * Side * Side;
    private const int RecordBytes = 1 + ImageBytes;

    // The names CIFAR-10 ships in batches.meta.txt, used when that file is absent.
    private static readonly string[] s_defaultNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Opens the dataset.</summary>
    public static IDataset Open(DatasetSpecText spec, DatasetOpenOptions options)
    {
        spec.CheckKeys(MnistIdxReader.Keys);
        string directory = DatasetKeys.Resolve(options, DatasetKeys.RequireLocation(spec, "a folder of CIFAR-10 .bin batches"));
        string split = spec.GetChoice("split", "train", "test") ?? "train";
        string[] files = split == "train" ? [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")] : ["test_batch.bin"];
        string[] missing = [.. files.Where(f => !File.Exists(Path.Combine(directory, f)))];
        if (missing.Length > 0)
        {
            throw spec.Error("location", $"expected {string.Join(", ", files)} in {directory}, missing {string.Join(", ", missing)}; use the CIFAR-10 binary version (cifar-10-binary.tar.gz)");
        }

        var pixels = new List<byte[]>();
        var labels = new List<int>();
        long total = 0;
        foreach (string file in files)
        {
            string path = Path.Combine(directory, file);
            byte[] data = File.ReadAllBytes(path);
            if (data.Length == 0 || data.Length % RecordBytes != 0)
            {
                long end = data.Length / RecordBytes * RecordBytes;
                throw new DatasetException($"expected whole records of {RecordBytes} bytes (1 label byte and 3072 pixel bytes), found a {data.Length}-byte file with {data.Length - end} bytes left after {data.Length / RecordBytes} records; the file is truncated")
                {
                    FilePath = path,
                    ByteOffset = end,
                    FieldPath = $"record[{data.Length / RecordBytes}]",
                };
            }

            int records = data.Length / RecordBytes;
            byte[] images = new byte[records * ImageBytes];
            for (int r = 0; r < records; r++)
            {
                int label = data[r * RecordBytes];
                if (label > 9)
                {
                    throw new DatasetException($"expected a class label 0..9, found {label}") { FilePath = path, ByteOffset = (long)r * RecordBytes, FieldPath = $"record[{r}].label" };
                }

                labels.Add(label);
                data.AsSpan((r * RecordBytes) + 1, ImageBytes).CopyTo(images.AsSpan(r * ImageBytes));
            }

            pixels.Add(images);
            total += images.Length;
        }

        byte[] all = new byte[total];
        int at = 0;
        foreach (byte[] part in pixels)
        {
            part.CopyTo(all, at);
            at += part.Length;
        }

        string[] names = ReadNames(Path.Combine(directory, "batches.meta.txt"));
        SamplePreprocessor preprocessor = DatasetKeys.CreatePreprocessor(spec, options, 3, Side, Side);
        int[] indexes = DatasetKeys.Select(spec, labels.Count, splitByFraction: false);
        return new ArrayDataset($"cifar10:{spec.Location} ({split})", names, preprocessor, indexes, all, null, [.. labels], 3, Side, Side);
    }

    private static string[] ReadNames(string path)
    {
        if (!File.Exists(path))
        {
            return s_defaultNames;
        }

        string[] names = [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)];
        if (names.Length != 10)
        {
            throw new DatasetException($"expected 10 class names, one per line, found {names.Length}") { FilePath = path, Line = Math.Min(names.Length, 10) + 1, FieldPath = "names" };
        }

        return names;
    }
}
