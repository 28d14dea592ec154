namespace Converters.Ir.Diagnostics;

/// <summary>The verifier found one or more problems; <see cref="Issues"/> lists them all.</summary>
public sealed class GraphVerificationException : IrValidationException
{
    /// <summary>Creates an exception with no issues.</summary>
    public GraphVerificationException()
        : this([])
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public GraphVerificationException(string message)
        : base(message)
    {
        Issues = [];
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public GraphVerificationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Issues = [];
    }

    /// <summary>Creates an exception from the verifier's issues; the message is the first issue plus a count.</summary>
    public GraphVerificationException(IReadOnlyList<VerificationIssue> issues)
        : base(Summarize(issues))
    {
        Issues = issues;
        NodeName = issues.Count > 0 ? issues[0].NodeName : null;
        AttributeName = issues.Count > 0 ? issues[0].AttributeName : null;
    }

    /// <summary>Every problem found, in graph order.</summary>
    public IReadOnlyList<VerificationIssue> Issues { get; }

    private static string Summarize(IReadOnlyList<VerificationIssue> issues) => issues.Count switch
    {
        0 => "The graph is not valid.",
        1 => issues[0].Message,
        _ => $"{issues[0].Message} (and {issues.Count - 1} more problem{(issues.Count == 2 ? string.Empty : "s")})",
    };
}
