namespace Converters.Engine.Metrics;

/// <summary>
/// Top-k classification accuracy: the fraction of samples whose label is among the k best scores.
/// </summary>
/// <remarks>
/// Ties are resolved pessimistically: the label counts as correct only when fewer than k other classes
/// score <em>at least</em> as high as it (a class tied with the label ranks ahead of it, and a NaN score
/// ranks ahead of everything, as <c>torch.topk</c> orders NaN first). A NaN label score is never
/// correct. <c>torch.topk</c>-based evaluation breaks ties by index instead, so on tied scores it can
/// count a sample this rule rejects; on untied scores both agree. With k at or above the number of
/// classes every sample with a non-NaN label score is correct.
/// </remarks>
public sealed class TopKAccuracy
{
    private long _correct;

    /// <summary>Creates an empty accumulator for top-<paramref name="k"/> accuracy.</summary>
    /// <param name="k">How many of the best classes may hold the label; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is below 1.</exception>
    public TopKAccuracy(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
    }

    /// <summary>How many of the best classes may hold the label.</summary>
    public int K { get; }

    /// <summary>The number of samples added.</summary>
    public long Count { get; private set; }

    /// <summary>The number of samples whose label was among the <see cref="K"/> best scores.</summary>
    public long Correct => _correct;

    /// <summary>The accuracy, <see cref="Correct"/> / <see cref="Count"/>; NaN before any sample is added.</summary>
    public double Value => Count == 0 ? double.NaN : (double)_correct / Count;

    /// <summary>Adds one sample: its score per class (logits or probabilities) and its true class.</summary>
    /// <param name="scores">One score per class, higher is better; not empty.</param>
    /// <param name="label">The true class, an index into <paramref name="scores"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="scores"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is not an index into <paramref name="scores"/>.</exception>
    public void Add(ReadOnlySpan<float> scores, int label)
    {
        if (scores.IsEmpty)
        {
            throw new ArgumentException("There must be at least one class score.", nameof(scores));
        }

        if ((uint)label >= (uint)scores.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"The label must be a class index in [0, {scores.Length}) for {scores.Length} scores.");
        }

        Count++;
        float target = scores[label];
        if (float.IsNaN(target))
        {
            return;
        }

        int ahead = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            // Ties and NaN rank ahead of the label: !(s < target) holds for s >= target and for NaN.
            if (i != label && !(scores[i] < target))
            {
                ahead++;
            }
        }

        if (ahead < K)
        {
            _correct++;
        }
    }
}
