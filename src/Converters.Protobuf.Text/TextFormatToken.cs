using System.Text;

namespace Converters.Protobuf.Text;

/// <summary>One token: its kind, its text and where it starts; a string token also has its decoded bytes.</summary>
internal readonly record struct TextFormatToken(TextFormatTokenKind Kind, string Text, int Line, int Column, byte[]? Bytes = null)
{
    public SourcePosition Position => new(Line, Column);

    public bool Is(char symbol) => Kind == TextFormatTokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;

    public string Describe() => Kind switch
    {
        TextFormatTokenKind.End => "the end of the file",
        TextFormatTokenKind.String => $"the string \"{Text}\"",
        _ => $"'{Text}'",
    };

    /// <summary>Creates a string token from its decoded bytes; its text is their UTF-8 reading.</summary>
    public static TextFormatToken FromBytes(byte[] bytes, int line, int column) =>
        new(TextFormatTokenKind.String, Encoding.UTF8.GetString(bytes), line, column, bytes);
}
