namespace Converters.Engine.Kernels;

/// <summary>Darknet's detection heads and [shortcut], exactly as its CPU forward passes compute them.</summary>
public static class Detection
{
    /// <summary>
    /// [yolo] (forward_yolo_layer at inference): for each of <paramref name="anchors"/> anchors, with
    /// entries of H*W floats at channel n*(classes+5) + e: logistic on e = 0, 1 and 4 .. 4+classes,
    /// w/h (e = 2, 3) left raw; then x, y = x*s - 0.5*(s - 1) for scale_x_y s (AlexeyAB). With
    /// new_coords no logistic is applied (scaled-YOLOv4 heads are activated by the conv before).
    /// </summary>
    public static void Yolo(ReadOnlySpan<float> x, int batch, int anchors, int classes, int plane, float scaleXY, bool newCoords, Span<float> destination)
    {
        int per = classes + 5;
        int total = batch * anchors * per * plane;
        x.Slice(0, total).CopyTo(destination);
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < anchors; n++)
            {
                int off = ((b * anchors) + n) * per * plane;
                Span<float> xy = destination.Slice(off, 2 * plane);
                if (!newCoords)
                {
                    Activations.Sigmoid(xy, xy);
                    Span<float> rest = destination.Slice(off + (4 * plane), (1 + classes) * plane);
                    Activations.Sigmoid(rest, rest);
                }

                if (scaleXY != 1f)
                {
                    Activations.ScalarAffine(xy, scaleXY, -0.5f * (scaleXY - 1f), xy);
                }
            }
        }
    }

    /// <summary>
    /// [region] (pjreddie forward_region_layer at inference): per anchor, entries of H*W floats at channel
    /// n*(coords+classes+1) + e: logistic on x, y (e = 0, 1) and objectness (e = coords); classes
    /// (e = coords+1 ..) get a softmax across classes at each position when <paramref name="softmax"/>,
    /// else logistic, as Darknet does. Other coordinates stay raw.
    /// </summary>
    public static void Region(ReadOnlySpan<float> x, int batch, int anchors, int coords, int classes, int plane, bool softmax, Span<float> scratch, Span<float> destination)
    {
        int per = coords + classes + 1;
        int total = batch * anchors * per * plane;
        x.Slice(0, total).CopyTo(destination);
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < anchors; n++)
            {
                int off = ((b * anchors) + n) * per * plane;
                Span<float> xy = destination.Slice(off, 2 * plane);
                Activations.Sigmoid(xy, xy);
                Span<float> obj = destination.Slice(off + (coords * plane), plane);
                Activations.Sigmoid(obj, obj);
                Span<float> cls = destination.Slice(off + ((coords + 1) * plane), classes * plane);
                if (softmax)
                {
                    Normalization.Softmax(x.Slice(off + ((coords + 1) * plane), classes * plane), 1, classes, plane, scratch, cls);
                }
                else
                {
                    Activations.Sigmoid(cls, cls);
                }
            }
        }
    }

    /// <summary>
    /// [region] with YOLO9000's class tree (Darknet <c>tree=</c>): as <see cref="Region"/> (logistic on x, y and
    /// objectness, other coordinates raw), but the classes of each anchor get a separate softmax over every
    /// contiguous group of <paramref name="groupSizes"/> at each position, none across groups: the
    /// semantics of Darknet's <c>softmax_tree</c> kernel (temperature 1). pjreddie's CPU path differs
    /// (temperature 0 and another element layout, leaving NaN); see formats/darknet/README.md.
    /// </summary>
    public static void RegionHierarchical(ReadOnlySpan<float> x, int batch, int anchors, int coords, int classes, int plane, ReadOnlySpan<int> groupSizes, Span<float> scratch, Span<float> destination)
    {
        int per = coords + classes + 1;
        int total = batch * anchors * per * plane;
        if (x.Length < total || destination.Length < total)
        {
            ThrowHelper.Argument(nameof(destination), $"or x is shorter than batch x anchors x (coords + classes + 1) x plane = {total}");
        }

        x.Slice(0, total).CopyTo(destination);
        for (int b = 0; b < batch; b++)
        {
            for (int n = 0; n < anchors; n++)
            {
                int off = ((b * anchors) + n) * per * plane;
                Span<float> xy = destination.Slice(off, 2 * plane);
                Activations.Sigmoid(xy, xy);
                Span<float> obj = destination.Slice(off + (coords * plane), plane);
                Activations.Sigmoid(obj, obj);
                int cls = off + ((coords + 1) * plane);
                Normalization.GroupedSoftmax(x.Slice(cls, classes * plane), 1, classes, plane, groupSizes, scratch, destination.Slice(cls, classes * plane));
            }
        }
    }

    /// <summary>
    /// pjreddie <c>shortcut_cpu</c>: with the output already holding X0 (C2 x H2 x W2) and
    /// <paramref name="add"/> of C1 x H1 x W1, stride = max(W1/W2, 1), sample = max(W2/W1, 1), over
    /// k &lt; min(C), j &lt; min(H), i &lt; min(W):
    /// out[k, j*sample, i*sample] = s1 * out[...] + s2 * add[k, j*stride, i*stride]. Elsewhere the
    /// output keeps X0 unscaled.
    /// </summary>
    public static void ShortcutStrided(ReadOnlySpan<float> add, int batch, int c1, int h1, int w1, int c2, int h2, int w2, float s1, float s2, Span<float> output)
    {
        int stride = Math.Max(w1 / w2, 1);
        int sample = Math.Max(w2 / w1, 1);
        int minw = Math.Min(w1, w2), minh = Math.Min(h1, h2), minc = Math.Min(c1, c2);
        for (int b = 0; b < batch; b++)
        {
            for (int k = 0; k < minc; k++)
            {
                for (int j = 0; j < minh; j++)
                {
                    for (int i = 0; i < minw; i++)
                    {
                        int outIndex = (i * sample) + (w2 * ((j * sample) + (h2 * (k + (c2 * b)))));
                        int addIndex = (i * stride) + (w1 * ((j * stride) + (h1 * (k + (c1 * b)))));
                        output[outIndex] = (s1 * output[outIndex]) + (s2 * add[addIndex]);
                    }
                }
            }
        }
    }

    /// <summary>
    /// AlexeyAB <c>shortcut_multilayer_cpu</c> with weights: out = w0 * X0 + sum_i wi * Xi, flat
    /// per batch item (Xi adds where its flat index is below its own size). <paramref name="weights"/>
    /// holds n+1 values (per_feature) or (n+1) x C (per_channel); normalization 0 none, 1 relu
    /// (w = relu(w) / (1e-4 + sum relu)), 2 softmax (w = exp(w - max) / (1e-4 + sum exp)).
    /// </summary>
    public static void ShortcutWeighted(ReadOnlySpan<float> x0, int batch, int channels, int plane, IReadOnlyList<float[]> others, IReadOnlyList<int> otherSizes, ReadOnlySpan<float> weights, bool perChannel, int normalization, Span<float> output)
    {
        int n = others.Count;
        int src = channels * plane;
        int layerStep = perChannel ? channels : 1;
        int step = src / layerStep;
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < src; i++)
            {
                int wi = i / step;
                float sum = 1f, max = float.MinValue;
                if (normalization != 0)
                {
                    if (normalization == 2)
                    {
                        for (int l = 0; l <= n; l++)
                        {
                            max = Math.Max(max, weights[wi + (l * layerStep)]);
                        }
                    }

                    sum = 0.0001f;
                    for (int l = 0; l <= n; l++)
                    {
                        float w = weights[wi + (l * layerStep)];
                        sum += normalization == 1 ? Math.Max(w, 0f) : MathF.Exp(w - max);
                    }
                }

                int id = (b * src) + i;
                float acc = x0[id] * Weight(weights[wi], normalization, sum, max);
                for (int l = 0; l < n; l++)
                {
                    int size = otherSizes[l];
                    if (i < size)
                    {
                        acc += others[l][(size * b) + i] * Weight(weights[wi + ((l + 1) * layerStep)], normalization, sum, max);
                    }
                }

                output[id] = acc;
            }
        }
    }

    private static float Weight(float w, int normalization, float sum, float max) => normalization switch
    {
        1 => Math.Max(w, 0f) / sum,
        2 => MathF.Exp(w - max) / sum,
        _ => w,
    };
}
