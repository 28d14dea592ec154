namespace Converters.Abstractions;

/// <summary>How sure a format is that a set of files is its own.</summary>
public enum DetectionConfidence
{
    /// <summary>Not this format.</summary>
    None = 0,

    /// <summary>The extensions match, the content was not checked or is ambiguous.</summary>
    Extension = 1,

    /// <summary>The content matches (a magic number, a section header, a parsable first field).</summary>
    Content = 2,
}
