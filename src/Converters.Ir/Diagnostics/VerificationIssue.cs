namespace Converters.Ir.Diagnostics;

/// <summary>One problem the verifier found.</summary>
/// <param name="Message">What is wrong, naming the node and attribute.</param>
/// <param name="NodeName">The node at fault, or null for graph-level problems.</param>
/// <param name="AttributeName">The attribute at fault, if one is.</param>
public sealed record VerificationIssue(string Message, string? NodeName = null, string? AttributeName = null)
{
    /// <inheritdoc/>
    public override string ToString() => Message;
}
