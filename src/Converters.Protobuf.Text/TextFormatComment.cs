namespace Converters.Protobuf.Text;

/// <summary>A <c>#</c> comment: the line it is on, its text after the <c>#</c>, and whether it has the line to itself.</summary>
internal readonly record struct TextFormatComment(int Line, string Text, bool OwnLine);
