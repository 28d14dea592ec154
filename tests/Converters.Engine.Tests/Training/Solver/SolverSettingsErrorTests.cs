using Converters.Engine.Training.Solver;
using Converters.Ir.Diagnostics;

namespace Converters.Engine.Tests.Training.Solver;

/// <summary>Every kind of solver-file mistake: the exception type, file, line, column, key and a one-line message.</summary>
public class SolverSettingsErrorTests
{
    [Fact]
    public void Parse_MisspelledPolicy_ListsCaffePoliciesAtTheValue()
    {
        InputFormatException e = Fail("base_lr: 0.1\nmomentum: 0.9\nlr_policy: stpe\n");
        e.ToDiagnostic().ShouldBe("solver.yaml:3:12: lr_policy: expected one of fixed, step, exp, inv, multistep, poly, sigmoid, got 'stpe'");
    }

    [Fact]
    public void Parse_DarknetPolicyName_ListsDarknetPolicies()
    {
        InputFormatException e = Fail("learning_rate: 0.1\npolicy: multistep\n");
        (e.Line, e.Column, e.FieldPath).ShouldBe((2, 9, "policy"));
        e.Message.ShouldBe("expected one of constant, step, steps, exp, poly, sigmoid, got 'multistep'");
    }

    [Fact]
    public void Parse_UnknownKey_ListsKnownKeys()
    {
        InputFormatException e = Fail("base_lr: 0.1\nlr_polcy: step\n");
        (e.Line, e.FieldPath).ShouldBe((2, "lr_polcy"));
        e.Message.ShouldStartWith("unknown solver key; expected one of base_lr, lr_policy,");
        e.Message.ShouldContain("learning_rate");
    }

    [Fact]
    public void Parse_CaffeAndDarknetNamesForTheSameSetting_IsAnError()
    {
        InputFormatException e = Fail("base_lr: 0.1\nmomentum: 0.9\nlearning_rate: 0.01\n");
        (e.Line, e.FieldPath).ShouldBe((3, "learning_rate"));
        e.Message.ShouldBe("'learning_rate' and 'base_lr' (line 1) set the same thing; keep one of them");
        Fail("lr: 0.1\nweight_decay: 0.1\ndecay: 0.2\n").FieldPath.ShouldBe("decay");
        Fail("lr: 0.1\nstepvalue: [1]\nsteps: 2\nlr_policy: multistep\n").FieldPath.ShouldBe("steps");
    }

    [Fact]
    public void Parse_BadNumbers_SayWhatWasExpected()
    {
        Fail("base_lr: fast\n").Message.ShouldBe("expected a number, got 'fast'");
        Fail("base_lr: -0.1\n").Message.ShouldBe("expected a number ≥ 0, got '-0.1'");
        Fail("base_lr: 0.1\nmax_iter: 1.5\n").Message.ShouldBe("expected an integer, got '1.5'");
        Fail("base_lr: 0.1\nmomentum2: 1\n").Message.ShouldBe("expected a number in [0, 1), got '1'");
        Fail("base_lr: 0.1\nlr_policy: multistep\nstepvalue: [10, x]\n").Message.ShouldBe("expected a list of integers, item 2 is 'x'");
        Fail("base_lr: [0.1, 0.2]\n").Message.ShouldBe("expected a single value, got a list");
        Fail("lr: 0.1\nrestart: maybe\n").Message.ShouldBe("expected true or false, got 'maybe'");
    }

    [Fact]
    public void Parse_PolicyMissingItsParameters_PointsAtThePolicy()
    {
        InputFormatException e = Fail("base_lr: 0.1\nlr_policy: step\ngamma: 0.1\n");
        (e.Line, e.FieldPath).ShouldBe((2, "lr_policy"));
        e.Message.ShouldContain("needs a step size: stepsize (Caffe), step (Darknet) or step_size");
        Fail("base_lr: 0.1\nlr_policy: poly\n").Message.ShouldContain("needs max_iter");
        Fail("lr: 0.1\nschedule: cosine\n").Message.ShouldContain("needs period or max_iter");
        Fail("learning_rate: 0.1\npolicy: steps\nsteps: 10,20\n").Message.ShouldContain("needs scales");
    }

    [Fact]
    public void Parse_ScalesCountDiffersFromSteps_PointsAtScales()
    {
        InputFormatException e = Fail("learning_rate: 0.1\npolicy: steps\nsteps: 10,20\nscales: .1\n");
        (e.Line, e.FieldPath).ShouldBe((4, "scales"));
        e.Message.ShouldBe("expected one scale per step boundary (2), got 1");
        Fail("lr: 0.1\nschedule: multistep\nmilestones: [20, 10]\n").Message.ShouldBe("step boundaries must not decrease, got 20 then 10");
    }

    [Fact]
    public void Parse_OptimizerProblems_AreReported()
    {
        Fail("base_lr: 0.1\ntype: AdaGrad\n").Message.ShouldBe("expected one of SGD, Nesterov, Adam, got 'AdaGrad'");
        Fail("base_lr: 0.1\ntype: Nesterov\n").Message.ShouldBe("Nesterov needs a positive momentum");
        Fail("learning_rate: 0.1\nadam: 2\n").Message.ShouldBe("expected 0 or 1, got '2'");
        Fail("lr: 0.1\noptimizer: rmsprop\n").Message.ShouldBe("expected one of sgd, nesterov, adam, adamw, got 'rmsprop'");
    }

    [Fact]
    public void Parse_NoLearningRate_SaysWhichKeysSetIt()
    {
        InputFormatException e = Fail("momentum: 0.9\n");
        e.Message.ShouldBe("no learning rate: expected base_lr (Caffe), learning_rate (Darknet) or lr");
        e.FilePath.ShouldBe("solver.yaml");
    }

    [Fact]
    public void Parse_NotYamlOrNotAMapping_IsLocated()
    {
        InputFormatException syntax = Fail("base_lr: 0.1\nmomentum: [0.9\n");
        syntax.Message.ShouldStartWith("not valid YAML:");
        syntax.Line.ShouldNotBeNull();
        Fail("- base_lr\n- 0.1\n").Message.ShouldBe("expected a mapping of solver keys to values (key: value per line)");
        Fail("base_lr:\n  value: 0.1\n").Message.ShouldBe("expected a number, a word or a list, got a mapping");
        Fail("base_lr: 0.1\n---\nmomentum: 0.2\n").Message.ShouldBe("expected one YAML document, found another after '---'");
    }

    [Fact]
    public void Parse_KeySetTwice_NamesTheEarlierLine()
    {
        InputFormatException e = Fail("base_lr: 0.1\nmomentum: 0.9\nbase_lr: 0.2\n");
        e.ToDiagnostic().ShouldBe("solver.yaml:3:10: base_lr: 'base_lr' is set twice (also at line 1); keep one");
    }

    [Fact]
    public void Parse_UnsupportedCaffeRunnerValues_AreErrors()
    {
        Fail("base_lr: 0.1\nregularization_type: L1\n").Message.ShouldBe("only L2 regularization (weight decay) is supported, got 'L1'");
        Fail("base_lr: 0.1\nsolver_mode: TPU\n").Message.ShouldBe("expected CPU or GPU, got 'TPU'");
    }

    [Fact]
    public void FromDarknetNet_BadValue_NamesTheNetKey()
    {
        InputFormatException e = Should.Throw<InputFormatException>(() => SolverSettings.FromDarknetNet(new Dictionary<string, string> { ["learning_rate"] = "0.x", ["width"] = "416" }));
        e.FieldPath.ShouldBe("[net].learning_rate");
        e.ToDiagnostic().ShouldBe("[net].learning_rate: expected a number, got '0.x'");
    }

    private static InputFormatException Fail(string yaml) =>
        Should.Throw<InputFormatException>(() => SolverSettings.Parse(yaml, "solver.yaml"));
}
