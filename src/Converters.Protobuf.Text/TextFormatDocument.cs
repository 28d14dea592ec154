using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace Converters.Protobuf.Text;

/// <summary>
/// A parsed text file: the message, where each message and field occurrence started, and the comment
/// blocks a plugin may keep: the file's header and the block directly above each nested message.
/// </summary>
public sealed class TextFormatDocument
{
    private readonly Dictionary<IMessage, SourcePosition> _messages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(IMessage Message, int Field), List<SourcePosition>> _fields = new(MessageFieldComparer.Instance);
    private readonly List<string> _headerComments = [];
    private readonly Dictionary<IMessage, IReadOnlyList<string>> _leadingComments = new(ReferenceEqualityComparer.Instance);

    internal TextFormatDocument(string path, IMessage root)
    {
        Path = path;
        Root = root;
    }

    /// <summary>The path the text was read from, as given to the parser (used in error messages).</summary>
    public string Path { get; }

    /// <summary>The parsed message.</summary>
    public IMessage Root { get; }

    /// <summary>
    /// Comment lines (text after <c>#</c>) above the first field, except the block directly above it when
    /// that field is a message (that block leads the message instead).
    /// </summary>
    public IReadOnlyList<string> HeaderComments => _headerComments;

    /// <summary>
    /// Own-line comments (text after <c>#</c>) directly above a nested message's field name, with no blank
    /// line between, keyed by that message (by reference).
    /// </summary>
    public IReadOnlyDictionary<IMessage, IReadOnlyList<string>> LeadingComments => _leadingComments;

    /// <summary>Where <paramref name="message"/> started (its field name), if it was parsed from this text.</summary>
    /// <param name="message">A message of this document, compared by reference.</param>
    /// <returns>The position, or <see langword="null"/> for the root and messages not from this text.</returns>
    public SourcePosition? Find(IMessage message) => _messages.TryGetValue(message, out SourcePosition p) ? p : null;

    /// <summary>Where occurrence <paramref name="index"/> of a field of <paramref name="message"/> was written.</summary>
    /// <param name="message">A message of this document, compared by reference.</param>
    /// <param name="fieldNumber">The field's number.</param>
    /// <param name="index">Which occurrence of a repeated field (clamped to those written).</param>
    /// <returns>The position of the value (or nested message's name); the message's start if the field was not written.</returns>
    public SourcePosition? Find(IMessage message, int fieldNumber, int index = 0) =>
        _fields.TryGetValue((message, fieldNumber), out List<SourcePosition>? list) && list.Count > 0
            ? list[Math.Clamp(index, 0, list.Count - 1)]
            : Find(message);

    internal void AddHeaderComments(IEnumerable<string> lines) => _headerComments.AddRange(lines);

    internal void SetLeadingComments(IMessage message, IReadOnlyList<string> lines) => _leadingComments[message] = lines;

    internal void AddMessage(IMessage message, SourcePosition at) => _messages[message] = at;

    internal void AddField(IMessage message, int field, SourcePosition at)
    {
        if (!_fields.TryGetValue((message, field), out List<SourcePosition>? list))
        {
            list = [];
            _fields[(message, field)] = list;
        }

        list.Add(at);
    }

    /// <summary>Compares (message, field) keys by message reference: generated messages compare by value.</summary>
    internal sealed class MessageFieldComparer : IEqualityComparer<(IMessage Message, int Field)>
    {
        public static MessageFieldComparer Instance { get; } = new();

        public bool Equals((IMessage Message, int Field) x, (IMessage Message, int Field) y) => ReferenceEquals(x.Message, y.Message) && x.Field == y.Field;

        public int GetHashCode((IMessage Message, int Field) obj) => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Message), obj.Field);
    }
}
