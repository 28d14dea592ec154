using System.Runtime.InteropServices;
using Converters.Engine.Data;

namespace Converters.Engine.Tests.Data;

public class SyntheticShapesDatasetTests
{
    [Fact]
    public void ReadSample_SameSeed_GivesSameBytes()
    {
        // Given two datasets opened from the same spec
        IDataset a = DatasetSpec.Open("synthetic:shapes?classes=8&size=24&n=40&seed=7");
        IDataset b = DatasetSpec.Open("synthetic:shapes?classes=8&size=24&n=40&seed=7");

        // When reading every sample of both (b in reverse order, on many threads)
        float[][] fromA = ReadAll(a);
        float[][] fromB = new float[b.Count][];
        Parallel.For(0, b.Count, i =>
        {
            int index = b.Count - 1 - i;
            fromB[index] = new float[b.Channels * b.Height * b.Width];
            b.ReadSample(index, fromB[index]);
        });

        // Then the bytes and labels are identical
        for (int i = 0; i < a.Count; i++)
        {
            MemoryMarshal.AsBytes(fromA[i].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(fromB[i].AsSpan())).ShouldBeTrue($"sample {i}");
            a.GetLabel(i).ShouldBe(b.GetLabel(i));
        }
    }

    [Fact]
    public void ReadSample_RawPixels_AreWholeNumbersInTheGeneratorsRange()
    {
        // Given seed 1 (SplitMix64 and integer pixel values keep samples the same on every machine)
        IDataset data = DatasetSpec.Open("synthetic:shapes?size=16&n=3&seed=1&scale=1");

        // When summing the raw pixels of the samples
        double[] sums = [.. ReadAll(data).Select(s => s.Sum(v => (double)v))];

        // Then they are whole numbers in the range the generator can produce (background 0..98, shapes 150..255)
        foreach (double sum in sums)
        {
            (sum % 1).ShouldBe(0);
            sum.ShouldBeInRange(0, 255.0 * 3 * 16 * 16);
        }

        sums.Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public void ReadSample_DifferentSeed_GivesDifferentSamples()
    {
        // Given the same spec with seeds 1 and 2
        float[][] one = ReadAll(DatasetSpec.Open("synthetic:shapes?size=16&n=10&seed=1"));
        float[][] two = ReadAll(DatasetSpec.Open("synthetic:shapes?size=16&n=10&seed=2"));

        // Then no sample is the same
        for (int i = 0; i < one.Length; i++)
        {
            one[i].SequenceEqual(two[i]).ShouldBeFalse($"sample {i}");
        }
    }

    [Fact]
    public void GetLabel_Classification_IsBalancedAndMatchesTheDrawnShape()
    {
        // Given 4 classes over 400 samples
        IDataset data = DatasetSpec.Open("synthetic:shapes?classes=4&size=32&n=400&scale=1");

        // When counting labels and measuring the fill of each shape's bright pixels in its tight box
        int[] counts = new int[4];
        var fill = new List<double>[4];
        for (int c = 0; c < 4; c++)
        {
            fill[c] = [];
        }

        float[] sample = new float[3 * 32 * 32];
        for (int i = 0; i < data.Count; i++)
        {
            int label = data.GetLabel(i);
            counts[label]++;
            data.ReadSample(i, sample);
            (int x0, int y0, int x1, int y1, int bright) = BrightBox(sample, 32, 32);
            fill[label].Add(bright / (double)((x1 - x0 + 1) * (y1 - y0 + 1)));
        }

        // Then each class has 100 samples, squares fill their box, circles about pi/4 of it, rings less
        counts.ShouldAllBe(c => c == 100);
        fill[0].ShouldAllBe(f => f == 1.0);
        fill[1].Average().ShouldBeInRange(0.72, 0.85);
        fill[2].Average().ShouldBeLessThan(fill[1].Average() - 0.15);
    }

    [Fact]
    public void ReadSample_EightClasses_AreSeparableByANearestCentroidOnShapeMasks()
    {
        // Given the train and test splits of 8 shape classes
        IDataset train = DatasetSpec.Open("synthetic:shapes?classes=8&size=32&n=1200&split=train&train=0.5&scale=1&seed=5");
        IDataset test = DatasetSpec.Open("synthetic:shapes?classes=8&size=32&n=1200&split=test&train=0.5&scale=1&seed=5");

        // When a nearest-centroid classifier is fitted on 8x8 masks of the bright pixels in their tight box
        double[][] centroids = [.. Enumerable.Range(0, 8).Select(_ => new double[64])];
        int[] counts = new int[8];
        for (int i = 0; i < train.Count; i++)
        {
            double[] feature = MaskFeature(train, i);
            int label = train.GetLabel(i);
            counts[label]++;
            for (int f = 0; f < 64; f++)
            {
                centroids[label][f] += feature[f];
            }
        }

        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            double[] feature = MaskFeature(test, i);
            int best = Enumerable.Range(0, 8).MinBy(c => Enumerable.Range(0, 64).Sum(f => Math.Pow(feature[f] - (centroids[c][f] / counts[c]), 2)));
            correct += best == test.GetLabel(i) ? 1 : 0;
        }

        // Then the classes are learnable: far above the 12.5 % of chance
        (correct / (double)test.Count).ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void GetBoxes_Detection_AreInsideTheImageAndMatchTheDrawnPixels()
    {
        // Given a detection set with up to 4 shapes per image, raw pixel values
        IDataset data = DatasetSpec.Open("synthetic:shapes-detection?classes=6&max=4&size=48x40&n=60&seed=3&scale=1");
        data.Task.ShouldBe(DatasetTask.Detection);
        Should.Throw<InvalidOperationException>(() => data.GetLabel(0));
        float[] sample = new float[3 * 40 * 48];
        int total = 0;
        for (int i = 0; i < data.Count; i++)
        {
            // When reading each image and its boxes
            data.ReadSample(i, sample);
            IReadOnlyList<BoundingBox> boxes = data.GetBoxes(i);
            boxes.Count.ShouldBeInRange(1, 4);
            total += boxes.Count;
            bool[] covered = new bool[40 * 48];
            foreach (BoundingBox box in boxes)
            {
                // Then each box lies inside the image and is the tight box of bright pixels inside it
                box.ClassId.ShouldBeInRange(0, 5);
                float left = (box.X - (box.Width / 2)) * 48, top = (box.Y - (box.Height / 2)) * 40;
                float right = (box.X + (box.Width / 2)) * 48, bottom = (box.Y + (box.Height / 2)) * 40;
                left.ShouldBeGreaterThanOrEqualTo(-1e-3f);
                top.ShouldBeGreaterThanOrEqualTo(-1e-3f);
                right.ShouldBeLessThanOrEqualTo(48 + 1e-3f);
                bottom.ShouldBeLessThanOrEqualTo(40 + 1e-3f);
                int x0 = (int)MathF.Round(left), y0 = (int)MathF.Round(top), x1 = (int)MathF.Round(right) - 1, y1 = (int)MathF.Round(bottom) - 1;
                var inside = BrightBox(sample, 48, 40, x0, y0, x1, y1);
                (inside.X0, inside.Y0, inside.X1, inside.Y1).ShouldBe((x0, y0, x1, y1), $"sample {i}");
                for (int y = y0; y <= y1; y++)
                {
                    for (int x = x0; x <= x1; x++)
                    {
                        covered[(y * 48) + x] = true;
                    }
                }
            }

            // And no bright pixel lies outside every box
            for (int p = 0; p < covered.Length; p++)
            {
                if (!covered[p])
                {
                    Math.Max(sample[p], Math.Max(sample[p + (40 * 48)], sample[p + (2 * 40 * 48)])).ShouldBeLessThan(150f);
                }
            }
        }

        total.ShouldBeGreaterThan(60);
    }

    [Fact]
    public void ReadSample_DefaultNormalisation_IsPixelOver255()
    {
        // Given the same samples with default normalisation and with scale=1
        IDataset scaled = DatasetSpec.Open("synthetic:shapes?size=8&n=2");
        IDataset raw = DatasetSpec.Open("synthetic:shapes?size=8&n=2&scale=1");

        // Then the default is raw / 255
        float[][] a = ReadAll(scaled), b = ReadAll(raw);
        for (int i = 0; i < a.Length; i++)
        {
            for (int j = 0; j < a[i].Length; j++)
            {
                a[i][j].ShouldBe(b[i][j] * (1f / 255f), 1e-6f);
            }
        }
    }

    private static double[] MaskFeature(IDataset data, int index)
    {
        float[] sample = new float[3 * 32 * 32];
        data.ReadSample(index, sample);
        (int x0, int y0, int x1, int y1, _) = BrightBox(sample, 32, 32);
        double[] feature = new double[64];
        for (int gy = 0; gy < 8; gy++)
        {
            for (int gx = 0; gx < 8; gx++)
            {
                int x = x0 + (int)((gx + 0.5) * (x1 - x0 + 1) / 8);
                int y = y0 + (int)((gy + 0.5) * (y1 - y0 + 1) / 8);
                int p = (y * 32) + x;
                feature[(gy * 8) + gx] = Math.Max(sample[p], Math.Max(sample[p + 1024], sample[p + 2048])) >= 150f ? 1 : 0;
            }
        }

        return feature;
    }

    private static float[][] ReadAll(IDataset data)
    {
        float[][] samples = new float[data.Count][];
        for (int i = 0; i < data.Count; i++)
        {
            samples[i] = new float[data.Channels * data.Height * data.Width];
            data.ReadSample(i, samples[i]);
        }

        return samples;
    }

    private static (int X0, int Y0, int X1, int Y1, int Bright) BrightBox(float[] sample, int width, int height, int bx0 = 0, int by0 = 0, int bx1 = int.MaxValue, int by1 = int.MaxValue)
    {
        int plane = width * height;
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1, bright = 0;
        for (int y = Math.Max(0, by0); y <= Math.Min(height - 1, by1); y++)
        {
            for (int x = Math.Max(0, bx0); x <= Math.Min(width - 1, bx1); x++)
            {
                int p = (y * width) + x;
                if (Math.Max(sample[p], Math.Max(sample[p + plane], sample[p + (2 * plane)])) >= 150f)
                {
                    (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x), Math.Max(y1, y));
                    bright++;
                }
            }
        }

        return (x0, y0, x1, y1, bright);
    }
}
