namespace Converters.Engine.Metrics;

/// <summary>
/// One detected object of one class: Darknet's detection for a box and a class whose probability
/// passed the threshold. Coordinates are, like <see cref="Data.BoundingBox"/>, the box centre and size
/// relative to the network input (0..1 on each axis; boxes may reach past the edges).
/// </summary>
/// <param name="ClassId">Zero-based class index.</param>
/// <param name="Score">The class probability: objectness times the class score.</param>
/// <param name="X">Centre x over the network input width.</param>
/// <param name="Y">Centre y over the network input height.</param>
/// <param name="Width">Width over the network input width.</param>
/// <param name="Height">Height over the network input height.</param>
public readonly record struct Detection(int ClassId, float Score, float X, float Y, float Width, float Height);
