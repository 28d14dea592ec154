namespace Converters.Plugins.Caffe.Tests;

/// <summary>A blob a test puts in a caffemodel: its shape and how its values are drawn.</summary>
internal sealed record BlobSpec(int[] Shape, Func<Random, float>? Draw = null)
{
    public static BlobSpec Random(params int[] shape) => new(shape);

    /// <summary>Uniform in [-scale, scale): keeps deep nets with wide layers out of saturation.</summary>
    public static BlobSpec Scaled(float scale, params int[] shape) => new(shape, r => scale * (float)((r.NextDouble() * 2) - 1));

    public static BlobSpec Positive(params int[] shape) => new(shape, r => 0.1f + (float)r.NextDouble());

    public static BlobSpec Constant(float value, params int[] shape) => new(shape, _ => value);

    public float[] Values(Random random)
    {
        long count = Shape.Aggregate(1L, (a, d) => a * d);
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Draw is null ? (float)((random.NextDouble() * 2) - 1) : Draw(random);
        }

        return values;
    }
}
