using Converters.Engine.Training.Schedules;

namespace Converters.Engine.Tests.Training.Schedules;

/// <summary>
/// Caffe's policies (no Caffe oracle is installed) against values worked out by hand from
/// sgd_solver.cpp's formulas, and the warm-up wrappers.
/// </summary>
public class ScheduleTests
{
    [Fact]
    public void At_CaffeInv_FollowsBaseTimesOnePlusGammaIterToMinusPower()
    {
        // base_lr 0.01, gamma 1e-4, power 0.75 (LeNet's solver): at 10000, (1 + 1)^-0.75 = 0.594603557...
        var inv = new InverseSchedule(0.01f, 1e-4f, 0.75f);
        inv.At(0).ShouldBe(0.01f);
        inv.At(10000).ShouldBe(0.00594603557f, 1e-9f);
    }

    [Fact]
    public void At_CaffeSigmoid_IsHalfAtStepSizeAndFallsAfterForNegativeGamma()
    {
        // 1 / (1 + e^(0.1·10)) = 0.268941421...
        var sigmoid = new SigmoidSchedule(1f, -0.1f, 100);
        sigmoid.At(100).ShouldBe(0.5f);
        sigmoid.At(110).ShouldBe(0.268941421f, 1e-7f);
        sigmoid.At(90).ShouldBe(0.731058579f, 1e-7f);
    }

    [Fact]
    public void At_Poly_ReachesZeroAtMaxIterAndStaysThere()
    {
        // 0.1 · (1 - 25/100)^2 = 0.05625
        var poly = new PolynomialSchedule(0.1f, 2f, 100);
        poly.At(25).ShouldBe(0.05625f, 1e-8f);
        poly.At(100).ShouldBe(0f);
        poly.At(150).ShouldBe(0f);
    }

    [Fact]
    public void At_CaffeMultistep_MultipliesGammaAtEachReachedStepValue()
    {
        var multi = MultiStepSchedule.WithGamma(1f, 0.1f, [10, 20, 20]);
        multi.At(9).ShouldBe(1f);
        multi.At(10).ShouldBe(0.1f);
        multi.At(19).ShouldBe(0.1f);
        multi.At(20).ShouldBe(0.001f, 1e-9f);
    }

    [Fact]
    public void At_DarknetStepsStartingAtMinusOne_AppliesTheFirstScaleFromTheStart()
    {
        // yolov2-tiny-voc.cfg: learning_rate=0.001, steps=-1,100,20000,30000, scales=.1,10,.1,.1
        var steps = new MultiStepSchedule(0.001f, [-1, 100, 20000, 30000], [0.1f, 10f, 0.1f, 0.1f]);
        steps.At(0).ShouldBe(0.0001f, 1e-11f);
        steps.At(100).ShouldBe(0.001f, 1e-10f);
        steps.At(30000).ShouldBe(0.00001f, 1e-12f);
    }

    [Fact]
    public void At_BurnIn_ClimbsWithPowerThenHandsOver()
    {
        // 0.001 · (50/100)^4 = 6.25e-5
        var burnIn = new BurnInSchedule(new StepSchedule(0.001f, 0.1f, 1000), 100);
        burnIn.At(0).ShouldBe(0f);
        burnIn.At(50).ShouldBe(6.25e-5f, 1e-10f);
        burnIn.At(100).ShouldBe(0.001f);
        burnIn.At(1000).ShouldBe(0.0001f, 1e-10f);
    }

    [Fact]
    public void At_LinearWarmup_ScalesInnerRateFromStartFactor()
    {
        // cosine base 0.1, period 100: at 5, 0.1·(1 + cos(π/20))/2 = 0.0993844170; warm-up factor 0.1 + 0.9·5/10 = 0.55
        var warm = new LinearWarmupSchedule(new CosineAnnealingSchedule(0.1f, 100), 10, 0.1f);
        warm.At(0).ShouldBe(0.01f, 1e-9f);
        warm.At(5).ShouldBe(0.0993844170f * 0.55f, 1e-8f);
        warm.At(10).ShouldBe(0.0975528258f, 1e-8f);
    }

    [Fact]
    public void At_NegativeIteration_Throws()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ConstantSchedule(0.1f).At(-1));
    }

    [Fact]
    public void Constructors_InvalidArguments_Throw()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ConstantSchedule(-0.1f));
        Should.Throw<ArgumentOutOfRangeException>(() => new StepSchedule(0.1f, 0.1f, 0));
        Should.Throw<ArgumentException>(() => new MultiStepSchedule(0.1f, [10, 5], [0.1f, 0.1f])).Message.ShouldContain("boundary 1 is 5 after 10");
        Should.Throw<ArgumentException>(() => new MultiStepSchedule(0.1f, [10], [0.1f, 0.1f]));
        Should.Throw<ArgumentOutOfRangeException>(() => new CosineAnnealingSchedule(0.1f, 0));
        Should.Throw<ArgumentOutOfRangeException>(() => new BurnInSchedule(new ConstantSchedule(1f), 0));
        Should.Throw<ArgumentOutOfRangeException>(() => new LinearWarmupSchedule(new ConstantSchedule(1f), 10, 1.5f));
    }
}
