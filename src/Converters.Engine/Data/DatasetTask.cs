namespace Converters.Engine.Data;

/// <summary>What the labels of a dataset are.</summary>
public enum DatasetTask
{
    /// <summary>One class index per sample.</summary>
    Classification,

    /// <summary>A list of <see cref="BoundingBox"/> per sample.</summary>
    Detection,
}
