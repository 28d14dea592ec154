using Converters.Engine.Training.Optimizers;
using Converters.Engine.Training.Schedules;
using Converters.Engine.Training.Solver;
using Converters.Ir.Diagnostics;
using Converters.Testing;

namespace Converters.Engine.Tests.Training.Solver;

public class SolverSettingsTests
{
    [Fact]
    public void Parse_CaffeLeNetSolver_BuildsSgdWithInvSchedule()
    {
        // Given Caffe's LeNet solver written as YAML
        const string yaml = """
            # The train/test net protocol buffer definition
            base_lr: 0.01
            momentum: 0.9
            weight_decay: 0.0005
            lr_policy: "inv"
            gamma: 0.0001
            power: 0.75
            max_iter: 10000
            type: SGD
            random_seed: 1701
            """;

        // When
        SolverSettings settings = SolverSettings.Parse(yaml, "lenet_solver.yaml");

        // Then: inv at 10000 is 0.01·(1 + 1)^−0.75
        settings.Policy.ShouldBe(LearningRatePolicy.Inverse);
        settings.MaxIterations.ShouldBe(10000);
        settings.Seed.ShouldBe(1701);
        settings.CreateSchedule().At(10000).ShouldBe(0.00594603557f, 1e-9f);
        Sgd sgd = settings.CreateOptimizer().ShouldBeOfType<Sgd>();
        sgd.Momentum.ShouldBe(0.9f);
        sgd.WeightDecay.ShouldBe(0.0005f);
        sgd.Nesterov.ShouldBeFalse();
    }

    [Fact]
    public void Parse_CaffeSolverPrototxtAsIs_ReadsRepeatedStepvalueAndRunnerFields()
    {
        // Given a Caffe solver.prototxt in its own syntax (CIFAR-10 style, multistep with repeated stepvalue)
        const string prototxt = """
            net: "examples/cifar10/cifar10_full_train_test.prototxt"
            test_iter: 100
            test_interval: 1000
            base_lr: 0.001
            momentum: 0.9
            weight_decay: 0.004
            lr_policy: "multistep"
            gamma: 0.1
            stepvalue: 60000
            stepvalue: 65000
            display: 200
            max_iter: 70000
            snapshot: 10000
            snapshot_prefix: "examples/cifar10/cifar10_full"
            solver_mode: CPU
            regularization_type: "L2"
            """;

        // When
        SolverSettings settings = SolverSettings.Parse(prototxt, "cifar10_full_solver.prototxt");

        // Then
        settings.StepValues.ShouldBe([60000, 65000]);
        (settings.NetPath, settings.TestIterations, settings.TestInterval, settings.DisplayInterval, settings.SnapshotInterval, settings.SnapshotPrefix)
            .ShouldBe(("examples/cifar10/cifar10_full_train_test.prototxt", 100, 1000, 200, 10000, "examples/cifar10/cifar10_full"));
        LearningRateSchedule schedule = settings.CreateSchedule();
        schedule.At(59999).ShouldBe(0.001f);
        schedule.At(60000).ShouldBe(0.0001f, 1e-10f);
        schedule.At(65000).ShouldBe(0.00001f, 1e-11f);
    }

    [Fact]
    public void Parse_EmptyFileWithDefaults_KeepsDefaults()
    {
        var defaults = new SolverSettings { BaseLearningRate = 0.3f, Momentum = 0.5f };
        SolverSettings.Parse("# nothing here\n", "empty.yaml", defaults).ShouldBe(defaults);
    }

    [Fact]
    public void Parse_CaffeMultistepAdam_UsesStepvalueListAndMomentumAsBeta1()
    {
        const string yaml = """
            base_lr: 0.001
            type: Adam
            momentum: 0.8
            momentum2: 0.99
            delta: 1e-6
            lr_policy: multistep
            gamma: 0.5
            stepvalue: [100, 300]
            clip_gradients: 35
            """;
        SolverSettings settings = SolverSettings.Parse(yaml, "solver.yaml");
        Adam adam = settings.CreateOptimizer().ShouldBeOfType<Adam>();
        (adam.Beta1, adam.Beta2, adam.Epsilon, adam.DecoupledWeightDecay).ShouldBe((0.8f, 0.99f, 1e-6f, false));
        settings.ClipGradientNorm.ShouldBe(35f);
        LearningRateSchedule schedule = settings.CreateSchedule();
        schedule.At(99).ShouldBe(0.001f);
        schedule.At(100).ShouldBe(0.0005f);
        schedule.At(300).ShouldBe(0.00025f);
    }

    [Fact]
    public void Parse_DarknetYolov3NetKeys_BuildsBurnInAroundSteps()
    {
        // Given yolov3.cfg's [net] training keys as YAML (steps as Darknet's comma text)
        const string yaml = """
            batch: 64
            subdivisions: 16
            momentum: 0.9
            decay: 0.0005
            learning_rate: 0.001
            burn_in: 1000
            max_batches: 500200
            policy: steps
            steps: 400000,450000
            scales: .1,.1
            """;

        // When
        SolverSettings settings = SolverSettings.Parse(yaml, "yolo-solver.yaml");
        LearningRateSchedule schedule = settings.CreateSchedule();

        // Then: burn-in 0.001·(500/1000)^4, then 0.001, 1e-4, 1e-5
        settings.Batch.ShouldBe(64);
        settings.Subdivisions.ShouldBe(16);
        schedule.At(500).ShouldBe(6.25e-5f, 1e-10f);
        schedule.At(1000).ShouldBe(0.001f);
        schedule.At(400000).ShouldBe(0.0001f, 1e-10f);
        schedule.At(450000).ShouldBe(0.00001f, 1e-11f);
        settings.CreateOptimizer().ShouldBeOfType<Sgd>().WeightDecay.ShouldBe(0.0005f);
    }

    [Fact]
    public void Parse_OurVocabulary_BuildsAdamWWithWarmCosine()
    {
        const string yaml = """
            optimizer: adamw
            lr: 0.002
            weight_decay: 0.05
            schedule: cosine
            period: 200
            eta_min: 0.0001
            warmup: 10
            epochs: 30
            clip_value: 5
            """;
        SolverSettings settings = SolverSettings.Parse(yaml, "ours.yaml");
        settings.CreateOptimizer().ShouldBeOfType<Adam>().DecoupledWeightDecay.ShouldBeTrue();
        settings.Epochs.ShouldBe(30);
        settings.ClipGradientValue.ShouldBe(5f);
        LearningRateSchedule schedule = settings.CreateSchedule().ShouldBeOfType<LinearWarmupSchedule>();
        schedule.At(0).ShouldBe(0f);
        schedule.At(200).ShouldBe(0.0001f, 1e-9f);
    }

    [Fact]
    public void Parse_CosineWithGrowingRestarts_RestartsAtTheEndOfEachLongerPeriod()
    {
        // Given periods 10, 20, 40…
        SolverSettings settings = SolverSettings.Parse("lr: 0.2\nschedule: cosine\nperiod: 10\nrestart: true\nperiod_mult: 2\n", "s.yaml");
        LearningRateSchedule schedule = settings.CreateSchedule();

        // Then: restart at 10 and 30; halfway through the 20-long period at 20
        schedule.At(10).ShouldBe(0.2f);
        schedule.At(20).ShouldBe(0.1f, 1e-7f);
        schedule.At(30).ShouldBe(0.2f);
    }

    [Fact]
    public void FromDarknetNet_Yolov3Cfg_TakesItsTrainingKeysAndYamlOverrides()
    {
        // Given the [net] section of Debian's yolov3.cfg (skipped when darknet's cfgs are not installed)
        const string cfg = "/usr/share/darknet/cfg/yolov3.cfg";
        if (!File.Exists(cfg))
        {
            return;
        }

        Dictionary<string, string> net = File.ReadLines(cfg).Skip(1).TakeWhile(l => !l.StartsWith('['))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.Ordinal);

        // When the cfg gives the defaults and a solver file changes the base rate with Caffe's name
        SolverSettings defaults = SolverSettings.FromDarknetNet(net);
        SolverSettings settings = SolverSettings.Parse("base_lr: 0.01\n", "finetune.yaml", defaults);

        // Then
        defaults.BaseLearningRate.ShouldBe(0.001f);
        defaults.BurnIn.ShouldBe(1000);
        defaults.MaxIterations.ShouldBe(500200);
        defaults.StepValues.ShouldBe([400000, 450000]);
        defaults.Momentum.ShouldBe(0.9f);
        settings.BaseLearningRate.ShouldBe(0.01f);
        settings.BurnIn.ShouldBe(1000);
        settings.CreateSchedule().At(420000).ShouldBe(0.001f, 1e-10f);
    }

    [Fact]
    public void Parse_CaffeMultistepOverDarknetStepsDefaults_UsesGammaNotTheCfgScales()
    {
        // Given defaults from a [net] with steps/scales and step/scale, and a file in Caffe's terms
        SolverSettings defaults = SolverSettings.FromDarknetNet(new Dictionary<string, string>
        {
            ["learning_rate"] = "0.01", ["policy"] = "steps", ["steps"] = "10,20,30", ["scales"] = ".1,.1,.1", ["scale"] = "0.2",
        });

        // When
        SolverSettings multistep = SolverSettings.Parse("lr_policy: multistep\nstepvalue: [100, 200]\ngamma: 0.5\n", "s.yaml", defaults);
        SolverSettings step = SolverSettings.Parse("lr_policy: step\nstepsize: 50\ngamma: 0.5\n", "s.yaml", defaults);

        // Then gamma applies, not the cfg's scales or scale
        multistep.CreateSchedule().At(200).ShouldBe(0.0025f, 1e-10f);
        step.CreateSchedule().At(100).ShouldBe(0.0025f, 1e-10f);
    }

    [Fact]
    public void Load_FileOnDisk_ParsesAndReportsItsPath()
    {
        using var dir = new TempDirectory();
        string path = dir.WriteText("solver.yaml", "base_lr: 0.1\nlr_policy: stpe\n");
        InputFormatException e = Should.Throw<InputFormatException>(() => SolverSettings.Load(path));
        e.FilePath.ShouldBe(path);
        SolverSettings.Load(dir.WriteText("ok.yaml", "lr: 0.5\n")).BaseLearningRate.ShouldBe(0.5f);
    }

    [Fact]
    public void Load_MissingFile_ThrowsInputFormatException()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("nope.yaml");
        Should.Throw<InputFormatException>(() => SolverSettings.Load(path)).FilePath.ShouldBe(path);
    }
}
