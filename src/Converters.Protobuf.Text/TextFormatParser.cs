using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Converters.Protobuf.Text;

/// <summary>
/// Parses protobuf text format into any generated message through Google.Protobuf reflection (proto2
/// and proto3): scalars, enums by name or number, nested messages with or without <c>:</c> in
/// <c>{ }</c> or <c>&lt; &gt;</c>, repeated fields as repeated keys or <c>[a, b]</c> lists, maps as
/// repeated <c>{ key: … value: … }</c> entries, oneofs, strings with C escapes (adjacent strings
/// concatenate) and <c>#</c> comments. Every error is a <see cref="TextFormatException"/> with the line,
/// column and field path (<c>layer[3].convolution_param.kernel_size[0]</c>).
/// </summary>
public sealed class TextFormatParser
{
    /// <summary>Deepest nesting of messages accepted.</summary>
    public const int MaxDepth = 64;

    private readonly TextFormatTokenizer _tokens;
    private readonly string _path;
    private readonly TextFormatDocument _document;
    private readonly Dictionary<(IMessage Message, int Field), int> _counts = new(TextFormatDocument.MessageFieldComparer.Instance);
    private TextFormatToken _current;
    private int _commentsUsed;
    private bool _headerDone;

    private TextFormatParser(string path, string text, IMessage root)
    {
        _path = path;
        _tokens = new TextFormatTokenizer(path, text);
        _document = new TextFormatDocument(path, root);
        _current = _tokens.Next();
    }

    /// <summary>Parses <paramref name="text"/> into a new <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The generated message type of the whole text.</typeparam>
    /// <param name="path">The file the text came from, for error messages and <see cref="TextFormatDocument.Path"/>.</param>
    /// <param name="text">The text.</param>
    /// <returns>The message with the positions and comments of its text.</returns>
    /// <exception cref="TextFormatException">The text is not valid text format for <typeparamref name="T"/>.</exception>
    public static TextFormatDocument Parse<T>(string path, string text)
        where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var parser = new TextFormatParser(path, text, new T());
        parser.ParseFields(parser._document.Root, string.Empty, 0, null);
        return parser._document;
    }

    private TextFormatToken Advance()
    {
        TextFormatToken t = _current;
        _current = _tokens.Next();
        return t;
    }

    private TextFormatException Error(TextFormatToken at, string field, string message) => new(message)
    {
        FilePath = _path,
        Line = at.Line,
        Column = at.Column,
        FieldPath = field.Length == 0 ? null : field,
    };

    private void ParseFields(IMessage message, string path, int depth, TextFormatToken? open)
    {
        MessageDescriptor descriptor = message.Descriptor;
        while (true)
        {
            TextFormatToken name = _current;
            if (name.Kind == TextFormatTokenKind.End)
            {
                if (open is TextFormatToken o)
                {
                    throw Error(name, path, $"expected '{Closing(o)}' to close '{path}' opened at line {o.Line}, got {name.Describe()}");
                }

                return;
            }

            if (open is TextFormatToken opened && (name.Is('}') || name.Is('>')))
            {
                if (!name.Is(Closing(opened)))
                {
                    throw Error(name, path, $"expected '{Closing(opened)}' to close '{path}' opened at line {opened.Line}, got {name.Describe()}");
                }

                Advance();
                return;
            }

            if (name.Kind != TextFormatTokenKind.Identifier)
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

            if (field.RealContainingOneof is OneofDescriptor oneof && oneof.Accessor.GetCaseFieldDescriptor(message) is FieldDescriptor other && other.FieldNumber != field.FieldNumber)
            {
                throw Error(name, fieldPath, $"'{field.Name}' and '{other.Name}' (line {_document.Find(message, other.FieldNumber)?.Line}) are both in oneof '{oneof.Name}': only one may be set");
            }

            if (field.FieldType == FieldType.Message)
            {
                ParseMessageField(message, field, name, path, depth, count);
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

    private static char Closing(TextFormatToken open) => open.Is('<') ? '>' : '}';

    private void ParseMessageField(IMessage message, FieldDescriptor field, TextFormatToken name, string path, int depth, int count)
    {
        if (_current.Is(':'))
        {
            Advance();
        }

        if (_current.Is('[') && field.IsRepeated)
        {
            Advance();
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
                ParseOneMessage(message, field, name, path, depth, count++);
            }

            Advance();
            return;
        }

        ParseOneMessage(message, field, name, path, depth, count);
    }

    private void ParseOneMessage(IMessage message, FieldDescriptor field, TextFormatToken name, string path, int depth, int count)
    {
        string fieldPath = field.IsRepeated ? $"{Join(path, field.Name)}[{count}]" : Join(path, field.Name);
        TextFormatToken open = _current;
        if (!open.Is('{') && !open.Is('<'))
        {
            string what = field.IsMap ? "a map entry" : $"a message ({field.MessageType.Name})";
            throw Error(open, fieldPath, $"'{field.Name}' is {what}: expected '{{' after it, got {open.Describe()}");
        }

        if (depth + 1 > MaxDepth)
        {
            throw Error(open, fieldPath, $"messages are nested more than {MaxDepth} deep");
        }

        Advance();
        _counts[(message, field.FieldNumber)] = count + 1;
        _document.AddField(message, field.FieldNumber, name.Position);
        if (field.IsMap)
        {
            ParseMapEntry(message, field, fieldPath, depth, open);
            return;
        }

        var child = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
        if (field.IsRepeated)
        {
            ((IList)field.Accessor.GetValue(message)).Add(child);
        }
        else
        {
            field.Accessor.SetValue(message, child);
        }

        _document.AddMessage(child, name.Position);
        AttachComments(child, name);
        ParseFields(child, fieldPath, depth + 1, open);
    }

    /// <summary>Reads one <c>{ key: … value: … }</c> entry of a map field; a later entry with the same key replaces an earlier one.</summary>
    private void ParseMapEntry(IMessage message, FieldDescriptor field, string fieldPath, int depth, TextFormatToken open)
    {
        FieldDescriptor keyField = field.MessageType.FindFieldByNumber(1);
        FieldDescriptor valueField = field.MessageType.FindFieldByNumber(2);
        object? key = null;
        object? value = null;
        while (!_current.Is(Closing(open)))
        {
            TextFormatToken name = _current;
            if (name.Kind == TextFormatTokenKind.End)
            {
                throw Error(name, fieldPath, $"expected '{Closing(open)}' to close '{fieldPath}' opened at line {open.Line}, got {name.Describe()}");
            }

            FieldDescriptor? part = name.Kind != TextFormatTokenKind.Identifier ? null : name.Text == "key" ? keyField : name.Text == "value" ? valueField : null;
            if (part is null)
            {
                throw Error(name, fieldPath, $"a map entry of '{field.Name}' has only 'key' and 'value', got {name.Describe()}");
            }

            string partPath = $"{fieldPath}.{part.Name}";
            if ((part == keyField ? key : value) is not null)
            {
                throw Error(name, partPath, $"'{part.Name}' is given twice in one entry of '{field.Name}'");
            }

            Advance();
            object read;
            if (part.FieldType == FieldType.Message)
            {
                if (_current.Is(':'))
                {
                    Advance();
                }

                TextFormatToken inner = _current;
                if (!inner.Is('{') && !inner.Is('<'))
                {
                    throw Error(inner, partPath, $"'value' is a message ({part.MessageType.Name}): expected '{{' after it, got {inner.Describe()}");
                }

                if (depth + 2 > MaxDepth)
                {
                    throw Error(inner, partPath, $"messages are nested more than {MaxDepth} deep");
                }

                Advance();
                var child = (IMessage)Activator.CreateInstance(part.MessageType.ClrType)!;
                _document.AddMessage(child, name.Position);
                ParseFields(child, partPath, depth + 2, inner);
                read = child;
            }
            else
            {
                if (!_current.Is(':'))
                {
                    throw Error(_current, partPath, $"expected ':' after '{part.Name}', got {_current.Describe()}");
                }

                Advance();
                read = ReadValue(part, partPath);
            }

            if (part == keyField)
            {
                key = read;
            }
            else
            {
                value = read;
            }

            if (_current.Is(';') || _current.Is(','))
            {
                Advance();
            }
        }

        Advance();
        key ??= DefaultOf(keyField);
        value ??= DefaultOf(valueField);
        ((IDictionary)field.Accessor.GetValue(message))[key] = value;
    }

    private static object DefaultOf(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message => Activator.CreateInstance(field.MessageType.ClrType)!,
        FieldType.String => string.Empty,
        FieldType.Bytes => ByteString.Empty,
        FieldType.Bool => false,
        FieldType.Float => 0f,
        FieldType.Double => 0d,
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, 0),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => 0,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => 0L,
        FieldType.UInt32 or FieldType.Fixed32 => 0u,
        _ => 0ul,
    };

    private void AttachComments(IMessage child, TextFormatToken name)
    {
        List<TextFormatComment> all = _tokens.Comments;
        var block = new List<TextFormatComment>();
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
            _document.AddHeaderComments(block.Take(split).Select(c => c.Text));
        }

        if (split < block.Count)
        {
            _document.SetLeadingComments(child, [.. block.Skip(split).Select(c => c.Text)]);
        }
    }

    private void ParseScalarField(IMessage message, FieldDescriptor field, TextFormatToken name, string path, int count)
    {
        if (!_headerDone)
        {
            _headerDone = true;
            _document.AddHeaderComments(_tokens.Comments.Where(c => c.Line < name.Line && c.OwnLine).Select(c => c.Text));
            _commentsUsed = _tokens.Comments.Count;
        }

        TextFormatToken colon = _current;
        if (!colon.Is(':'))
        {
            throw Error(colon, Join(path, field.Name), $"expected ':' after '{field.Name}', got {colon.Describe()}");
        }

        Advance();
        if (_current.Is('['))
        {
            TextFormatToken open = Advance();
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
        TextFormatToken at = _current;
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
        TextFormatToken t = _current;
        if (field.FieldType is FieldType.String or FieldType.Bytes)
        {
            if (t.Kind != TextFormatTokenKind.String)
            {
                throw Error(t, fieldPath, $"'{field.Name}' is a {(field.FieldType == FieldType.String ? "string" : "bytes field")}: expected a quoted value, got {t.Describe()}");
            }

            var bytes = new List<byte>(Advance().Bytes!);
            while (_current.Kind == TextFormatTokenKind.String)
            {
                bytes.AddRange(Advance().Bytes!);
            }

            return field.FieldType == FieldType.Bytes ? ByteString.CopyFrom([.. bytes]) : ReadUtf8(bytes, t, fieldPath);
        }

        if (t.Kind is not (TextFormatTokenKind.Identifier or TextFormatTokenKind.Number))
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
            FieldType.Float => TextFormatNumbers.TryParseDouble(t.Text, out double f) ? (object)(float)f : null,
            FieldType.Double => TextFormatNumbers.TryParseDouble(t.Text, out double d) ? d : null,
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => TextFormatNumbers.TryParseInteger(t.Text, out Int128 i) && i >= int.MinValue && i <= int.MaxValue ? (int)i : null,
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => TextFormatNumbers.TryParseInteger(t.Text, out Int128 l) && l >= long.MinValue && l <= long.MaxValue ? (long)l : null,
            FieldType.UInt32 or FieldType.Fixed32 => TextFormatNumbers.TryParseInteger(t.Text, out Int128 u) && u >= 0 && u <= uint.MaxValue ? (uint)u : null,
            FieldType.UInt64 or FieldType.Fixed64 => TextFormatNumbers.TryParseInteger(t.Text, out Int128 ul) && ul >= 0 && ul <= ulong.MaxValue ? (ulong)ul : null,
            _ => null,
        };

        return value ?? throw Error(t, fieldPath, $"'{field.Name}' expects {TypeName(field)}, got {t.Describe()}");
    }

    private string ReadUtf8(List<byte> bytes, TextFormatToken at, string fieldPath)
    {
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (System.Text.DecoderFallbackException ex)
        {
            throw new TextFormatException($"'{fieldPath[(fieldPath.LastIndexOf('.') + 1)..]}' is a string and must be valid UTF-8, but its escapes give an invalid byte sequence (use a bytes field for binary data)", ex)
            {
                FilePath = _path,
                Line = at.Line,
                Column = at.Column,
                FieldPath = fieldPath,
            };
        }
    }

    private static object? ReadEnum(FieldDescriptor field, TextFormatToken t)
    {
        EnumValueDescriptor? value = t.Kind == TextFormatTokenKind.Identifier
            ? field.EnumType.FindValueByName(t.Text)
            : TextFormatNumbers.TryParseInteger(t.Text, out Int128 n) && n >= int.MinValue && n <= int.MaxValue ? field.EnumType.FindValueByNumber((int)n) : null;
        return value is null ? null : Enum.ToObject(field.EnumType.ClrType, value.Number);
    }

    private static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Enum => $"one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.Bool => "true or false",
        FieldType.Float or FieldType.Double => "a number",
        FieldType.UInt32 or FieldType.Fixed32 => "an integer from 0 to 4294967295",
        FieldType.UInt64 or FieldType.Fixed64 => "an integer from 0 to 18446744073709551615",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => "an integer from -2147483648 to 2147483647",
        _ => "an integer from -9223372036854775808 to 9223372036854775807",
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{path}.{name}");
}
