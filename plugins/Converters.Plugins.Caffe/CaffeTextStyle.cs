using Converters.Protobuf.Text;

namespace Converters.Plugins.Caffe;

/// <summary>How Caffe's own tools lay out a prototxt: fields in the schema's declaration order, two-space indentation.</summary>
internal static class CaffeTextStyle
{
    public static TextFormatPrintOptions Options { get; } = new() { FieldOrder = TextFormatFieldOrder.Declaration, IndentSize = 2 };

    /// <summary>Prints <paramref name="message"/> in Caffe's layout.</summary>
    public static string Print(Google.Protobuf.IMessage message) => TextFormatPrinter.Print(message, Options);
}
