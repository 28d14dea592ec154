using System.Globalization;
using System.Text;

namespace Converters.Ir.Diagnostics;

/// <summary>
/// The base of every error about bad input files: where it is (file, line and column for text,
/// byte offset for binary data), which field, and what was expected. Rendered compiler-style by
/// <see cref="ToDiagnostic"/>, e.g. <c>yolov3.cfg:112:1: [convolutional] #13: 'filters' must be a positive integer, got "abc"</c>.
/// </summary>
public class InputFormatException : Exception
{
    /// <summary>Creates an exception with no location.</summary>
    public InputFormatException()
        : this("The input is malformed.")
    {
    }

    /// <summary>Creates an exception with a message and no location.</summary>
    public InputFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the low-level cause.</summary>
    public InputFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The file the error is in, as the user named it.</summary>
    public string? FilePath { get; init; }

    /// <summary>The 1-based line in a text file.</summary>
    public int? Line { get; init; }

    /// <summary>The 1-based column in a text file.</summary>
    public int? Column { get; init; }

    /// <summary>The 0-based byte offset in a binary file.</summary>
    public long? ByteOffset { get; init; }

    /// <summary>The field in the format's own terms, e.g. <c>layer[3].convolution_param.kernel_size</c>.</summary>
    public string? FieldPath { get; init; }

    /// <summary>
    /// One line: <c>file:line:column: field: message</c> for text, <c>file: byte N: field: message</c>
    /// for binary; parts that are unknown are left out.
    /// </summary>
    public string ToDiagnostic()
    {
        var sb = new StringBuilder();
        if (FilePath is not null)
        {
            sb.Append(FilePath);
            if (Line is int line)
            {
                sb.Append(CultureInfo.InvariantCulture, $":{line}");
                if (Column is int column)
                {
                    sb.Append(CultureInfo.InvariantCulture, $":{column}");
                }
            }

            sb.Append(": ");
        }
        else if (Line is int line)
        {
            sb.Append(CultureInfo.InvariantCulture, $"line {line}: ");
        }

        if (ByteOffset is long offset)
        {
            sb.Append(CultureInfo.InvariantCulture, $"byte {offset}: ");
        }

        if (!string.IsNullOrEmpty(FieldPath))
        {
            sb.Append(FieldPath).Append(": ");
        }

        sb.Append(Message);
        return sb.ToString().ReplaceLineEndings(" ");
    }
}
