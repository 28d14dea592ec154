namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>The kinds of protobuf text-format tokens.</summary>
internal enum TokenKind
{
    End,
    Identifier,
    Number,
    String,
    Symbol,
}
