namespace Converters.Abstractions;

/// <summary>A format-specific option, offered on the command line as <c>--Name</c>.</summary>
/// <param name="Name">Lower-case, dash-separated, prefixed by the format (<c>caffe-legacy</c>).</param>
/// <param name="Description">One line of help.</param>
/// <param name="IsFlag">True for an on/off switch; false for an option that takes a value.</param>
public sealed record FormatOption(string Name, string Description, bool IsFlag = true);
