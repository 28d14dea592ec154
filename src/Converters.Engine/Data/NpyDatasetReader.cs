using Converters.Ir;
using Converters.Ir.Npy;

namespace Converters.Engine.Data;

/// <summary>
/// Opens <c>npy:X.npy,Y.npy</c>: X is N x C x H x W or N x H x W (C = 1 or 3) of uint8 pixels
/// (0..255, default scale 1/255) or float32 values (used as they are: default scale 1, mean 0);
/// Y is N integer labels, or N x K scores or one-hot rows (the label is the largest column).
/// </summary>
internal static class NpyDatasetReader
{
    /// <summary>Opens the dataset.</summary>
    public static IDataset Open(DatasetSpecText spec, DatasetOpenOptions options)
    {
        spec.CheckKeys(DatasetKeys.Common);
        string[] parts = DatasetKeys.RequireLocation(spec, "X.npy,Y.npy").Split(',');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0))
        {
            throw spec.Error("location", $"expected two files X.npy,Y.npy (samples, labels) separated by a comma, found \"{spec.Location}\"");
        }

        string xPath = DatasetKeys.Resolve(options, parts[0]);
        string yPath = DatasetKeys.Resolve(options, parts[1]);
        TensorData x = Read(spec, xPath);
        TensorData y = Read(spec, yPath);
        int[] dims = [.. x.Shape.Dimensions];
        if (dims.Length is not (3 or 4) || (dims.Length == 4 && dims[1] is not (1 or 3)))
        {
            throw new DatasetException($"expected samples of shape N x C x H x W (C = 1 or 3) or N x H x W, found {Shape(dims)}") { FilePath = xPath, FieldPath = "header.shape" };
        }

        if (x.DataType is not (DataType.UInt8 or DataType.Float32))
        {
            throw new DatasetException($"expected uint8 ('|u1') or float32 ('<f4') samples, found {DataTypeInfo.Name(x.DataType)}") { FilePath = xPath, FieldPath = "header.descr" };
        }

        int count = dims[0];
        int channels = dims.Length == 4 ? dims[1] : 1;
        int height = dims[^2], width = dims[^1];
        int[] labels = ReadLabels(y, yPath, count, out int classCount);
        bool bytes = x.DataType == DataType.UInt8;
        SamplePreprocessor preprocessor = DatasetKeys.CreatePreprocessor(spec, options, channels, height, width, bytes ? 1f / 255f : 1f);
        int[] indexes = DatasetKeys.Select(spec, count);
        string[] names = [.. Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return new ArrayDataset(
            $"npy:{spec.Location}",
            names,
            preprocessor,
            indexes,
            bytes ? x.AsSpan<byte>().ToArray() : null,
            bytes ? null : x.AsSpan<float>().ToArray(),
            labels,
            channels,
            height,
            width);
    }

    private static TensorData Read(DatasetSpecText spec, string path)
    {
        if (!File.Exists(path))
        {
            throw spec.Error("location", $"expected the file {path}, found none");
        }

        try
        {
            return NpyReader.Read(path);
        }
        catch (NpyFormatException e)
        {
            throw new DatasetException(e.Message, e) { FilePath = e.FilePath ?? path, ByteOffset = e.ByteOffset, FieldPath = e.FieldPath };
        }
    }

    private static int[] ReadLabels(TensorData y, string path, int count, out int classCount)
    {
        int[] dims = [.. y.Shape.Dimensions];
        if (dims.Length is not (1 or 2) || dims[0] != count || (dims.Length == 2 && dims[1] == 0))
        {
            throw new DatasetException($"expected labels of shape ({count},) or ({count}, K) to match {count} samples, found {Shape(dims)}") { FilePath = path, FieldPath = "header.shape" };
        }

        int[] labels = new int[count];
        if (dims.Length == 2 && dims[1] > 1)
        {
            int k = dims[1];
            float[] scores = ToFloats(y);
            for (int i = 0; i < count; i++)
            {
                int best = 0;
                for (int j = 1; j < k; j++)
                {
                    best = scores[(i * k) + j] > scores[(i * k) + best] ? j : best;
                }

                labels[i] = best;
            }

            classCount = k;
            return labels;
        }

        if (y.DataType is not (DataType.UInt8 or DataType.Int8 or DataType.Int16 or DataType.Int32 or DataType.Int64))
        {
            throw new DatasetException($"expected integer class labels, found {DataTypeInfo.Name(y.DataType)}; save them with an integer dtype or as N x K one-hot rows") { FilePath = path, FieldPath = "header.descr" };
        }

        float[] values = ToFloats(y);
        for (int i = 0; i < count; i++)
        {
            if (values[i] < 0 || values[i] > 1_000_000)
            {
                throw new DatasetException($"expected class labels in 0..1000000, found {values[i]} at index {i}") { FilePath = path, FieldPath = $"data[{i}]" };
            }

            labels[i] = (int)values[i];
        }

        classCount = count == 0 ? 0 : labels.Max() + 1;
        return labels;
    }

    private static string Shape(int[] dims) => dims.Length == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";

    private static float[] ToFloats(TensorData t)
    {
        float[] result = new float[t.ElementCount];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = t.DataType switch
            {
                DataType.UInt8 => t.AsSpan<byte>()[i],
                DataType.Int8 => t.AsSpan<sbyte>()[i],
                DataType.Int16 => t.AsSpan<short>()[i],
                DataType.Int32 => t.AsSpan<int>()[i],
                DataType.Int64 => t.AsSpan<long>()[i],
                DataType.Float64 => (float)t.AsSpan<double>()[i],
                DataType.Float32 => t.AsSpan<float>()[i],
                _ => throw new DatasetException($"expected numeric labels, found {DataTypeInfo.Name(t.DataType)}") { FieldPath = "header.descr" },
            };
        }

        return result;
    }
}
