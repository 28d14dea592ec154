namespace Converters.Ir;

/// <summary>The type of an <see cref="AttributeValue"/>.</summary>
public enum AttributeKind
{
    /// <summary>A 64-bit integer.</summary>
    Int,

    /// <summary>A floating-point number (stored as binary64, so float32 sources round-trip).</summary>
    Float,

    /// <summary>A string.</summary>
    String,

    /// <summary>A list of 64-bit integers.</summary>
    Ints,

    /// <summary>A list of floating-point numbers.</summary>
    Floats,

    /// <summary>A list of strings.</summary>
    Strings,

    /// <summary>A tensor.</summary>
    Tensor,
}
