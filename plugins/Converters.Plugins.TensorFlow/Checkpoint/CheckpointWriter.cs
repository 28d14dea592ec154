using System.Text;
using Converters.Abstractions;
using Google.Protobuf;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// Writes a V2 checkpoint the way TensorFlow's <c>BundleWriter</c> does with one shard:
/// <c>prefix.data-00000-of-00001</c> with the tensors' bytes concatenated in key order (no
/// alignment padding), <c>prefix.index</c> (header under <c>""</c>, then one
/// <see cref="BundleEntryProto"/> per tensor in byte order of the UTF-8 names, masked CRC32C of each
/// tensor's bytes, uncompressed table), and a <c>checkpoint</c> file naming the prefix. All files
/// appear together or not at all.
/// </summary>
internal static class CheckpointWriter
{
    /// <summary>Writes <paramref name="tensors"/> as checkpoint <paramref name="prefixName"/> in <paramref name="directory"/>; returns the files written.</summary>
    /// <param name="directory">The folder; created if needed.</param>
    /// <param name="prefixName">The prefix's file name, e.g. <c>model.ckpt</c>.</param>
    /// <param name="tensors">The tensors; names must be unique and non-empty, types fixed-size (data sized to the shape) or DT_STRING.</param>
    /// <param name="blockSize">The table's data block size (TensorFlow's default unless a test wants many blocks).</param>
    /// <exception cref="ArgumentException">A tensor is invalid.</exception>
    public static IReadOnlyList<string> Write(string directory, string prefixName, IEnumerable<CheckpointTensor> tensors, int blockSize = TableFormat.DefaultBlockSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefixName);
        ArgumentNullException.ThrowIfNull(tensors);

        var sorted = new List<(byte[] Key, CheckpointTensor Tensor)>();
        foreach (CheckpointTensor tensor in tensors)
        {
            Validate(tensor);
            sorted.Add((Encoding.UTF8.GetBytes(tensor.Name), tensor));
        }

        sorted.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Key.AsSpan().SequenceEqual(sorted[i - 1].Key))
            {
                throw new ArgumentException($"Tensor name '{sorted[i].Tensor.Name}' appears more than once.", nameof(tensors));
            }
        }

        using var files = new AtomicFileSet(directory);
        var entries = new List<(byte[] Key, byte[] Value)>(sorted.Count + 1);
        var header = new BundleHeaderProto
        {
            NumShards = 1,
            Endianness = BundleHeaderProto.Types.Endianness.Little,
            Version = new VersionDef { Producer = CheckpointReader.BundleVersion },
        };
        entries.Add(([], header.ToByteArray()));

        string shardName = Path.GetFileName(CheckpointReader.ShardPath(prefixName, 0, 1));
        using (Stream data = files.Create(shardName))
        {
            long offset = 0;
            foreach ((byte[] key, CheckpointTensor tensor) in sorted)
            {
                byte[] bytes = tensor.Data;
                uint crc;
                if (tensor.DataType == DataType.DtString)
                {
                    (bytes, crc) = StringTensorLayout.Encode(tensor.Strings!);
                }
                else
                {
                    crc = Crc32C.Compute(bytes);
                }

                data.Write(bytes);
                var shape = new TensorShapeProto();
                foreach (long d in tensor.Shape)
                {
                    shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
                }

                var entry = new BundleEntryProto
                {
                    Dtype = tensor.DataType,
                    Shape = shape,
                    ShardId = 0,
                    Offset = offset,
                    Size = bytes.Length,
                    Crc32C = Crc32C.Mask(crc),
                };
                entries.Add((key, entry.ToByteArray()));
                offset += bytes.Length;
            }
        }

        using (Stream index = files.Create(prefixName + ".index"))
        {
            var table = new TableWriter(index, blockSize);
            foreach ((byte[] key, byte[] value) in entries)
            {
                table.Add(key, value);
            }

            table.Finish();
        }

        using (Stream state = files.Create(CheckpointStateFile.FileName))
        {
            state.Write(new UTF8Encoding(false).GetBytes(CheckpointStateFile.Format(prefixName)));
        }

        return files.Commit();
    }

    private static void Validate(CheckpointTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (string.IsNullOrEmpty(tensor.Name))
        {
            throw new ArgumentException("A checkpoint tensor needs a non-empty name (the empty key is the header).", nameof(tensor));
        }

        int elementSize = CheckpointDataTypes.ElementSize(tensor.DataType);
        bool isString = tensor.DataType == DataType.DtString;
        if (elementSize == 0 && !isString)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has type {CheckpointDataTypes.Name(tensor.DataType)}; only fixed-size types and DT_STRING can be written.", nameof(tensor));
        }

        long count = 1;
        foreach (long d in tensor.Shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Tensor '{tensor.Name}' has a negative dimension.", nameof(tensor));
            }

            count = checked(count * d);
        }

        if (isString)
        {
            if (tensor.Strings is null || tensor.Strings.Count != count || tensor.Data.Length != 0)
            {
                throw new ArgumentException($"String tensor '{tensor.Name}' needs {count} strings in Strings and no Data.", nameof(tensor));
            }

            return;
        }

        if (checked(count * elementSize) != tensor.Data.Length)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' has {tensor.Data.Length} bytes of data; its type and shape need {count * elementSize}.", nameof(tensor));
        }
    }
}
