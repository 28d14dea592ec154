using Converters.Engine.Training;
using Converters.Engine.Training.Optimizers;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Training.Optimizers;

/// <summary>
/// Several optimizer steps on the same seeded parameters, gradients, learning rates, masks and
/// per-parameter multipliers in our optimizers and in torch 1.13's torch.optim (Debian's
/// /usr/bin/python3); every final value must agree within relative max error 1e-6.
/// </summary>
public class OptimizerTorchConformanceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-6;
    private const int Steps = 6;
    private static readonly float[] s_rates = [0.1f, 0.05f, 0.05f, 0.02f, 0.1f, 0.01f];
    private static readonly int[] s_sizes = [37, 5, 13];

    private const string Script = """
        import sys, json, numpy as np, torch
        d, cfg = sys.argv[1], json.loads(sys.argv[2])
        torch.set_num_threads(1)
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy'))
        sizes, lrmult, decmult, rates = cfg['sizes'], cfg['lrmult'], cfg['decmult'], cfg['rates']
        ps = [L(f'p{i}').clone().requires_grad_(True) for i in range(len(sizes))]
        mask = L('mask0')
        groups = [{'params': [p], 'lr': 0.0, 'weight_decay': cfg['wd'] * decmult[i]} for i, p in enumerate(ps)]
        kind = cfg['kind']
        if kind == 'sgd':
            opt = torch.optim.SGD(groups, lr=0.1, momentum=cfg['momentum'], dampening=cfg['dampening'], nesterov=cfg['nesterov'])
        elif kind == 'adam':
            opt = torch.optim.Adam(groups, lr=0.1, betas=(cfg['b1'], cfg['b2']), eps=cfg['eps'])
        else:
            opt = torch.optim.AdamW(groups, lr=0.1, betas=(cfg['b1'], cfg['b2']), eps=cfg['eps'])
        norms = []
        for s in range(len(rates)):
            for i, p in enumerate(ps):
                p.grad = L(f'g{s}_{i}').clone()
            ps[0].grad.mul_(mask)
            if cfg['clip'] > 0:
                norms.append(float(torch.nn.utils.clip_grad_norm_(ps, cfg['clip'])))
            for i, g in enumerate(opt.param_groups):
                g['lr'] = rates[s] * lrmult[i]
            opt.step()
            with torch.no_grad():
                ps[0].mul_(mask)
        for i, p in enumerate(ps):
            np.save(f'{d}/torch_p{i}.npy', p.detach().numpy())
        np.save(f'{d}/torch_norms.npy', np.array(norms, dtype=np.float32))
        """;

    public static TheoryData<string, float, float, bool, float, float> Cases => new()
    {
        { "sgd", 0f, 0f, false, 0f, 0f },
        { "sgd", 0f, 0f, false, 0.01f, 0f },
        { "sgd", 0.9f, 0f, false, 0f, 0f },
        { "sgd", 0.9f, 0.3f, false, 5e-3f, 0f },
        { "sgd", 0.9f, 0f, true, 5e-3f, 0f },
        { "sgd", 0.9f, 0f, true, 5e-3f, 0.5f },
        { "adam", 0f, 0f, false, 0f, 0f },
        { "adam", 0f, 0f, false, 0.01f, 0f },
        { "adamw", 0f, 0f, false, 0.05f, 0f },
        { "adamw", 0f, 0f, false, 0.05f, 0.5f },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_SeveralStepsWithMultipliersAndMask_MatchesTorch(string kind, float momentum, float dampening, bool nesterov, float weightDecay, float clip)
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given seeded parameters (the first masked, the second with lr_mult 2 and decay_mult 0) and gradients
        using var dir = new TempDirectory();
        float[] lrMult = [1f, 2f, 0.5f];
        float[] decayMult = [1f, 0f, 1f];
        var parameters = new List<TrainableParameter>();
        for (int i = 0; i < s_sizes.Length; i++)
        {
            float[] value = Tolerance.Random(s_sizes[i], 100 + i);
            Save(dir, $"p{i}", value);
            parameters.Add(new TrainableParameter($"p{i}", i == 1 ? ParameterKind.Bias : ParameterKind.Weight, value)
            {
                LearningRateMultiplier = lrMult[i],
                DecayMultiplier = decayMult[i],
            });
        }

        float[] mask = new float[s_sizes[0]];
        for (int j = 0; j < mask.Length; j++)
        {
            mask[j] = j % 3 == 1 ? 0f : 1f;
        }

        Save(dir, "mask0", mask);
        parameters[0].Mask = mask;
        Optimizer optimizer = kind == "sgd"
            ? new Sgd(momentum, weightDecay, dampening, nesterov)
            : new Adam(0.8f, 0.95f, 1e-6f, weightDecay, decoupledWeightDecay: kind == "adamw");

        // When both run the same steps
        var norms = new float[Steps];
        for (int s = 0; s < Steps; s++)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                float[] g = Tolerance.Random(s_sizes[i], 1000 + (10 * s) + i, 0.5f + s);
                Save(dir, $"g{s}_{i}", g);
                g.CopyTo(parameters[i].Gradient, 0);
            }

            if (clip > 0)
            {
                // The mask zeroes gradients inside Step; torch masks before clipping, so do the same here.
                for (int j = 0; j < mask.Length; j++)
                {
                    parameters[0].Gradient[j] *= mask[j];
                }

                norms[s] = GradientClipping.ClipByGlobalNorm(parameters, clip);
            }

            optimizer.Step(parameters, s_rates[s]);
        }

        string config = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["kind"] = kind,
            ["sizes"] = s_sizes,
            ["lrmult"] = lrMult,
            ["decmult"] = decayMult,
            ["rates"] = s_rates,
            ["momentum"] = momentum,
            ["dampening"] = dampening,
            ["nesterov"] = nesterov,
            ["wd"] = weightDecay,
            ["b1"] = 0.8f,
            ["b2"] = 0.95f,
            ["eps"] = 1e-6f,
            ["clip"] = clip,
        });
        Oracle.Python.Run(Script, dir.Path, config);

        // Then every parameter matches torch, and masked elements are exactly zero
        for (int i = 0; i < parameters.Count; i++)
        {
            float[] expected = NpyReader.Read(dir.Combine($"torch_p{i}.npy")).AsSpan<float>().ToArray();
            double e = Tolerance.RelativeMaxError(parameters[i].Value, expected);
            output.WriteLine($"{kind} p{i}: relative max error {e:E2}");
            e.ShouldBeLessThanOrEqualTo(Limit, $"p{i}");
        }

        for (int j = 0; j < mask.Length; j++)
        {
            if (mask[j] == 0f)
            {
                parameters[0].Value[j].ShouldBe(0f);
            }
        }

        if (clip > 0)
        {
            float[] expectedNorms = NpyReader.Read(dir.Combine("torch_norms.npy")).AsSpan<float>().ToArray();
            Tolerance.ShouldMatch(norms, expectedNorms, Limit, "norms");
        }
    }

    private static void Save(TempDirectory dir, string name, float[] values) =>
        NpyWriter.Write(dir.Combine(name + ".npy"), TensorData.Create(TensorShape.Of(values.Length), (float[])values.Clone()));
}
