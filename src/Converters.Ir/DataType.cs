namespace Converters.Ir;

/// <summary>The element type of a tensor or value.</summary>
public enum DataType
{
    /// <summary>No type; never valid on a tensor.</summary>
    Undefined = 0,

    /// <summary>IEEE 754 binary32.</summary>
    Float32,

    /// <summary>IEEE 754 binary64.</summary>
    Float64,

    /// <summary>IEEE 754 binary16.</summary>
    Float16,

    /// <summary>Signed 8-bit integer.</summary>
    Int8,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,

    /// <summary>Signed 16-bit integer.</summary>
    Int16,

    /// <summary>Signed 32-bit integer.</summary>
    Int32,

    /// <summary>Signed 64-bit integer.</summary>
    Int64,

    /// <summary>Boolean stored as one byte (0 or 1).</summary>
    Bool,
}
