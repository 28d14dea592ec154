namespace Converters.Plugins.TensorFlow.Checkpoint;

/// <summary>One key/value pair of a table and the offset of the data block it is in.</summary>
/// <param name="Key">The key bytes.</param>
/// <param name="Value">The value bytes.</param>
/// <param name="BlockOffset">The byte offset of its data block in the table file.</param>
internal sealed record TableEntry(byte[] Key, byte[] Value, long BlockOffset);
