using Converters.Engine.Data;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Data;

/// <summary>
/// The resize rule is OpenCV's INTER_LINEAR (half-pixel centres, edge clamp): checked against
/// <c>cv2.resize</c> on float32 planes, where OpenCV computes in float (no fixed-point rounding).
/// </summary>
public class BilinearResizeTests(ITestOutputHelper output)
{
    private const string Script = """
        import sys, cv2, numpy as np
        d = sys.argv[1]
        for line in open(f'{d}/cases.txt'):
            i, w, h = map(int, line.split())
            x = np.load(f'{d}/x{i}.npy')
            np.save(f'{d}/y{i}.npy', cv2.resize(x, (w, h), interpolation=cv2.INTER_LINEAR))
        """;

    private static readonly (int SourceWidth, int SourceHeight, int Width, int Height)[] s_cases =
    [
        (7, 5, 14, 10), (14, 10, 7, 5), (17, 13, 29, 7), (9, 1, 3, 4), (1, 9, 5, 3), (3, 3, 1, 1),
        (6, 6, 6, 6), (640, 480, 224, 224), (32, 32, 416, 416), (28, 28, 32, 32), (100, 37, 64, 23), (5, 4, 13, 11),
    ];

    [Fact]
    public void Resize_MatchesOpenCvInterLinear()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given random planes of pixel values and target sizes, resized by cv2.resize
        using var dir = new TempDirectory();
        var random = new Random(21);
        var sources = new float[s_cases.Length][];
        var lines = new List<string>();
        for (int i = 0; i < s_cases.Length; i++)
        {
            (int sw, int sh, int w, int h) = s_cases[i];
            sources[i] = [.. Enumerable.Range(0, sw * sh).Select(_ => (float)(random.NextDouble() * 255))];
            NpyWriter.Write(dir.Combine($"x{i}.npy"), TensorData.Create(TensorShape.Of(sh, sw), sources[i]));
            lines.Add($"{i} {w} {h}");
        }

        dir.WriteText("cases.txt", string.Join('\n', lines) + "\n");
        Oracle.Python.Run(Script, dir.Path);

        for (int i = 0; i < s_cases.Length; i++)
        {
            // When resizing the same planes
            (int sw, int sh, int w, int h) = s_cases[i];
            float[] ours = new float[w * h];
            BilinearResize.Resize(sources[i], sw, sh, ours, w, w, h);

            // Then every value agrees within float rounding (values are 0..255)
            float[] expected = NpyReader.Read(dir.Combine($"y{i}.npy")).AsSpan<float>().ToArray();
            expected.Length.ShouldBe(ours.Length);
            double worst = expected.Zip(ours, (a, b) => Math.Abs(a - b)).Max();
            worst.ShouldBeLessThan(2e-4, $"{sw}x{sh} -> {w}x{h}");
        }
    }

    [Fact]
    public void Resize_IntoWindow_LeavesTheRestOfTheRowsAlone()
    {
        // Given a destination of 5x4 filled with -1 and a constant 2x2 source
        float[] destination = [.. Enumerable.Repeat(-1f, 20)];

        // When resizing into a 3x2 window starting at (1, 1)
        BilinearResize.Resize([7, 7, 7, 7], 2, 2, destination.AsSpan(6), 5, 3, 2);

        // Then only the window holds the constant
        float[] expected =
        [
            -1, -1, -1, -1, -1,
            -1, 7, 7, 7, -1,
            -1, 7, 7, 7, -1,
            -1, -1, -1, -1, -1,
        ];
        destination.ShouldBe(expected);
    }
}
