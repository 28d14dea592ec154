namespace Converters.Engine.Data;

/// <summary>
/// The built-in offline dataset: simple filled or outlined shapes of random size, position and
/// bright colour over a dark noisy background, drawn at the sample size from a SplitMix64 stream
/// seeded by (<c>seed</c>, sample index), so every machine draws the same pixels. <c>shapes</c>
/// is classification (one shape, label = index mod classes); <c>shapes-detection</c> draws
/// 1..<c>max</c> non-overlapping shapes with exact boxes (the tight box of the drawn pixels).
/// </summary>
internal sealed class SyntheticShapesDataset : PreprocessedDataset
{
    /// <summary>The shapes, by class id.</summary>
    public static readonly string[] ShapeNames = ["square", "circle", "ring", "triangle", "plus", "diamond", "frame", "cross"];

    /// <summary>The keys of <c>synthetic:</c>.</summary>
    public static readonly string[] Keys = [.. DatasetKeys.Common, "classes", "max"];

    private const int MinimumSize = 8;
    private const int MaxCount = 100_000_000;
    private const int BackgroundMax = 60;
    private const int NoiseRange = 40;
    private const int ColorMin = 150;

    private readonly ulong _seed;
    private readonly int _classes;
    private readonly int _maxShapes;
    private readonly bool _detection;

    private SyntheticShapesDataset(string source, bool detection, int classes, int maxShapes, ulong seed, SamplePreprocessor preprocessor, int[] indexes)
        : base(source, detection ? DatasetTask.Detection : DatasetTask.Classification, ShapeNames[..classes], preprocessor, indexes)
    {
        _detection = detection;
        _classes = classes;
        _maxShapes = maxShapes;
        _seed = seed;
    }

    /// <summary>Opens <c>synthetic:shapes</c> or <c>synthetic:shapes-detection</c>.</summary>
    public static IDataset Open(DatasetSpecText spec, DatasetOpenOptions options)
    {
        bool detection = spec.Location switch
        {
            "shapes" => false,
            "shapes-detection" => true,
            _ => throw spec.Error("location", $"expected synthetic:shapes or synthetic:shapes-detection, found synthetic:{spec.Location}"),
        };
        spec.CheckKeys(detection ? Keys : Keys[..^1]);
        int classes = spec.GetInt("classes", 2, ShapeNames.Length) ?? 4;
        int maxShapes = detection ? spec.GetInt("max", 1, 16) ?? 4 : 1;
        int count = spec.GetInt("n", 1, MaxCount) ?? 1000;
        ulong seed = spec.GetSeed("seed") ?? 1;
        SamplePreprocessor preprocessor = DatasetKeys.CreatePreprocessor(spec, options, 3, 32, 32);
        if (preprocessor.Width < MinimumSize || preprocessor.Height < MinimumSize)
        {
            throw spec.Error("size", $"synthetic shapes need a size of at least {MinimumSize}x{MinimumSize}, got {preprocessor.Width}x{preprocessor.Height}");
        }

        int[] indexes = DatasetKeys.Select(spec, count);
        return new SyntheticShapesDataset($"synthetic:{spec.Location}", detection, classes, maxShapes, seed, preprocessor, indexes);
    }

    /// <inheritdoc/>
    protected override void ReadSource(int source, Span<float> destination)
    {
        Scene scene = Generate(source);
        int width = Preprocessor.Width, height = Preprocessor.Height, channels = Preprocessor.Channels;
        int plane = width * height;
        // Noise: eight bytes per 64 random bits, each mapped onto 0..NoiseRange-1 by (byte * range) >> 8.
        var noise = new SplitMix64(scene.NoiseSeed);
        for (int c = 0; c < channels; c++)
        {
            Span<float> target = destination.Slice(c * plane, plane);
            int background = scene.Background[c];
            ulong bits = 0;
            for (int i = 0; i < plane; i++)
            {
                if ((i & 7) == 0)
                {
                    bits = noise.Next();
                }

                target[i] = background + (int)(((bits & 0xFF) * NoiseRange) >> 8);
                bits >>= 8;
            }
        }

        foreach (Shape shape in scene.Shapes)
        {
            for (int j = 0; j < shape.Height; j++)
            {
                for (int i = 0; i < shape.Width; i++)
                {
                    if (Inside(shape.Kind, i, j, shape.Width, shape.Height))
                    {
                        int at = ((shape.Y + j) * width) + shape.X + i;
                        for (int c = 0; c < channels; c++)
                        {
                            destination[(c * plane) + at] = shape.Color[c];
                        }
                    }
                }
            }
        }

        Preprocessor.Normalize(destination);
    }

    /// <inheritdoc/>
    protected override int LabelOf(int source) => source % _classes;

    /// <inheritdoc/>
    protected override IReadOnlyList<BoundingBox> BoxesOf(int source)
    {
        Scene scene = Generate(source);
        float width = Preprocessor.Width, height = Preprocessor.Height;
        return [.. scene.Shapes.Select(s => new BoundingBox(s.Kind, (s.X + (s.Width / 2f)) / width, (s.Y + (s.Height / 2f)) / height, s.Width / width, s.Height / height))];
    }

    /// <summary>Whether pixel (<paramref name="i"/>, <paramref name="j"/>) of a <paramref name="w"/> x <paramref name="h"/> box belongs to shape <paramref name="kind"/>.</summary>
    internal static bool Inside(int kind, int i, int j, int w, int h)
    {
        float u = (i + 0.5f) / w, v = (j + 0.5f) / h;
        float du = u - 0.5f, dv = v - 0.5f;
        float r2 = (4 * du * du) + (4 * dv * dv);
        float tolerance = 1f / Math.Min(w, h);
        int frame = Math.Max(1, Math.Min(w, h) / 5);
        return kind switch
        {
            0 => true,
            1 => r2 <= 1f + tolerance,
            2 => r2 <= 1f + tolerance && r2 >= 0.4f,
            3 => MathF.Abs(du) <= (v / 2) + (0.5f / w),
            4 => MathF.Abs(du) <= (1f / 6) + (0.5f / w) || MathF.Abs(dv) <= (1f / 6) + (0.5f / h),
            5 => MathF.Abs(du) + MathF.Abs(dv) <= 0.5f + tolerance,
            6 => i < frame || j < frame || i >= w - frame || j >= h - frame,
            _ => MathF.Abs(u - v) <= 0.2f || MathF.Abs(u + v - 1) <= 0.2f,
        };
    }

    private Scene Generate(int index)
    {
        var random = new SplitMix64(_seed ^ ((ulong)index * 0xD1B54A32D192ED03UL));
        random.Next();
        int width = Preprocessor.Width, height = Preprocessor.Height, channels = Preprocessor.Channels;
        int[] background = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            background[c] = random.NextInt(0, BackgroundMax);
        }

        int count = _detection ? random.NextInt(1, _maxShapes) : 1;
        (float low, float high) = _detection ? (0.15f, 0.45f) : (0.35f, 0.75f);
        var shapes = new List<Shape>(count);
        for (int s = 0; s < count; s++)
        {
            int kind = _detection ? random.NextInt(_classes) : index % _classes;
            for (int attempt = 0; attempt < 20; attempt++)
            {
                int w = random.NextInt(Math.Max(4, (int)(low * width)), Math.Max(4, (int)(high * width)));
                int h = random.NextInt(Math.Max(4, (int)(low * height)), Math.Max(4, (int)(high * height)));
                h = Math.Clamp(h, (w + 2) / 3, w * 3);
                w = Math.Min(w, width);
                h = Math.Min(h, height);
                int x = random.NextInt(0, width - w);
                int y = random.NextInt(0, height - h);
                int[] color = new int[channels];
                for (int c = 0; c < channels; c++)
                {
                    color[c] = random.NextInt(ColorMin, 255);
                }

                var shape = new Shape(kind, x, y, w, h, color);
                if (!shapes.Any(o => Overlaps(o, shape)))
                {
                    shapes.Add(shape);
                    break;
                }
            }
        }

        return new Scene(background, shapes, random.Next());
    }

    // Shapes keep a gap of one pixel so that every box is the tight box of its own pixels.
    private static bool Overlaps(Shape a, Shape b) =>
        a.X <= b.X + b.Width && b.X <= a.X + a.Width && a.Y <= b.Y + b.Height && b.Y <= a.Y + a.Height;

    private sealed record Shape(int Kind, int X, int Y, int Width, int Height, int[] Color);

    private sealed record Scene(int[] Background, List<Shape> Shapes, ulong NoiseSeed);
}
