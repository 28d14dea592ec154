using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>
/// Parses protobuf text format into any generated message through Google.Protobuf reflection:
/// scalars, enums by name or number, nested messages with or without ':', repeated fields as repeated
/// keys or <c>[a, b]</c> lists, strings with escapes (adjacent strings concatenate), <c>#</c> comments.
/// Every error carries the line, column and field path (<c>layer[3].convolution_param.kernel_size</c>).
/// </summary>
internal sealed class PrototxtParser
{
    /// <summary>Deepest nesting of messages accepted.</summary>
    public const int MaxDepth = 64;

    private readonly PrototxtTokenizer _tokens;
    private readonly string _path;
    private readonly PrototxtDocument _document;
    private readonly Dictionary<(IMessage Message, int Field), int> _counts = new(PrototxtDocument.FieldKeyComparer.Instance);
    private Token _current;
    private int _commentsUsed;
    private bool _headerDone;

    private PrototxtParser(string path, string text, IMessage root)
    {
        _path = path;
        _tokens = new PrototxtTokenizer(path, text);
        _document = new PrototxtDocument(path, root);
        _current = _tokens.Next();
    }

    /// <summary>Parses <paramref name="text"/> into a new <typeparamref name="T"/>.</summary>
    public static PrototxtDocument Parse<T>(string path, string text)
        where T : IMessage<T>, new()
    {
        var parser = new PrototxtParser(path, text, new T());
        parser.ParseFields(parser._document.Root, string.Empty, 0, null);
        return parser._document;
    }

    private Token Advance()
    {
        Token t = _current;
        _current = _tokens.Next();
        return t;
    }

    private PrototxtException Error(Token at, string field, string message) => new(message)
    {
        FilePath = _path,
        Line = at.Line,
        Column = at.Column,
        FieldPath = field.Length == 0 ? null : field,
    };

    private void ParseFields(IMessage message, string path, int depth, Token? open)
    {
        MessageDescriptor descriptor = message.Descriptor;
        while (true)
        {
            Token name = _current;
            if (name.Kind == TokenKind.End)
            {
                if (open is Token o)
                {
                    throw Error(name, path, $"expected '}}' to close '{path}' opened at line {o.Line}, got {name.Describe()}");
                }

                return;
            }

            if (open is not null && (name.Is('}') || name.Is('>')))
            {
                Advance();
                return;
            }

            if (name.Kind != TokenKind.Identifier)
            {
                throw Error(name, path, $"expected a field name of {descriptor.Name}, got {name.Describe()}");
            }

            Advance();
            FieldDescriptor? field = descriptor.FindFieldByName(name.Text);
            if (field is null)
            {
                string known = string.Join(", ", descriptor.Fields.InDeclarationOrder().Select(f => f.Name).Take(40));
                throw Error(name, Join(path, name.Text), $"{descriptor.Name} has no field '{name.Text}'; its fields: {known}");
            }

            int count = _counts.TryGetValue((message, field.FieldNumber), out int c) ? c : 0;
            string fieldPath = field.IsRepeated ? $"{Join(path, field.Name)}[{count}]" : Join(path, field.Name);
            if (!field.IsRepeated && count > 0)
            {
                throw Error(name, fieldPath, $"'{field.Name}' is not a repeated field and is already set above (line {_document.Find(message, field.FieldNumber)?.Line})");
            }

            if (field.FieldType == FieldType.Message)
            {
                ParseMessageField(message, field, name, fieldPath, depth, count);
            }
            else
            {
                ParseScalarField(message, field, name, path, count);
            }

            if (_current.Is(';') || _current.Is(','))
            {
                Advance();
            }
        }
    }

    private void ParseMessageField(IMessage message, FieldDescriptor field, Token name, string fieldPath, int depth, int count)
    {
        if (_current.Is(':'))
        {
            Advance();
        }

        Token open = _current;
        if (!open.Is('{') && !open.Is('<'))
        {
            throw Error(open, fieldPath, $"'{field.Name}' is a message ({field.MessageType.Name}): expected '{{' after it, got {open.Describe()}");
        }

        if (depth + 1 > MaxDepth)
        {
            throw Error(open, fieldPath, $"messages are nested more than {MaxDepth} deep");
        }

        Advance();
        var child = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
        if (field.IsRepeated)
        {
            ((IList)field.Accessor.GetValue(message)).Add(child);
        }
        else
        {
            field.Accessor.SetValue(message, child);
        }

        _counts[(message, field.FieldNumber)] = count + 1;
        _document.AddMessage(child, name.Position);
        _document.AddField(message, field.FieldNumber, name.Position);
        AttachComments(child, name);
        ParseFields(child, fieldPath, depth + 1, open);
    }

    private void AttachComments(IMessage child, Token name)
    {
        List<PrototxtComment> all = _tokens.Comments;
        var block = new List<PrototxtComment>();
        for (int i = _commentsUsed; i < all.Count; i++)
        {
            if (all[i].Line < name.Line && all[i].OwnLine)
            {
                block.Add(all[i]);
            }
        }

        _commentsUsed = all.Count;
        // The block directly above the field (no blank line between) leads the message; on the first
        // field, anything above that block is the file's header.
        int split = block.Count;
        int expect = name.Line - 1;
        for (int i = block.Count - 1; i >= 0 && block[i].Line == expect; i--, expect--)
        {
            split = i;
        }

        if (!_headerDone)
        {
            _headerDone = true;
            _document.HeaderComments.AddRange(block.Take(split).Select(c => c.Text));
        }

        block = block.Skip(split).ToList();
        if (block.Count > 0)
        {
            _document.LeadingComments[child] = [.. block.Select(c => c.Text)];
        }
    }

    private void ParseScalarField(IMessage message, FieldDescriptor field, Token name, string path, int count)
    {
        if (!_headerDone)
        {
            _headerDone = true;
            _document.HeaderComments.AddRange(_tokens.Comments.Where(c => c.Line < name.Line && c.OwnLine).Select(c => c.Text));
            _commentsUsed = _tokens.Comments.Count;
        }

        Token colon = _current;
        if (!colon.Is(':'))
        {
            throw Error(colon, Join(path, field.Name), $"expected ':' after '{field.Name}', got {colon.Describe()}");
        }

        Advance();
        if (_current.Is('['))
        {
            Token open = Advance();
            if (!field.IsRepeated)
            {
                throw Error(open, Join(path, field.Name), $"'{field.Name}' is not a repeated field: a list [...] is not allowed");
            }

            bool first = true;
            while (!_current.Is(']'))
            {
                if (!first)
                {
                    if (!_current.Is(','))
                    {
                        throw Error(_current, $"{Join(path, field.Name)}[{count}]", $"expected ',' or ']' in the list of '{field.Name}', got {_current.Describe()}");
                    }

                    Advance();
                }

                first = false;
                AddValue(message, field, path, count++);
            }

            Advance();
            return;
        }

        AddValue(message, field, path, count);
    }

    private void AddValue(IMessage message, FieldDescriptor field, string path, int index)
    {
        Token at = _current;
        string fieldPath = field.IsRepeated ? $"{Join(path, field.Name)}[{index}]" : Join(path, field.Name);
        object value = ReadValue(field, fieldPath);
        if (field.IsRepeated)
        {
            ((IList)field.Accessor.GetValue(message)).Add(value);
        }
        else
        {
            field.Accessor.SetValue(message, value);
        }

        _counts[(message, field.FieldNumber)] = index + 1;
        _document.AddField(message, field.FieldNumber, at.Position);
    }

    private object ReadValue(FieldDescriptor field, string fieldPath)
    {
        Token t = _current;
        if (field.FieldType is FieldType.String or FieldType.Bytes)
        {
            if (t.Kind != TokenKind.String)
            {
                throw Error(t, fieldPath, $"'{field.Name}' is a string: expected a quoted value, got {t.Describe()}");
            }

            string text = Advance().Text;
            while (_current.Kind == TokenKind.String)
            {
                text += Advance().Text;
            }

            return field.FieldType == FieldType.String ? text : ByteString.CopyFromUtf8(text);
        }

        if (t.Kind is not (TokenKind.Identifier or TokenKind.Number))
        {
            throw Error(t, fieldPath, $"expected a value for '{field.Name}' ({TypeName(field)}), got {t.Describe()}");
        }

        Advance();
        object? value = field.FieldType switch
        {
            FieldType.Enum => ReadEnum(field, t),
            FieldType.Bool => t.Text switch
            {
                "true" or "True" or "t" or "1" => true,
                "false" or "False" or "f" or "0" => false,
                _ => null,
            },
            FieldType.Float => PrototxtNumbers.TryParseDouble(t.Text, out double f) ? (object)(float)f : null,
            FieldType.Double => PrototxtNumbers.TryParseDouble(t.Text, out double d) ? d : null,
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => PrototxtNumbers.TryParseInteger(t.Text, out Int128 i) && i >= int.MinValue && i <= int.MaxValue ? (int)i : null,
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => PrototxtNumbers.TryParseInteger(t.Text, out Int128 l) && l >= long.MinValue && l <= long.MaxValue ? (long)l : null,
            FieldType.UInt32 or FieldType.Fixed32 => PrototxtNumbers.TryParseInteger(t.Text, out Int128 u) && u >= 0 && u <= uint.MaxValue ? (uint)u : null,
            FieldType.UInt64 or FieldType.Fixed64 => PrototxtNumbers.TryParseInteger(t.Text, out Int128 ul) && ul >= 0 && ul <= ulong.MaxValue ? (ulong)ul : null,
            _ => null,
        };

        return value ?? throw Error(t, fieldPath, $"'{field.Name}' expects {TypeName(field)}, got {t.Describe()}");
    }

    private static object? ReadEnum(FieldDescriptor field, Token t)
    {
        EnumValueDescriptor? value = t.Kind == TokenKind.Identifier
            ? field.EnumType.FindValueByName(t.Text)
            : PrototxtNumbers.TryParseInteger(t.Text, out Int128 n) && n >= int.MinValue && n <= int.MaxValue ? field.EnumType.FindValueByNumber((int)n) : null;
        return value is null ? null : Enum.ToObject(field.EnumType.ClrType, value.Number);
    }

    private static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Enum => $"one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.Bool => "true or false",
        FieldType.Float or FieldType.Double => "a number",
        FieldType.UInt32 or FieldType.Fixed32 => "an integer from 0 to 4294967295",
        FieldType.UInt64 or FieldType.Fixed64 => "a non-negative integer",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => "a 32-bit integer",
        _ => "an integer",
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{path}.{name}");
}
