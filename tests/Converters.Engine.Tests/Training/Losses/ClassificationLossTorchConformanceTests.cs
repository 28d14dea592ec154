using Converters.Engine.Training.Losses;
using Converters.Ir;
using Converters.Ir.Npy;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Engine.Tests.Training.Losses;

/// <summary>
/// Cross-entropy (with and without label smoothing) and Hinton distillation against torch 1.13
/// autograd in float64 (Debian's /usr/bin/python3): loss value and gradient with respect to the
/// (student) logits within relative max error 1e-5.
/// </summary>
public class ClassificationLossTorchConformanceTests(ITestOutputHelper output)
{
    private const double Limit = 1e-5;
    private const int Batch = 7;
    private const int Classes = 11;

    private const string Script = """
        import sys, numpy as np, torch, torch.nn.functional as F
        d, smoothing, alpha, T = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
        L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy')).double()
        s = L('student').requires_grad_(True)
        t = L('teacher')
        y = torch.from_numpy(np.load(f'{d}/labels.npy')).long()
        ce = F.cross_entropy(s, y, label_smoothing=smoothing)
        ce.backward()
        np.save(f'{d}/torch_ce.npy', np.array([ce.item()], dtype=np.float32))
        np.save(f'{d}/torch_ce_grad.npy', s.grad.float().numpy())
        s.grad = None
        kl = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction='batchmean')
        kd = alpha * F.cross_entropy(s, y) + (1 - alpha) * T * T * kl
        kd.backward()
        np.save(f'{d}/torch_kd.npy', np.array([kd.item(), kl.item()], dtype=np.float32))
        np.save(f'{d}/torch_kd_grad.npy', s.grad.float().numpy())
        """;

    [Theory]
    [InlineData(0f, 0.5f, 4f)]
    [InlineData(0.1f, 0.3f, 2f)]
    [InlineData(0.25f, 0f, 1f)]
    [InlineData(0f, 1f, 8f)]
    public void Compute_SeededLogits_MatchesTorchAutograd(float smoothing, float alpha, float temperature)
    {
        if (!Oracle.Python.Require(output, "numpy", "torch"))
        {
            return;
        }

        // Given seeded student and teacher logits of realistic spread, and labels
        using var dir = new TempDirectory();
        float[] student = Tolerance.Random(Batch * Classes, 71, 6f);
        float[] teacher = Tolerance.Random(Batch * Classes, 72, 9f);
        int[] labels = [.. Enumerable.Range(0, Batch).Select(n => ((n * 5) + 3) % Classes)];
        NpyWriter.Write(dir.Combine("student.npy"), TensorData.Create(TensorShape.Of(Batch, Classes), (float[])student.Clone()));
        NpyWriter.Write(dir.Combine("teacher.npy"), TensorData.Create(TensorShape.Of(Batch, Classes), (float[])teacher.Clone()));
        NpyWriter.Write(dir.Combine("labels.npy"), TensorData.Create(TensorShape.Of(Batch), labels.Select(l => (long)l).ToArray()));

        // When both compute the losses and gradients
        float[] ceGradient = new float[student.Length];
        bool[] correct = new bool[Batch];
        float ce = SoftmaxCrossEntropy.Compute(student, labels, Classes, smoothing, ceGradient, correct);
        float[] kdGradient = new float[student.Length];
        DistillationLossValue kd = DistillationLoss.Compute(student, teacher, labels, Classes, alpha, temperature, kdGradient);
        Oracle.Python.Run(Script, dir.Path, Arg(smoothing), Arg(alpha), Arg(temperature));

        // Then
        float[] torchCe = Read(dir, "torch_ce");
        float[] torchKd = Read(dir, "torch_kd");
        output.WriteLine($"ce ours {ce:G9} torch {torchCe[0]:G9}; kd ours {kd} torch total {torchKd[0]:G9} kl {torchKd[1]:G9}");
        Tolerance.ShouldMatch([ce], torchCe, Limit, "cross-entropy");
        Tolerance.ShouldMatch(ceGradient, Read(dir, "torch_ce_grad"), Limit, "cross-entropy gradient");
        Tolerance.ShouldMatch([kd.Total, kd.Divergence], torchKd, Limit, "distillation");
        Tolerance.ShouldMatch(kdGradient, Read(dir, "torch_kd_grad"), Limit, "distillation gradient");
        for (int n = 0; n < Batch; n++)
        {
            int argMax = Array.IndexOf(student, student.Skip(n * Classes).Take(Classes).Max(), n * Classes) - (n * Classes);
            correct[n].ShouldBe(argMax == labels[n]);
        }
    }

    private static string Arg(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static float[] Read(TempDirectory dir, string name) => NpyReader.Read(dir.Combine(name + ".npy")).AsSpan<float>().ToArray();
}
