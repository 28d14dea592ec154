namespace Converters.Ir;

/// <summary>A named value of a graph (an input, an output or an intermediate) with its type and shape.</summary>
/// <param name="Name">The SSA name of the value.</param>
/// <param name="DataType">The element type.</param>
/// <param name="Shape">The shape.</param>
public sealed record ValueInfo(string Name, DataType DataType, TensorShape Shape)
{
    /// <summary>The value as <c>name: float32[1x3x416x416]</c>.</summary>
    public override string ToString() => $"{Name}: {DataTypeInfo.Name(DataType)}[{Shape}]";
}
