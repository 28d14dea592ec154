using Converters.Engine.Data;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Data;

public class SamplePreprocessorTests(ITestOutputHelper output)
{
    private const string LetterboxScript = """
        import sys, ctypes as C, numpy as np
        lib = C.CDLL('/usr/lib/darknet/libdarknet.so')
        class IMAGE(C.Structure):
            _fields_ = [('w', C.c_int), ('h', C.c_int), ('c', C.c_int), ('data', C.POINTER(C.c_float))]
        lib.make_image.restype = IMAGE
        lib.make_image.argtypes = [C.c_int, C.c_int, C.c_int]
        lib.letterbox_image.restype = IMAGE
        lib.letterbox_image.argtypes = [IMAGE, C.c_int, C.c_int]
        for arg in sys.argv[1:]:
            sw, sh, w, h = map(int, arg.split(','))
            im = lib.make_image(sw, sh, 1)
            for i in range(sw * sh):
                im.data[i] = 1.0
            out = lib.letterbox_image(im, w, h)
            a = np.ctypeslib.as_array(out.data, shape=(h, w))
            ys, xs = np.where(a != 0.5)
            print(xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1)
        """;

    private static readonly (int SourceWidth, int SourceHeight, int Width, int Height)[] s_letterboxCases =
    [
        (100, 37, 64, 64), (37, 100, 64, 64), (640, 480, 416, 416), (480, 640, 416, 416), (50, 50, 32, 64), (13, 7, 9, 20), (300, 200, 608, 352),
    ];

    [Fact]
    public void Placement_Letterbox_MatchesDarknetLetterboxImage()
    {
        if (!Oracle.Python.Require(output, "numpy") || !Oracle.SkipOrFail(output, DarknetLibrary()))
        {
            return;
        }

        // Given Darknet's letterbox_image applied to constant images (where the non-gray region is the resized image)
        string[] lines = Oracle.Python.Run(LetterboxScript, [.. s_letterboxCases.Select(c => $"{c.SourceWidth},{c.SourceHeight},{c.Width},{c.Height}")])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        for (int i = 0; i < s_letterboxCases.Length; i++)
        {
            // When computing our placement
            (int sw, int sh, int w, int h) = s_letterboxCases[i];
            var preprocessor = new SamplePreprocessor(1, h, w, [0], [1], bgr: false, letterbox: true);
            (int newWidth, int newHeight, int x, int y) = preprocessor.Placement(sw, sh);

            // Then the resized image sits exactly where Darknet puts it
            int[] darknet = [.. lines[i].Split(' ').Select(int.Parse)];
            (x, y, newWidth, newHeight).ShouldBe((darknet[0], darknet[1], darknet[2], darknet[3]), $"{sw}x{sh} -> {w}x{h}");
        }
    }

    [Fact]
    public void Process_Letterbox_PadsWithHalfGrayAndBoxesFollowThePixels()
    {
        // Given a 40x20 dark image with a bright 10x10 square at x 10..19, y 5..14, and its box
        float[] source = new float[40 * 20];
        for (int y = 5; y < 15; y++)
        {
            source.AsSpan((y * 40) + 10, 10).Fill(255);
        }

        var box = new BoundingBox(2, 15f / 40, 10f / 20, 10f / 40, 10f / 20);
        var preprocessor = new SamplePreprocessor(1, 32, 32, [0], [1], bgr: false, letterbox: true);

        // When letterboxing into 32x32 (the image becomes 32x16 at rows 8..23)
        float[] sample = new float[32 * 32];
        preprocessor.Process(source, 1, 20, 40, sample);
        BoundingBox moved = preprocessor.TransformBox(box, 40, 20);

        // Then the padding is 127.5, the box moved to x 8..16, y 12..20 (in pixels), and the pixels there are bright
        sample.AsSpan(0, 8 * 32).ToArray().ShouldAllBe(v => v == SamplePreprocessor.LetterboxFill);
        sample.AsSpan(24 * 32).ToArray().ShouldAllBe(v => v == SamplePreprocessor.LetterboxFill);
        moved.ClassId.ShouldBe(2);
        ((moved.X - (moved.Width / 2)) * 32).ShouldBe(8f, 1e-4f);
        ((moved.X + (moved.Width / 2)) * 32).ShouldBe(16f, 1e-4f);
        ((moved.Y - (moved.Height / 2)) * 32).ShouldBe(12f, 1e-4f);
        ((moved.Y + (moved.Height / 2)) * 32).ShouldBe(20f, 1e-4f);
        for (int y = 13; y < 19; y++)
        {
            for (int x = 9; x < 15; x++)
            {
                sample[(y * 32) + x].ShouldBe(255f, $"({x}, {y})");
            }
        }

        sample[(16 * 32) + 3].ShouldBe(0f);
        sample[(16 * 32) + 28].ShouldBe(0f);
    }

    [Fact]
    public void Process_BgrMeanScale_ComputesPixelMinusMeanTimesScaleInOutputOrder()
    {
        // Given a 2x1 RGB source, mean (in output order B, G, R) and per-channel scale
        float[] source = [10, 20, 30, 40, 50, 60];
        var preprocessor = new SamplePreprocessor(3, 1, 2, [1, 2, 3], [0.5f, 0.25f, 2], bgr: true, letterbox: false);

        // When processing
        float[] sample = new float[6];
        preprocessor.Process(source, 3, 1, 2, sample);

        // Then channel 0 is blue: (50 - 1) * 0.5, (60 - 1) * 0.5; then green (30 - 2) * 0.25, ...; then red (10 - 3) * 2, ...
        sample.ShouldBe(new[] { 24.5f, 29.5f, 7f, 9.5f, 14f, 34f });
    }

    [Fact]
    public void Process_GrayToRgbAndRgbToGray_ConvertChannels()
    {
        // Given a gray 2x1 source and an RGB one with planes R (100, 0), G (0, 200), B (50, 255)
        var toRgb = new SamplePreprocessor(3, 1, 2, [0, 0, 0], [1, 1, 1], bgr: false, letterbox: false);
        var toGray = new SamplePreprocessor(1, 1, 2, [0], [1], bgr: false, letterbox: false);
        float[] rgb = new float[6];
        float[] gray = new float[2];

        // When converting
        toRgb.Process([10, 200], 1, 1, 2, rgb);
        toGray.Process([100, 0, 0, 200, 50, 255], 3, 1, 2, gray);

        // Then gray is copied to R, G, B, and RGB becomes 0.299 R + 0.587 G + 0.114 B
        rgb.ShouldBe(new[] { 10f, 200f, 10f, 200f, 10f, 200f });
        gray[0].ShouldBe((0.299f * 100) + (0.114f * 50), 1e-3f);
        gray[1].ShouldBe((0.587f * 200) + (0.114f * 255), 1e-3f);
    }

    [Fact]
    public void Process_RgbToGray_MatchesOpenCvCvtColor()
    {
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        // Given a random 9x7 RGB image converted by cv2.cvtColor(COLOR_RGB2GRAY) in float32
        using var dir = new TempDirectory();
        var random = new Random(2);
        float[] hwc = [.. Enumerable.Range(0, 7 * 9 * 3).Select(_ => (float)random.Next(256))];
        NpyWriter.Write(dir.Combine("x.npy"), TensorData.Create(TensorShape.Of(7, 9, 3), hwc));
        Oracle.Python.Run("import sys, cv2, numpy as np\nd = sys.argv[1]\nnp.save(d + '/y.npy', cv2.cvtColor(np.load(d + '/x.npy'), cv2.COLOR_RGB2GRAY))", dir.Path);
        float[] expected = NpyReader.Read(dir.Combine("y.npy")).AsSpan<float>().ToArray();

        // When converting the same pixels (planar) with our preprocessor
        float[] planar = new float[hwc.Length];
        for (int p = 0; p < 63; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                planar[(c * 63) + p] = hwc[(p * 3) + c];
            }
        }

        float[] gray = new float[63];
        new SamplePreprocessor(1, 7, 9, [0], [1], bgr: false, letterbox: false).Process(planar, 3, 7, 9, gray);

        // Then they agree within float rounding
        for (int i = 0; i < 63; i++)
        {
            gray[i].ShouldBe(expected[i], 1e-3f);
        }
    }

    private static OracleProbe DarknetLibrary()
    {
        const string Library = "/usr/lib/darknet/libdarknet.so";
        return new OracleProbe("libdarknet", File.Exists(Library), File.Exists(Library) ? null : $"{Library} does not exist (install Debian's darknet)");
    }
}
