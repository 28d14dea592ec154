using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Converters.Protobuf.Text;

/// <summary>
/// Prints a message in protobuf text format, one field per line: <c>name: value</c> for scalars,
/// <c>name {</c> … <c>}</c> for messages, each map entry as <c>name { key: … value: … }</c> in key order,
/// enums by name (by number when the number has no name), strings in double quotes with C escapes,
/// floats in their shortest round-trip form with <c>inf</c>, <c>-inf</c>, <c>nan</c>. Fields without a
/// value are left out (proto3 scalars equal to their default, unset proto2 fields). The layout is
/// set by <see cref="TextFormatPrintOptions"/>; comments can go before the whole text and before given
/// nested messages. The output parses back with <see cref="TextFormatParser"/> to an equal message.
/// </summary>
public static class TextFormatPrinter
{
    /// <summary>Prints <paramref name="message"/>.</summary>
    /// <param name="message">The message to print.</param>
    /// <param name="options">The layout; <see cref="TextFormatPrintOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="headerComments">Lines written as <c>#line</c> at the top, followed by a blank line.</param>
    /// <param name="leadingComments">Lines written as <c>#line</c> directly before a nested message (keyed by reference).</param>
    /// <returns>The text, with <c>\n</c> line ends and a final <c>\n</c> (empty for an empty message without comments).</returns>
    public static string Print(
        IMessage message,
        TextFormatPrintOptions? options = null,
        IReadOnlyList<string>? headerComments = null,
        IReadOnlyDictionary<IMessage, IReadOnlyList<string>>? leadingComments = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var printer = new Printer(options ?? TextFormatPrintOptions.Default, leadingComments);
        if (headerComments is { Count: > 0 })
        {
            foreach (string line in headerComments)
            {
                printer.Text.Append('#').Append(line).Append('\n');
            }

            printer.Text.Append('\n');
        }

        printer.PrintFields(message, 0);
        return printer.Text.ToString();
    }

    private sealed class Printer(TextFormatPrintOptions options, IReadOnlyDictionary<IMessage, IReadOnlyList<string>>? leading)
    {
        public StringBuilder Text { get; } = new();

        public void PrintFields(IMessage message, int depth)
        {
            IEnumerable<FieldDescriptor> fields = options.FieldOrder == TextFormatFieldOrder.Declaration
                ? message.Descriptor.Fields.InDeclarationOrder()
                : message.Descriptor.Fields.InFieldNumberOrder();
            foreach (FieldDescriptor field in fields)
            {
                object value = field.Accessor.GetValue(message);
                if (field.IsMap)
                {
                    PrintMap(field, (IDictionary)value, depth);
                }
                else if (field.IsRepeated)
                {
                    foreach (object item in (IList)value)
                    {
                        PrintField(field, item, depth);
                    }
                }
                else if (IsSet(message, field, value))
                {
                    PrintField(field, value, depth);
                }
            }
        }

        private static bool IsSet(IMessage message, FieldDescriptor field, object? value) =>
            field.FieldType == FieldType.Message ? value is not null
            : field.HasPresence ? field.Accessor.HasValue(message)
            : value switch
            {
                string s => s.Length > 0,
                ByteString b => b.Length > 0,
                bool b => b,
                float f => BitConverter.SingleToInt32Bits(f) != 0,
                double d => BitConverter.DoubleToInt64Bits(d) != 0,
                Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) != 0,
                _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture) != 0,
            };

        private void Indent(int depth) => Text.Append(' ', depth * options.IndentSize);

        private void PrintMap(FieldDescriptor field, IDictionary map, int depth)
        {
            FieldDescriptor keyField = field.MessageType.FindFieldByNumber(1);
            FieldDescriptor valueField = field.MessageType.FindFieldByNumber(2);
            var keys = map.Keys.Cast<object>().ToList();
            keys.Sort((a, b) => a is string x && b is string y ? string.CompareOrdinal(x, y) : Comparer.DefaultInvariant.Compare(a, b));
            foreach (object key in keys)
            {
                Indent(depth);
                Text.Append(field.Name).Append(" {\n");
                PrintField(keyField, key, depth + 1);
                PrintField(valueField, map[key]!, depth + 1);
                Indent(depth);
                Text.Append("}\n");
            }
        }

        private void PrintField(FieldDescriptor field, object value, int depth)
        {
            if (field.FieldType == FieldType.Message)
            {
                var child = (IMessage)value;
                if (leading is not null && leading.TryGetValue(child, out IReadOnlyList<string>? comments))
                {
                    foreach (string line in comments)
                    {
                        Indent(depth);
                        Text.Append('#').Append(line).Append('\n');
                    }
                }

                Indent(depth);
                Text.Append(field.Name).Append(" {\n");
                PrintFields(child, depth + 1);
                Indent(depth);
                Text.Append("}\n");
                return;
            }

            Indent(depth);
            Text.Append(field.Name).Append(": ").Append(FormatScalar(field, value)).Append('\n');
        }
    }

    private static string FormatScalar(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.String => Quote(Encoding.UTF8.GetBytes((string)value), keepUtf8: true),
        FieldType.Bytes => Quote(((ByteString)value).ToByteArray(), keepUtf8: false),
        FieldType.Bool => (bool)value ? "true" : "false",
        FieldType.Float => TextFormatNumbers.Format((float)value),
        FieldType.Double => TextFormatNumbers.Format((double)value),
        FieldType.Enum => field.EnumType.FindValueByNumber(Convert.ToInt32(value, CultureInfo.InvariantCulture))?.Name
            ?? Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    /// <summary>Quotes bytes; a string's non-ASCII UTF-8 stays as is, a bytes field's bytes from 0x80 become octal escapes.</summary>
    private static string Quote(byte[] bytes, bool keepUtf8)
    {
        var sb = new StringBuilder("\"");
        int run = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            string? escape = b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                < 0x20 or 0x7F => Octal(b),
                >= 0x80 when !keepUtf8 => Octal(b),
                _ => null,
            };
            if (escape is null)
            {
                continue;
            }

            sb.Append(Encoding.UTF8.GetString(bytes, run, i - run)).Append(escape);
            run = i + 1;
        }

        sb.Append(Encoding.UTF8.GetString(bytes, run, bytes.Length - run));
        return sb.Append('"').ToString();
    }

    private static string Octal(byte b) => "\\" + Convert.ToString(b, 8).PadLeft(3, '0');
}
