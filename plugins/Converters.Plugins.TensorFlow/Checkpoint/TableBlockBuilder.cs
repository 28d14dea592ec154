using System.Buffers.Binary;

namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>
/// Builds one block of a LevelDB table: entries <c>varint32 shared, varint32 non_shared,
/// varint32 value_length, key suffix, value</c> with the key prefix-compressed against the previous
/// key, a full key (a restart point) every <c>restartInterval</c> entries, then the restart
/// offsets as fixed32 and their count as fixed32.
/// </summary>
internal sealed class TableBlockBuilder(int restartInterval)
{
    private readonly List<byte> _buffer = [];
    private readonly List<uint> _restarts = [0];
    private byte[] _lastKey = [];
    private int _sinceRestart;

    /// <summary>Whether no entry was added since the last <see cref="Finish"/>.</summary>
    public bool IsEmpty => _buffer.Count == 0;

    /// <summary>The size the block would have if finished now.</summary>
    public int EstimatedSize => _buffer.Count + (_restarts.Count * 4) + 4;

    /// <summary>Appends an entry; keys must come in increasing byte order.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int shared = 0;
        if (_sinceRestart < restartInterval)
        {
            int max = Math.Min(_lastKey.Length, key.Length);
            while (shared < max && _lastKey[shared] == key[shared])
            {
                shared++;
            }
        }
        else
        {
            _restarts.Add((uint)_buffer.Count);
            _sinceRestart = 0;
        }

        TableVarint.Write(_buffer, (ulong)shared);
        TableVarint.Write(_buffer, (ulong)(key.Length - shared));
        TableVarint.Write(_buffer, (ulong)value.Length);
        _buffer.AddRange(key[shared..]);
        _buffer.AddRange(value);
        _lastKey = key.ToArray();
        _sinceRestart++;
    }

    /// <summary>Returns the finished block contents and resets the builder.</summary>
    public byte[] Finish()
    {
        Span<byte> word = stackalloc byte[4];
        foreach (uint restart in _restarts)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(word, restart);
            _buffer.AddRange(word);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)_restarts.Count);
        _buffer.AddRange(word);
        byte[] block = [.. _buffer];
        _buffer.Clear();
        _restarts.Clear();
        _restarts.Add(0);
        _lastKey = [];
        _sinceRestart = 0;
        return block;
    }
}
