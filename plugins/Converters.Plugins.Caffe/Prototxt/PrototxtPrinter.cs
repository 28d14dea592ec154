using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>
/// Prints a message in protobuf text format, Caffe's usual style: fields in declaration order, two
/// spaces of indentation, <c>name {</c> for messages, enums by name, floats in their shortest exact
/// form. Optional comments go before the whole text and before given nested messages.
/// </summary>
internal static class PrototxtPrinter
{
    public static string Print(IMessage message, IReadOnlyList<string>? header = null, IReadOnlyDictionary<IMessage, List<string>>? leading = null)
    {
        var sb = new StringBuilder();
        if (header is { Count: > 0 })
        {
            foreach (string line in header)
            {
                sb.Append('#').Append(line).Append('\n');
            }

            sb.Append('\n');
        }

        PrintFields(message, 0, sb, leading);
        return sb.ToString();
    }

    private static void PrintFields(IMessage message, int indent, StringBuilder sb, IReadOnlyDictionary<IMessage, List<string>>? leading)
    {
        foreach (FieldDescriptor field in message.Descriptor.Fields.InDeclarationOrder())
        {
            object value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (object item in (IList)value)
                {
                    PrintField(field, item, indent, sb, leading);
                }
            }
            else if (field.FieldType == FieldType.Message ? value is not null : field.Accessor.HasValue(message))
            {
                PrintField(field, value, indent, sb, leading);
            }
        }
    }

    private static void PrintField(FieldDescriptor field, object value, int indent, StringBuilder sb, IReadOnlyDictionary<IMessage, List<string>>? leading)
    {
        if (field.FieldType == FieldType.Message)
        {
            var child = (IMessage)value;
            if (leading is not null && leading.TryGetValue(child, out List<string>? comments))
            {
                foreach (string line in comments)
                {
                    sb.Append(' ', indent).Append('#').Append(line).Append('\n');
                }
            }

            sb.Append(' ', indent).Append(field.Name).Append(" {\n");
            PrintFields(child, indent + 2, sb, leading);
            sb.Append(' ', indent).Append("}\n");
            return;
        }

        sb.Append(' ', indent).Append(field.Name).Append(": ").Append(FormatScalar(field, value)).Append('\n');
    }

    private static string FormatScalar(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.String => Quote(Encoding.UTF8.GetBytes((string)value)),
        FieldType.Bytes => Quote(((ByteString)value).ToByteArray()),
        FieldType.Bool => (bool)value ? "true" : "false",
        FieldType.Float => PrototxtNumbers.Format((float)value),
        FieldType.Double => PrototxtNumbers.Format((double)value),
        FieldType.Enum => field.EnumType.FindValueByNumber(Convert.ToInt32(value, CultureInfo.InvariantCulture))?.Name
            ?? Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string Quote(byte[] utf8)
    {
        var sb = new StringBuilder("\"");
        var run = new List<byte>();
        foreach (byte b in utf8)
        {
            string? escape = b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                < 0x20 or 0x7F => "\\" + Convert.ToString(b, 8).PadLeft(3, '0'),
                _ => null,
            };
            if (escape is null)
            {
                run.Add(b);
                continue;
            }

            sb.Append(Encoding.UTF8.GetString([.. run]));
            run.Clear();
            sb.Append(escape);
        }

        sb.Append(Encoding.UTF8.GetString([.. run]));
        return sb.Append('"').ToString();
    }
}
