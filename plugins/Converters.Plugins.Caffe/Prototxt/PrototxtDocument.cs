using Google.Protobuf;

namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>
/// A parsed text file: the message, where each message and field occurrence started, and the comments
/// the printer can put back (the file's header block and the block right before each message).
/// </summary>
internal sealed class PrototxtDocument
{
    private readonly Dictionary<IMessage, SourcePosition> _messages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(IMessage Message, int Field), List<SourcePosition>> _fields = new(FieldKeyComparer.Instance);

    public PrototxtDocument(string path, IMessage root)
    {
        Path = path;
        Root = root;
    }

    public string Path { get; }

    public IMessage Root { get; }

    /// <summary>Comment lines (text after '#') before the first field, separated from it by a blank line.</summary>
    public List<string> HeaderComments { get; } = [];

    /// <summary>Comment lines directly before a nested message, keyed by that message (by reference).</summary>
    public Dictionary<IMessage, List<string>> LeadingComments { get; } = new(ReferenceEqualityComparer.Instance);

    public void AddMessage(IMessage message, SourcePosition at) => _messages[message] = at;

    public void AddField(IMessage message, int field, SourcePosition at)
    {
        if (!_fields.TryGetValue((message, field), out List<SourcePosition>? list))
        {
            list = [];
            _fields[(message, field)] = list;
        }

        list.Add(at);
    }

    /// <summary>Where <paramref name="message"/> started (its field name), if it was parsed from text.</summary>
    public SourcePosition? Find(IMessage message) => _messages.TryGetValue(message, out SourcePosition p) ? p : null;

    /// <summary>Where occurrence <paramref name="index"/> of a field was written, else the message's start.</summary>
    public SourcePosition? Find(IMessage message, int field, int index = 0) =>
        _fields.TryGetValue((message, field), out List<SourcePosition>? list) && list.Count > 0
            ? list[Math.Clamp(index, 0, list.Count - 1)]
            : Find(message);

    /// <summary>Compares (message, field) keys by message reference: generated messages compare by value.</summary>
    internal sealed class FieldKeyComparer : IEqualityComparer<(IMessage Message, int Field)>
    {
        public static FieldKeyComparer Instance { get; } = new();

        public bool Equals((IMessage Message, int Field) x, (IMessage Message, int Field) y) => ReferenceEquals(x.Message, y.Message) && x.Field == y.Field;

        public int GetHashCode((IMessage Message, int Field) obj) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Message), obj.Field);
    }
}
