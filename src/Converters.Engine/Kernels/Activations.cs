using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Converters.Engine.Kernels;

/// <summary>
/// Element-wise activations the IR defines. TensorPrimitives does the work where it has the
/// operation; the rest are short <see cref="Vector{T}"/> loops with scalar tails.
/// Every method takes spans in and the destination last, which may be the input itself.
/// </summary>
public static class Activations
{
    /// <summary>Darknet's softplus threshold: above it softplus(x) = x, below -threshold it is exp(x).</summary>
    public const float SoftplusThreshold = 20f;

    /// <summary>max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> destination) => TensorPrimitives.Max(x, 0f, destination);

    /// <summary>x if x &gt; 0 else alpha * x.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, float alpha, Span<float> destination)
    {
        Check(x, destination);
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var a = new Vector<float>(alpha);
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> dv = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int v = 0; v < xv.Length; v++)
            {
                Vector<float> t = xv[v];
                dv[v] = Vector.ConditionalSelect(Vector.GreaterThan(t, Vector<float>.Zero), t, t * a);
            }

            i = xv.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            float t = x[i];
            destination[i] = t > 0 ? t : alpha * t;
        }
    }

    /// <summary>1 / (1 + exp(-x)).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (!x.IsEmpty)
        {
            TensorPrimitives.Sigmoid(x, destination);
        }
    }

    /// <summary>tanh(x).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination) => TensorPrimitives.Tanh(x, destination);

    /// <summary>x * sigmoid(x).</summary>
    public static void Swish(ReadOnlySpan<float> x, Span<float> destination)
    {
        Check(x, destination);
        if (x.Overlaps(destination))
        {
            for (int i = 0; i < x.Length; i++)
            {
                float t = x[i];
                destination[i] = t / (1f + MathF.Exp(-t));
            }

            return;
        }

        Sigmoid(x, destination);
        TensorPrimitives.Multiply(x, destination, destination);
    }

    /// <summary>x * tanh(softplus(x)) with Darknet's softplus (threshold 20).</summary>
    public static void Mish(ReadOnlySpan<float> x, Span<float> destination)
    {
        Check(x, destination);
        for (int i = 0; i < x.Length; i++)
        {
            float t = x[i];
            float sp = t > SoftplusThreshold ? t : t < -SoftplusThreshold ? MathF.Exp(t) : MathF.Log(MathF.Exp(t) + 1f);
            destination[i] = t * MathF.Tanh(sp);
        }
    }

    /// <summary>min(max(x, 0), 6).</summary>
    public static void Relu6(ReadOnlySpan<float> x, Span<float> destination)
    {
        TensorPrimitives.Max(x, 0f, destination);
        TensorPrimitives.Min(destination, 6f, destination);
    }

    /// <summary>max(0, min(1, alpha * x + beta)).</summary>
    public static void HardSigmoid(ReadOnlySpan<float> x, float alpha, float beta, Span<float> destination)
    {
        ScalarAffine(x, alpha, beta, destination);
        TensorPrimitives.Max(destination, 0f, destination);
        TensorPrimitives.Min(destination, 1f, destination);
    }

    /// <summary>x if x &gt; 0 else alpha * (exp(x) - 1).</summary>
    public static void Elu(ReadOnlySpan<float> x, float alpha, Span<float> destination)
    {
        Check(x, destination);
        for (int i = 0; i < x.Length; i++)
        {
            float t = x[i];
            destination[i] = t > 0 ? t : alpha * (MathF.Exp(t) - 1f);
        }
    }

    /// <summary>(shift + scale * x) ^ power (Caffe Power).</summary>
    public static void Power(ReadOnlySpan<float> x, float power, float scale, float shift, Span<float> destination)
    {
        ScalarAffine(x, scale, shift, destination);
        if (power == 1f)
        {
            return;
        }

        if (power == 2f)
        {
            TensorPrimitives.Multiply(destination, destination, destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = MathF.Pow(destination[i], power);
        }
    }

    /// <summary>x if x &gt; 0 else slope * x, over one channel plane.</summary>
    public static void PRelu(ReadOnlySpan<float> x, float slope, Span<float> destination) => LeakyRelu(x, slope, destination);

    /// <summary>a * x + b with scalar a and b.</summary>
    public static void ScalarAffine(ReadOnlySpan<float> x, float a, float b, Span<float> destination)
    {
        Check(x, destination);
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var av = new Vector<float>(a);
            var bv = new Vector<float>(b);
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> dv = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int v = 0; v < xv.Length; v++)
            {
                dv[v] = (xv[v] * av) + bv;
            }

            i = xv.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            destination[i] = (x[i] * a) + b;
        }
    }

    private static void Check(ReadOnlySpan<float> x, Span<float> destination)
    {
        if (destination.Length < x.Length)
        {
            ThrowHelper.Argument(nameof(destination), "is shorter than the input");
        }
    }
}
