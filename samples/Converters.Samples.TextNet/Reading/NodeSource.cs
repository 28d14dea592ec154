using Converters.Samples.TextNet.Ops;
using Converters.Samples.TextNet.Syntax;

namespace Converters.Samples.TextNet.Reading;

/// <summary>Where a node was written: its name and op tokens and each key with its value tokens.</summary>
internal sealed class NodeSource
{
    public NodeSource(string name, Token nameToken, TextNetOp op)
    {
        Name = name;
        NameToken = nameToken;
        Op = op;
    }

    /// <summary>The node's name (also its output value's name).</summary>
    public string Name { get; }

    /// <summary>The name token, where node-level errors point.</summary>
    public Token NameToken { get; }

    /// <summary>The op.</summary>
    public TextNetOp Op { get; }

    /// <summary>Each key set on the line, in order, with its key token and value tokens.</summary>
    public Dictionary<string, (Token Key, List<Token> Values)> Keys { get; } = new(StringComparer.Ordinal);
}
