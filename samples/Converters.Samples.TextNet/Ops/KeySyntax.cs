namespace Converters.Samples.TextNet.Ops;

/// <summary>How the value of a node key is written.</summary>
internal enum KeySyntax
{
    /// <summary>An integer of at least 1 (<c>filters=16</c>, <c>group=4</c>).</summary>
    PositiveInt,

    /// <summary>Any 64-bit integer (<c>axis=-1</c>).</summary>
    Int,

    /// <summary><c>0</c> or <c>1</c> (<c>bias=0</c>, <c>ceil=1</c>).</summary>
    Bool,

    /// <summary>A finite decimal number (<c>alpha=0.1</c>, <c>epsilon=1e-5</c>).</summary>
    Float,

    /// <summary>A word (<c>mode=nearest</c>).</summary>
    Word,

    /// <summary>A height-width pair of positive integers: <c>3</c> for both or <c>3x1</c>.</summary>
    Pair,

    /// <summary>Padding: <c>P</c> on every side or <c>T,L,B,R</c> (top, left, bottom, right), non-negative.</summary>
    Pads,
}
