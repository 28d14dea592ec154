namespace Converters.Engine.Data;

/// <summary>
/// One labelled box, in YOLO's convention: centre and size relative to the image the network
/// sees (0..1 on each axis), so the same box holds whatever size the image is resized to.
/// </summary>
/// <param name="ClassId">Zero-based class index.</param>
/// <param name="X">Centre x over the image width.</param>
/// <param name="Y">Centre y over the image height.</param>
/// <param name="Width">Width over the image width.</param>
/// <param name="Height">Height over the image height.</param>
public readonly record struct BoundingBox(int ClassId, float X, float Y, float Width, float Height);
