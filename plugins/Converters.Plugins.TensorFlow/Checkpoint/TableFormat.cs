namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>Constants of the LevelDB table format that TensorFlow's <c>.index</c> files use.</summary>
internal static class TableFormat
{
    /// <summary>The footer: metaindex and index handles zero-padded to 40 bytes, then the 8-byte magic.</summary>
    public const int FooterLength = 48;

    /// <summary>The fixed64 (little-endian) at the end of every table.</summary>
    public const ulong Magic = 0xdb4775248b80fb57UL;

    /// <summary>After each block: a compression type byte and the masked CRC32C of block + type.</summary>
    public const int BlockTrailerLength = 5;

    /// <summary>Compression type byte: stored as is.</summary>
    public const byte NoCompression = 0;

    /// <summary>Compression type byte: a raw Snappy block.</summary>
    public const byte SnappyCompression = 1;

    /// <summary>TensorFlow's (and LevelDB's) default number of entries between restart points in data blocks.</summary>
    public const int DefaultRestartInterval = 16;

    /// <summary>TensorFlow's <c>table::Options::block_size</c> default (256 KiB; LevelDB's own default is 4 KiB).</summary>
    public const int DefaultBlockSize = 262144;
}
