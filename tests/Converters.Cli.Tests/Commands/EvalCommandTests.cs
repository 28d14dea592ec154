using System.Text;
using System.Text.Json;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Cli;

namespace Converters.Cli.Tests.Commands;

public sealed class EvalCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Eval_Classification_CountsTopOneAndTopFiveOfKnownScores()
    {
        // Given a model that passes its 1x1x10 input through as the scores, and five samples
        // whose label ranks 1st, 3rd, 8th, 1st and 5th among their scores: top-1 = 2/5, top-5 = 4/5.
        string model = _folder.Combine("identity.tnet");
        File.WriteAllText(model, """
            textnet 1
            graph identity
            input data float32 1x1x1x10
            flat = Flatten(data)
            output flat
            """);
        int[] labels = [3, 0, 9, 5, 1];
        int[] ranks = [1, 3, 8, 1, 5];
        float[] x = new float[5 * 10];
        for (int s = 0; s < 5; s++)
        {
            // Scores 10, 9, ..., 1 over the classes in an order that puts the label at its rank.
            int[] order = [.. Enumerable.Range(0, 10).Where(c => c != labels[s])];
            var ordered = order.ToList();
            ordered.Insert(ranks[s] - 1, labels[s]);
            for (int r = 0; r < 10; r++)
            {
                x[(s * 10) + ordered[r]] = 10 - r;
            }
        }

        string xPath = _folder.Combine("x.npy");
        string yPath = _folder.Combine("y.npy");
        NpyWriter.Write(xPath, TensorData.Create(TensorShape.Of(5, 1, 1, 10), x));
        NpyWriter.Write(yPath, TensorData.Create(TensorShape.Of(5), labels.Select(l => (long)l).ToArray()));
        string json = _folder.Combine("eval.json");

        // When
        CliResult result = CliRunner.Run("eval", model, "--data", $"npy:{xPath},{yPath}?scale=1", "--batch", "2", "--json", json);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        report.RootElement.GetProperty("metric").GetString().ShouldBe("top1");
        report.RootElement.GetProperty("value").GetDouble().ShouldBe(0.4, 1e-12);
        report.RootElement.GetProperty("metrics").GetProperty("top5").GetDouble().ShouldBe(0.8, 1e-12);
        report.RootElement.GetProperty("samples").GetInt32().ShouldBe(5);
        result.Output.ShouldContain("top1");
        result.Output.ShouldContain("0.4000");
        result.Output.ShouldContain("0.8000");
    }

    [Fact]
    public void Eval_Detection_MeanAveragePrecisionOfKnownBoxes()
    {
        // Given a 4x4 Darknet detector: one 1x1 convolution into a [yolo] head with one 2x2-pixel
        // anchor and one class. Its weights make tx = ty = tw = th = 0 (every box is the 0.5 x 0.5
        // square centred on its cell), the class logit 10 and the objectness logit 20 * red - 10, so a
        // cell's score is about 1 where the image is red (255), 0.51 where red is 128, and below the
        // 0.005 threshold where it is black.
        string cfg = _folder.Combine("det.cfg");
        File.WriteAllText(cfg, """
            [net]
            width=4
            height=4
            channels=3

            [convolutional]
            filters=6
            size=1
            stride=1
            pad=0
            activation=linear

            [yolo]
            mask=0
            anchors=2,2
            classes=1
            num=1
            """);
        using (var weights = new BinaryWriter(File.Create(_folder.Combine("det.weights"))))
        {
            weights.Write(0);
            weights.Write(2);
            weights.Write(0);
            weights.Write(0L);
            float[] biases = [0, 0, 0, 0, -10, 10];
            float[] kernel = new float[6 * 3];
            kernel[(4 * 3) + 0] = 20; // objectness from the red channel
            foreach (float v in biases.Concat(kernel))
            {
                weights.Write(v);
            }
        }

        // Image a: truths on cells (0,0) and (2,2); red 255 on (0,0) (a hit), red 128 on (1,1) (a miss).
        // Image b: a truth on cell (3,3) and red 255 there (a hit).
        // Ranked: two hits at ~0.9999, then the miss at 0.51; 3 truths. Precision/recall points
        // (1, 1/3), (1, 2/3), (2/3, 2/3): AP = 2/3 * 1 = 0.6667 (the miss adds no recall).
        Directory.CreateDirectory(_folder.Combine("images"));
        Directory.CreateDirectory(_folder.Combine("labels"));
        WritePpm(_folder.Combine(Path.Combine("images", "a.ppm")), new() { [(0, 0)] = 255, [(1, 1)] = 128 });
        WritePpm(_folder.Combine(Path.Combine("images", "b.ppm")), new() { [(3, 3)] = 255 });
        File.WriteAllText(_folder.Combine(Path.Combine("labels", "a.txt")), "0 0.125 0.125 0.5 0.5\n0 0.625 0.625 0.5 0.5\n");
        File.WriteAllText(_folder.Combine(Path.Combine("labels", "b.txt")), "0 0.875 0.875 0.5 0.5\n");
        string list = _folder.Combine("val.txt");
        File.WriteAllText(list, $"{_folder.Combine(Path.Combine("images", "a.ppm"))}\n{_folder.Combine(Path.Combine("images", "b.ppm"))}\n");
        string json = _folder.Combine("map.json");

        // When
        CliResult result = CliRunner.Run("eval", cfg, _folder.Combine("det.weights"), "--data", $"yolo:{list}", "--json", json);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        report.RootElement.GetProperty("metric").GetString().ShouldBe("mAP@0.5");
        report.RootElement.GetProperty("value").GetDouble().ShouldBe(2.0 / 3.0, 1e-6);
        result.Output.ShouldContain("0.6667");
    }

    [Fact]
    public void Eval_ClassificationModelOnDetectionData_ExitsTwo()
    {
        // Given the classifier sample and a detection dataset
        string sample = RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet");

        // When
        CliResult result = CliRunner.Run("eval", sample, "--data", "synthetic:shapes-detection?n=4&size=32");

        // Then
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.Single().ShouldStartWith("error: ");
        result.ErrorLines.Single().ShouldContain("Yolo or Region");
    }

    [Theory]
    [InlineData("nonsense:x", "nonsense")]
    [InlineData("synthetic:shapes?classes=4&bogus=1", "bogus")]
    public void Eval_BadSpec_ExitsTwoNamingThePart(string spec, string named)
    {
        // When
        CliResult result = CliRunner.Run("eval", RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet"), "--data", spec);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.Single().ShouldContain(named);
    }

    [Theory]
    [InlineData("--batch", "0", "--batch: must be a positive integer, got 0")]
    [InlineData("--thresh", "1.5", "--thresh: must be in [0, 1), got 1.5")]
    [InlineData("--nms", "0", "--nms: must be in (0, 1], got 0")]
    public void Eval_BadOption_ExitsTwo(string option, string value, string expected)
    {
        // When
        CliResult result = CliRunner.Run("eval", RepositoryPaths.Combine("samples", "textnet", "tiny-cnn.tnet"), "--data", "synthetic:shapes?n=4", option, value);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.ShouldBe([$"error: {expected}"]);
    }

    /// <summary>A 4x4 binary PPM, black except the given red values at (column, row).</summary>
    private static void WritePpm(string path, Dictionary<(int Column, int Row), byte> red)
    {
        using var stream = File.Create(path);
        stream.Write(Encoding.ASCII.GetBytes("P6\n4 4\n255\n"));
        for (int row = 0; row < 4; row++)
        {
            for (int column = 0; column < 4; column++)
            {
                stream.WriteByte(red.GetValueOrDefault((column, row)));
                stream.WriteByte(0);
                stream.WriteByte(0);
            }
        }
    }
}
