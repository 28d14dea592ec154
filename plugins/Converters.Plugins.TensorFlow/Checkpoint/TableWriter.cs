using System.Buffers.Binary;
using System.Diagnostics;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// Writes an immutable string→string table in LevelDB's format as TensorFlow's bundle writer does:
/// uncompressed data blocks (a restart point every 16 keys) cut when they reach the block size,
/// no filter, an empty metaindex block, an index block (restart interval 1) whose keys are the last
/// key of each data block, and the 48-byte footer. Keys must be added in increasing byte order.
/// </summary>
internal sealed class TableWriter
{
    private readonly Stream _output;
    private readonly int _blockSize;
    private readonly TableBlockBuilder _data;
    private readonly TableBlockBuilder _index = new(1);
    private byte[]? _lastKey;
    private long _position;
    private bool _finished;

    /// <summary>Writes to <paramref name="output"/>, starting at its current position as offset 0.</summary>
    public TableWriter(Stream output, int blockSize = TableFormat.DefaultBlockSize, int restartInterval = TableFormat.DefaultRestartInterval)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(restartInterval, 1);
        _output = output;
        _blockSize = blockSize;
        _data = new TableBlockBuilder(restartInterval);
    }

    /// <summary>Adds an entry.</summary>
    /// <exception cref="ArgumentException">The key does not sort after the previous key.</exception>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_lastKey is not null && key.SequenceCompareTo(_lastKey) <= 0)
        {
            throw new ArgumentException("Table keys must be added in strictly increasing byte order.", nameof(key));
        }

        _data.Add(key, value);
        _lastKey = key.ToArray();
        if (_data.EstimatedSize >= _blockSize)
        {
            FlushDataBlock();
        }
    }

    /// <summary>Writes the last data block, the metaindex and index blocks and the footer.</summary>
    public void Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        FlushDataBlock();
        BlockHandle metaindex = WriteBlock(new TableBlockBuilder(TableFormat.DefaultRestartInterval).Finish());
        BlockHandle index = WriteBlock(_index.Finish());

        var footer = new List<byte>(TableFormat.FooterLength);
        metaindex.EncodeTo(footer);
        index.EncodeTo(footer);
        while (footer.Count < TableFormat.FooterLength - 8)
        {
            footer.Add(0);
        }

        Span<byte> magic = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(magic, TableFormat.Magic);
        footer.AddRange(magic);
        Debug.Assert(footer.Count == TableFormat.FooterLength, "the footer is 48 bytes");
        _output.Write([.. footer]);
        _position += footer.Count;
        _finished = true;
    }

    private void FlushDataBlock()
    {
        if (_data.IsEmpty)
        {
            return;
        }

        BlockHandle handle = WriteBlock(_data.Finish());
        var encoded = new List<byte>(BlockHandle.MaxEncodedLength);
        handle.EncodeTo(encoded);

        // The last key of the block is a valid separator: >= every key in it, < every key after it.
        _index.Add(_lastKey, [.. encoded]);
    }

    private BlockHandle WriteBlock(byte[] contents)
    {
        var handle = new BlockHandle((ulong)_position, (ulong)contents.Length);
        Span<byte> trailer = stackalloc byte[TableFormat.BlockTrailerLength];
        trailer[0] = TableFormat.NoCompression;
        uint crc = Crc32C.Append(Crc32C.Compute(contents), trailer[..1]);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[1..], Crc32C.Mask(crc));
        _output.Write(contents);
        _output.Write(trailer);
        _position += contents.Length + TableFormat.BlockTrailerLength;
        return handle;
    }
}
