namespace Converters.Protobuf.Text;

/// <summary>The kinds of protobuf text-format tokens.</summary>
internal enum TextFormatTokenKind
{
    End,
    Identifier,
    Number,
    String,
    Symbol,
}
