using System.Numerics.Tensors;
using Converters.Ir;

namespace Converters.Engine.Training.Kernels;

/// <summary>
/// Gemm in training: Y = alpha op(A) op(B) + beta C (C broadcast to M x N). Backward:
/// dA = alpha dY op(B)^T, dB = alpha op(A)^T dY (each transposed back when the operand is), dC = beta
/// dY summed over the axes C is broadcast along.
/// </summary>
internal sealed class GemmTrainingKernel : TrainingKernel
{
    private readonly bool _transA;
    private readonly bool _transB;
    private readonly float _alpha;
    private readonly float _beta;
    private readonly int _m;
    private readonly int _n;
    private readonly int _k;
    private readonly int _lda;
    private readonly int _ldb;
    private readonly int _biasRows;
    private readonly int _biasCols;
    private readonly float[] _scratch;
    private readonly float[]? _scaled;

    public GemmTrainingKernel(TrainingNodeContext c)
        : base(c)
    {
        TensorShape a = c.InputShape(0), b = c.InputShape(1), y = c.OutputShape(0);
        _transA = c.Int("transA") != 0;
        _transB = c.Int("transB") != 0;
        _alpha = c.Float("alpha");
        _beta = c.Float("beta");
        _m = y[0];
        _n = y[1];
        _k = _transA ? a[0] : a[1];
        _lda = a[1];
        _ldb = b[1];
        if (c.HasInput(2))
        {
            TensorShape bias = c.InputShape(2);
            (_biasRows, _biasCols) = bias.Rank switch
            {
                0 => (1, 1),
                1 => (1, bias[0]),
                _ => (bias[0], bias[1]),
            };
        }

        _scratch = new float[new[] { TrainingGemm.ScratchSize(_m, _k), TrainingGemm.ScratchSize(_m, _n), TrainingGemm.ScratchSize(_k, _n), TrainingGemm.ScratchSize(_k, _m), TrainingGemm.ScratchSize(_n, _m) }.Max()];
        _scaled = _alpha == 1f ? null : new float[(long)_m * _n];
    }

    public override void Forward(TrainingState state)
    {
        float[] a = state.Values[InputIds[0]], b = state.Values[InputIds[1]], y = state.Values[OutputIds[0]];
        Span<float> ys = y.AsSpan(0, _m * _n);
        TrainingGemm.Multiply(a, _lda, _transA, b, _ldb, _transB, ys, _n, _m, _n, _k, false, state.MaxThreads, _scratch);
        if (_alpha != 1f)
        {
            TensorPrimitives.Multiply(ys, _alpha, ys);
        }

        if (InputIds.Length > 2 && InputIds[2] >= 0 && _beta != 0f)
        {
            float[] bias = state.Values[InputIds[2]];
            for (int i = 0; i < _m; i++)
            {
                Span<float> row = ys.Slice(i * _n, _n);
                int bi = _biasRows == 1 ? 0 : i;
                if (_biasCols == 1)
                {
                    TensorPrimitives.Add(row, _beta * bias[bi], row);
                }
                else
                {
                    TensorPrimitives.MultiplyAdd(bias.AsSpan(bi * _biasCols, _n), _beta, row, row);
                }
            }
        }
    }

    public override void Backward(TrainingState state)
    {
        float[] g = state.Gradients[OutputIds[0]]!;
        float[] a = state.Values[InputIds[0]], b = state.Values[InputIds[1]];
        ReadOnlySpan<float> dy = g.AsSpan(0, _m * _n);
        if (_scaled is not null)
        {
            TensorPrimitives.Multiply(dy, _alpha, _scaled);
            dy = _scaled;
        }

        int threads = state.MaxThreads;
        if (InputGradient(state, InputIds[0]) is float[] da)
        {
            if (!_transA)
            {
                // dA (M x K) += dY (M x N) op(B)^T (N x K); op(B)^T (j, p) = tb ? B[j, p] : B[p, j].
                TrainingGemm.Multiply(dy, _n, false, b, _ldb, !_transB, da, _k, _m, _k, _n, true, threads, _scratch);
            }
            else
            {
                // A is K x M: dA += op(B) (K x N) dY^T (N x M).
                TrainingGemm.Multiply(b, _ldb, _transB, dy, _n, true, da, _m, _k, _m, _n, true, threads, _scratch);
            }
        }

        if (InputGradient(state, InputIds[1]) is float[] db)
        {
            if (!_transB)
            {
                // B is K x N: dB += op(A)^T (K x M) dY (M x N).
                TrainingGemm.Multiply(a, _lda, !_transA, dy, _n, false, db, _n, _k, _n, _m, true, threads, _scratch);
            }
            else
            {
                // B is N x K: dB += dY^T (N x M) op(A) (M x K).
                TrainingGemm.Multiply(dy, _n, true, a, _lda, _transA, db, _k, _n, _k, _m, true, threads, _scratch);
            }
        }

        if (InputIds.Length > 2 && InputGradient(state, InputIds[2]) is float[] dc)
        {
            for (int i = 0; i < _m; i++)
            {
                ReadOnlySpan<float> row = g.AsSpan(i * _n, _n);
                int bi = _biasRows == 1 ? 0 : i;
                if (_biasCols == 1)
                {
                    dc[bi] += _beta * TensorPrimitives.Sum(row);
                }
                else
                {
                    Span<float> target = dc.AsSpan(bi * _biasCols, _n);
                    TensorPrimitives.MultiplyAdd(row, _beta, target, target);
                }
            }
        }
    }
}
