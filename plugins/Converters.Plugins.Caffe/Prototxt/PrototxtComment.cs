namespace Converters.Plugins.Caffe.Prototxt;

/// <summary>A <c>#</c> comment: its text after the <c>#</c> and the line it is on.</summary>
internal readonly record struct PrototxtComment(int Line, string Text, bool OwnLine);
