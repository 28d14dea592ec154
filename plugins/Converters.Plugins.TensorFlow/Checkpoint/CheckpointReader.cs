using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.Win32.SafeHandles;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// Reads a TensorFlow V2 checkpoint ("tensor bundle"): <c>prefix.index</c>, a LevelDB-format table
/// mapping <c>""</c> to a <see cref="BundleHeaderProto"/> and each tensor name to a
/// <see cref="BundleEntryProto"/>, and <c>prefix.data-NNNNN-of-MMMMM</c> shards holding the raw
/// little-endian bytes at each entry's offset. The whole index is read and checked on
/// <see cref="Open"/>; each tensor's size and masked CRC32C are checked when it is read.
/// </summary>
internal sealed class CheckpointReader
{
    /// <summary>The bundle version this reader implements (TF's <c>kTensorBundleVersion</c>).</summary>
    public const int BundleVersion = 1;

    private readonly Dictionary<string, BundleEntryProto> _entries;

    private CheckpointReader(string prefix, BundleHeaderProto header, Dictionary<string, BundleEntryProto> entries, List<string> names, int binaryKeys)
    {
        Prefix = prefix;
        Header = header;
        _entries = entries;
        TensorNames = names;
        BinaryKeyCount = binaryKeys;
    }

    /// <summary>The checkpoint prefix (path without <c>.index</c>).</summary>
    public string Prefix { get; }

    /// <summary>The <c>.index</c> file.</summary>
    public string IndexPath => Prefix + ".index";

    /// <summary>The header entry.</summary>
    public BundleHeaderProto Header { get; }

    /// <summary>The tensor names, in the index's (byte) order.</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>Keys that are not UTF-8 names: the slice records of partitioned tensors, which are not read.</summary>
    public int BinaryKeyCount { get; }

    /// <summary>
    /// Opens the checkpoint at <paramref name="path"/>: a prefix (<c>dir/model.ckpt-1000</c>), its
    /// <c>.index</c> file, a folder whose <c>checkpoint</c> file names the latest prefix, or that file.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A file is missing, truncated or corrupt.</exception>
    public static CheckpointReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string prefix = ResolvePrefix(path);
        string indexPath = prefix + ".index";
        byte[] index;
        try
        {
            index = File.ReadAllBytes(indexPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string reason = ex is FileNotFoundException or DirectoryNotFoundException ? "the checkpoint's .index file does not exist" : ex.Message;
            throw new CheckpointFormatException($"cannot read the checkpoint index: {reason}", ex) { FilePath = indexPath };
        }

        List<TableEntry> table = TableReader.ReadAll(index, indexPath);
        if (table.Count == 0 || table[0].Key.Length != 0)
        {
            throw CheckpointThrowHelper.Create(indexPath, table.Count == 0 ? null : table[0].BlockOffset, "header", "the index has no header entry (the empty key \"\" must come first); is this a V2 checkpoint .index?");
        }

        BundleHeaderProto header = Parse(BundleHeaderProto.Parser, table[0], indexPath, "header");
        if (header.Endianness != BundleHeaderProto.Types.Endianness.Little)
        {
            throw CheckpointThrowHelper.Create(indexPath, table[0].BlockOffset, "header.endianness", $"the checkpoint is {header.Endianness} endian; only little-endian checkpoints are supported");
        }

        if (header.NumShards < 1)
        {
            throw CheckpointThrowHelper.Create(indexPath, table[0].BlockOffset, "header.num_shards", Invariant($"num_shards is {header.NumShards}; expected at least 1"));
        }

        if (header.Version is { } version && (version.MinConsumer > BundleVersion || version.BadConsumers.Contains(BundleVersion)))
        {
            throw CheckpointThrowHelper.Create(indexPath, table[0].BlockOffset, "header.version", Invariant($"the checkpoint needs a reader of bundle version {version.MinConsumer} or later (this one is {BundleVersion})"));
        }

        var strict = new UTF8Encoding(false, true);
        var entries = new Dictionary<string, BundleEntryProto>(StringComparer.Ordinal);
        var names = new List<string>(table.Count - 1);
        int binary = 0;
        for (int i = 1; i < table.Count; i++)
        {
            string name;
            try
            {
                name = strict.GetString(table[i].Key);
            }
            catch (DecoderFallbackException)
            {
                binary++;
                continue;
            }

            entries.Add(name, Parse(BundleEntryProto.Parser, table[i], indexPath, name));
            names.Add(name);
        }

        return new CheckpointReader(prefix, header, entries, names, binary);
    }

    /// <summary>Whether the checkpoint has a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The index entry of <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointFormatException">There is no such tensor.</exception>
    public BundleEntryProto GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_entries.TryGetValue(name, out BundleEntryProto? entry))
        {
            return entry;
        }

        string some = string.Join(", ", TensorNames.Take(10).Select(n => $"'{n}'"));
        string more = TensorNames.Count > 10 ? Invariant($", … ({TensorNames.Count} in all)") : string.Empty;
        throw CheckpointThrowHelper.Create(IndexPath, null, name, $"tensor '{name}' is not in the checkpoint; it has {(TensorNames.Count == 0 ? "no tensors" : some + more)}");
    }

    /// <summary>Reads every tensor, in index order.</summary>
    public IEnumerable<CheckpointTensor> ReadAll() => TensorNames.Select(ReadTensor);

    /// <summary>Reads <paramref name="name"/> from its shard and checks its size and CRC.</summary>
    /// <exception cref="CheckpointFormatException">The tensor is missing, its entry is inconsistent, its shard is missing or short, or its bytes are corrupt.</exception>
    public CheckpointTensor ReadTensor(string name)
    {
        BundleEntryProto entry = GetEntry(name);
        if (entry.Slices.Count > 0)
        {
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".slices", $"tensor '{name}' is partitioned into {entry.Slices.Count} slices; partitioned tensors are not supported");
        }

        bool isString = entry.Dtype == DataType.DtString;
        int elementSize = CheckpointDataTypes.ElementSize(entry.Dtype);
        if (elementSize == 0 && !isString)
        {
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".dtype", $"tensor '{name}' has type {CheckpointDataTypes.Name(entry.Dtype)}; only fixed-size numeric and bool types and DT_STRING are supported");
        }

        long[] shape = ReadShape(entry, name);
        long count = ElementCount(shape, elementSize, name);
        long expected = isString ? entry.Size : count * elementSize;
        if (isString ? entry.Size < count + 4 : entry.Size != expected)
        {
            string need = isString ? Invariant($"at least {count + 4} bytes (a length per string and a 4-byte checksum)") : Invariant($"{expected} bytes");
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".size", Invariant($"tensor '{name}' ({CheckpointDataTypes.Name(entry.Dtype)}, shape [{string.Join(", ", shape)}]) should have {need}, but its entry says {entry.Size}"));
        }

        if (entry.ShardId < 0 || entry.ShardId >= Header.NumShards)
        {
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".shard_id", Invariant($"tensor '{name}' is in shard {entry.ShardId}, but the checkpoint has {Header.NumShards} shards"));
        }

        if (entry.Offset < 0)
        {
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".offset", Invariant($"tensor '{name}' has the negative offset {entry.Offset}"));
        }

        if (expected > Array.MaxLength)
        {
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".size", Invariant($"tensor '{name}' has {expected} bytes; tensors over {Array.MaxLength} bytes are not supported"));
        }

        string shardPath = ShardPath(Prefix, entry.ShardId, Header.NumShards);
        byte[] data = ReadShardBytes(shardPath, name, entry.Offset, expected);
        uint actual;
        IReadOnlyList<byte[]>? strings = null;
        if (isString)
        {
            strings = StringTensorLayout.TryDecode(data, count, out actual, out string? error, out int errorOffset)
                ?? throw CheckpointThrowHelper.Create(shardPath, entry.Offset + errorOffset, name, $"string tensor '{name}' is corrupt: {error}");
        }
        else
        {
            actual = Crc32C.Compute(data);
        }

        if (Crc32C.Unmask(entry.Crc32C) != actual)
        {
            throw CheckpointThrowHelper.Create(shardPath, entry.Offset, name, Invariant($"CRC mismatch in tensor '{name}' (bytes {entry.Offset} to {entry.Offset + expected}): the index stores masked CRC32C 0x{entry.Crc32C:x8}, the data give 0x{Crc32C.Mask(actual):x8}; the data shard is corrupt"));
        }

        return isString ? new CheckpointTensor(name, entry.Dtype, shape, [], strings) : new CheckpointTensor(name, entry.Dtype, shape, data);
    }

    private static byte[] ReadShardBytes(string shardPath, string name, long offset, long size)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(shardPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string reason = ex is FileNotFoundException or DirectoryNotFoundException
                ? $"the data shard '{Path.GetFileName(shardPath)}' that holds tensor '{name}' does not exist"
                : $"cannot read the data shard that holds tensor '{name}': {ex.Message}";
            throw new CheckpointFormatException(reason, ex) { FilePath = shardPath, FieldPath = name };
        }

        using (handle)
        {
            long length = RandomAccess.GetLength(handle);
            if (offset > length || size > length - offset)
            {
                throw CheckpointThrowHelper.Create(shardPath, length, name, Invariant($"the data shard has {length} bytes, but tensor '{name}' needs bytes {offset} to {offset + size}; the shard is truncated or belongs to another checkpoint"));
            }

            byte[] data = new byte[size];
            int done = 0;
            while (done < data.Length)
            {
                int read = RandomAccess.Read(handle, data.AsSpan(done), offset + done);
                if (read == 0)
                {
                    throw CheckpointThrowHelper.Create(shardPath, offset + done, name, Invariant($"the data shard ended while reading tensor '{name}'"));
                }

                done += read;
            }

            return data;
        }
    }

    /// <summary>The data shard file of <paramref name="shard"/>: <c>prefix.data-NNNNN-of-MMMMM</c>.</summary>
    public static string ShardPath(string prefix, int shard, int shardCount) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}.data-{shard:D5}-of-{shardCount:D5}");

    private static string ResolvePrefix(string path)
    {
        if (Directory.Exists(path))
        {
            return ResolveFromState(Path.Combine(path, CheckpointStateFile.FileName));
        }

        if (string.Equals(Path.GetFileName(path), CheckpointStateFile.FileName, StringComparison.Ordinal) && File.Exists(path))
        {
            return ResolveFromState(path);
        }

        return path.EndsWith(".index", StringComparison.Ordinal) ? path[..^".index".Length] : path;
    }

    private static string ResolveFromState(string statePath)
    {
        string model = CheckpointStateFile.ReadModelCheckpointPath(statePath);
        return Path.IsPathRooted(model) ? model : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(statePath))!, model);
    }

    private static T Parse<T>(MessageParser<T> parser, TableEntry entry, string indexPath, string field)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(entry.Value);
        }
        catch (InvalidProtocolBufferException ex)
        {
            string what = field == "header" ? "header (BundleHeaderProto)" : $"entry of tensor '{field}' (BundleEntryProto)";
            throw CheckpointThrowHelper.Create(indexPath, entry.BlockOffset, field, $"the {what} in the data block at byte {entry.BlockOffset} is not a valid protobuf message: {ex.Message}", ex);
        }
    }

    private long[] ReadShape(BundleEntryProto entry, string name)
    {
        TensorShapeProto? shape = entry.Shape;
        if (shape is null)
        {
            return [];
        }

        if (shape.UnknownRank)
        {
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".shape", $"tensor '{name}' has a shape of unknown rank");
        }

        var dims = new long[shape.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            dims[i] = shape.Dim[i].Size;
            if (dims[i] < 0)
            {
                throw CheckpointThrowHelper.Create(IndexPath, null, Invariant($"{name}.shape.dim[{i}]"), Invariant($"tensor '{name}' has dimension {i} = {dims[i]}; a stored tensor's dimensions must be known and non-negative"));
            }
        }

        return dims;
    }

    /// <summary>The element count, checked so that count × element size (at least 1) fits in 64 bits.</summary>
    private long ElementCount(long[] shape, int elementSize, string name)
    {
        try
        {
            long count = 1;
            foreach (long d in shape)
            {
                count = checked(count * d);
            }

            _ = checked(count * Math.Max(elementSize, 1));
            return count;
        }
        catch (OverflowException ex)
        {
            throw CheckpointThrowHelper.Create(IndexPath, null, name + ".shape", Invariant($"tensor '{name}' has shape [{string.Join(", ", shape)}], whose byte size overflows 64 bits"), ex);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
