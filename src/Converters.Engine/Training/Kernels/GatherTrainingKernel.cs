using Converters.Engine.Execution;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// The one-input, one-output data-movement ops without a simpler adjoint (Slice, Transpose, Pad,
/// Reorg, SpaceToDepth, DepthToSpace): every output element is a copy of one input element or a
/// constant. The forward is the inference kernel; at construction that same kernel is run on encoded
/// element indices to learn where each output element comes from, so the backward — dx[source(j)] +=
/// dy[j] — is the exact adjoint of the forward that runs, including Darknet's reorg order and
/// edge/reflect padding. Indices are encoded as two exact float passes of the 12 low and the
/// remaining high bits, plus a third pass that tells constant padding apart.
/// </summary>
internal sealed class GatherTrainingKernel : ReusedForwardKernel
{
    private const int LowBits = 12;

    /// <summary>Per output element: the input element it copies, or −1 for a constant.</summary>
    private readonly int[] _sources;

    public GatherTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        int inputs = checked((int)c.InputShape(0).ElementCount);
        int outputs = checked((int)c.OutputShape(0).ElementCount);
        OpKernel kernel = KernelFactory.Create(c.Inference);
        var values = new float[Math.Max(InputIds[0], OutputIds[0]) + 1][];
        var passes = new float[3][];
        for (int pass = 0; pass < 3; pass++)
        {
            var encoded = new float[inputs];
            for (int e = 0; e < inputs; e++)
            {
                encoded[e] = pass switch
                {
                    0 => (e & ((1 << LowBits) - 1)) + 1,
                    1 => (e >> LowBits) + 1,
                    _ => (e & ((1 << LowBits) - 1)) + 2,
                };
            }

            values[InputIds[0]] = encoded;
            values[OutputIds[0]] = passes[pass] = new float[Math.Max(1, outputs)];
            kernel.Run(values);
        }

        _sources = new int[outputs];
        for (int j = 0; j < outputs; j++)
        {
            float low = passes[0][j], high = passes[1][j];
            _sources[j] = passes[2][j] == low ? -1 : (((int)high - 1) << LowBits) | ((int)low - 1);
        }
    }

    /// <inheritdoc/>
    public override void Backward(TrainingState state)
    {
        if (InputGradient(state, InputIds[0]) is not float[] dx)
        {
            return;
        }

        float[] dy = state.Gradients[OutputIds[0]]!;
        int[] sources = _sources;
        for (int j = 0; j < sources.Length; j++)
        {
            int s = sources[j];
            if (s >= 0)
            {
                dx[s] += dy[j];
            }
        }
    }
}
