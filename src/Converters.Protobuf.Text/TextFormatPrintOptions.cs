namespace Converters.Protobuf.Text;

/// <summary>How <see cref="TextFormatPrinter"/> lays out text. The defaults follow protobuf's own printers.</summary>
public sealed class TextFormatPrintOptions
{
    /// <summary>The defaults: fields by number, two spaces of indentation.</summary>
    public static TextFormatPrintOptions Default { get; } = new();

    /// <summary>The order of fields within a message; <see cref="TextFormatFieldOrder.FieldNumber"/> by default.</summary>
    public TextFormatFieldOrder FieldOrder { get; init; } = TextFormatFieldOrder.FieldNumber;

    /// <summary>Spaces of indentation per nesting level; 2 by default.</summary>
    public int IndentSize
    {
        get;
        init => field = value is >= 0 and <= 16 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the indentation must be 0 to 16 spaces");
    } = 2;
}
