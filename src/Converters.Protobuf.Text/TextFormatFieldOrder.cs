namespace Converters.Protobuf.Text;

/// <summary>The order in which <see cref="TextFormatPrinter"/> writes a message's fields.</summary>
public enum TextFormatFieldOrder
{
    /// <summary>By field number, as protobuf's own text printers do.</summary>
    FieldNumber,

    /// <summary>In the order the fields are declared in the <c>.proto</c> schema.</summary>
    Declaration,
}
