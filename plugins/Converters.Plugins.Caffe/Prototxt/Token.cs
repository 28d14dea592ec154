namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>One token: its kind, its text (decoded for strings) and where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    public SourcePosition Position => new(Line, Column);

    public bool Is(char symbol) => Kind == TokenKind.Symbol && Text.Length == 1 && Text[0] == symbol;

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the file",
        TokenKind.String => $"the string \"{Text}\"",
        _ => $"'{Text}'",
    };
}
