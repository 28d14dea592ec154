using Converters.Engine.Training.Schedules;
using Converters.Engine.Training.Solver;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Training.Schedules;

/// <summary>
/// Schedules against independent implementations over a few hundred iterations: PyTorch 1.13's
/// torch.optim.lr_scheduler, and Debian's libdarknet <c>get_current_rate</c> called through ctypes
/// on a network parsed from a cfg the test writes (its <c>*net->seen</c> set to iteration × batch).
/// Relative max error ≤ 1e-6.
/// </summary>
public class ScheduleConformanceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-6;
    private const int Iterations = 300;
    private const string Libdarknet = "/usr/lib/darknet/libdarknet.so";

    private const string TorchScript = """
        import sys, numpy as np, torch
        out, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=0.1)
        S = torch.optim.lr_scheduler
        s = {'step': lambda: S.StepLR(opt, step_size=30, gamma=0.5),
             'multistep': lambda: S.MultiStepLR(opt, milestones=[40, 90, 200], gamma=0.3),
             'exp': lambda: S.ExponentialLR(opt, gamma=0.984375),
             'cosine': lambda: S.CosineAnnealingLR(opt, T_max=120, eta_min=0.002),
             'restarts': lambda: S.CosineAnnealingWarmRestarts(opt, T_0=70, eta_min=0.001),
             'restarts-mult': lambda: S.CosineAnnealingWarmRestarts(opt, T_0=20, T_mult=2, eta_min=0.001)}[kind]()
        rates = []
        for i in range(n):
            rates.append(opt.param_groups[0]['lr'])
            opt.step()
            s.step()
        np.save(out, np.array(rates, dtype=np.float32))
        """;

    private const string DarknetScript = """
        import sys, ctypes, numpy as np
        lib, cfg, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        class Net(ctypes.Structure):
            _fields_ = [('n', ctypes.c_int), ('batch', ctypes.c_int), ('seen', ctypes.POINTER(ctypes.c_size_t)),
                        ('t', ctypes.POINTER(ctypes.c_int)), ('epoch', ctypes.c_float), ('subdivisions', ctypes.c_int)]
        dn = ctypes.CDLL(lib)
        dn.parse_network_cfg.restype = ctypes.POINTER(Net)
        dn.parse_network_cfg.argtypes = [ctypes.c_char_p]
        dn.get_current_rate.restype = ctypes.c_float
        dn.get_current_rate.argtypes = [ctypes.POINTER(Net)]
        net = dn.parse_network_cfg(cfg.encode())
        rates = []
        for i in range(n):
            net.contents.seen[0] = i * net.contents.batch * net.contents.subdivisions
            rates.append(dn.get_current_rate(net))
        np.save(out, np.array(rates, dtype=np.float32))
        """;

    public static TheoryData<string> TorchCases => new() { "step", "multistep", "exp", "cosine", "restarts", "restarts-mult" };

    public static TheoryData<string, string> DarknetCases => new()
    {
        { "constant", "policy=constant" },
        { "step", "policy=step\nstep=45\nscale=0.7" },
        { "steps", "policy=steps\nsteps=50,120,121,260\nscales=.5,.2,10,.1" },
        { "exp", "policy=exp\ngamma=0.985" },
        { "poly", "policy=poly\npower=2.5\nmax_batches=300" },
        { "sigmoid", "policy=sigmoid\ngamma=0.05\nstep=150" },
        { "burn_in+steps", "policy=steps\nsteps=100,200\nscales=.1,.1\nburn_in=60" },
        { "burn_in+poly", "policy=poly\npower=3\nmax_batches=300\nburn_in=25" },
    };

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void At_TorchSchedulerOverIterations_MatchesTorch(string kind)
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given our schedule configured like the torch scheduler
        LearningRateSchedule ours = kind switch
        {
            "step" => new StepSchedule(0.1f, 0.5f, 30),
            "multistep" => MultiStepSchedule.WithGamma(0.1f, 0.3f, [40, 90, 200]),
            "exp" => new ExponentialSchedule(0.1f, 0.984375f), // 63/64: exact in float, so only the formula is compared
            "cosine" => new CosineAnnealingSchedule(0.1f, 120, 0.002f),
            "restarts" => new CosineAnnealingSchedule(0.1f, 70, 0.001f, restart: true),
            _ => new CosineAnnealingSchedule(0.1f, 20, 0.001f, restart: true, periodMultiplier: 2),
        };

        // When both give the rate at every iteration
        using var dir = new TempDirectory();
        Oracle.Python.Run(TorchScript, dir.Combine("rates.npy"), kind, Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Then
        Compare(ours, dir.Combine("rates.npy"), kind);
    }

    [Theory]
    [MemberData(nameof(DarknetCases))]
    public void At_DarknetPolicyOverIterations_MatchesLibdarknetGetCurrentRate(string name, string policy)
    {
        if (!Oracle.SkipOrFail(output, DarknetProbe()))
        {
            return;
        }

        // Given a cfg with the policy, and our schedule built from the same [net] keys
        using var dir = new TempDirectory();
        string net = $"[net]\nbatch=8\nsubdivisions=2\ninputs=1\nlearning_rate=0.02\n{policy}\n";
        string cfg = dir.WriteText("net.cfg", net + "\n[connected]\noutput=1\nactivation=linear\n");
        Dictionary<string, string> keys = net.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        LearningRateSchedule ours = SolverSettings.FromDarknetNet(keys).CreateSchedule();

        // When libdarknet gives its rate at every iteration
        Oracle.Python.Run(DarknetScript, Libdarknet, cfg, dir.Combine("rates.npy"), Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Then (Darknet 2018's sigmoid computes iteration - step unsigned, so its rate is 0 before step: compared from there)
        Compare(ours, dir.Combine("rates.npy"), name, name == "sigmoid" ? 150 : 0);
    }

    private void Compare(LearningRateSchedule ours, string path, string name, int from = 0)
    {
        float[] expected = NpyReader.Read(path).AsSpan<float>().ToArray();
        float[] actual = new float[expected.Length];
        for (int i = 0; i < actual.Length; i++)
        {
            actual[i] = ours.At(i);
        }

        // Element-wise relative error, so the small rates late in a schedule count as much as the first ones.
        double e = 0;
        for (int i = from; i < actual.Length; i++)
        {
            e = Math.Max(e, Math.Abs((double)actual[i] - expected[i]) / Math.Max(Math.Abs((double)expected[i]), 1e-9));
        }

        output.WriteLine($"{name}: {expected.Length} iterations, element-wise relative max error {e:E2}, last rate {expected[^1]:G6}");
        e.ShouldBeLessThanOrEqualTo(Limit, name);
    }

    private static OracleProbe DarknetProbe()
    {
        OracleProbe python = Oracle.Python.Probe("numpy");
        return !python.IsAvailable
            ? python
            : File.Exists(Libdarknet)
                ? new OracleProbe(Libdarknet, true, null)
                : new OracleProbe(Libdarknet, false, $"{Libdarknet} does not exist (install Debian's darknet)");
    }
}
