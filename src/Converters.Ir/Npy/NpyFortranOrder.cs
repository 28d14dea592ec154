using System.Runtime.InteropServices;

namespace Converters.Ir.Npy;

/// <summary>
/// Turns data stored in Fortran (column-major) order into the IR's C (row-major) order. Fortran
/// order of shape <c>(d0, …, dn)</c> is C order of the reversed shape <c>(dn, …, d0)</c>, so the
/// conversion reverses the axes.
/// </summary>
internal static class NpyFortranOrder
{
    /// <summary>
    /// Returns a tensor of <paramref name="shape"/> in C order from <paramref name="reversed"/>,
    /// whose shape is <paramref name="shape"/> reversed and whose storage holds the Fortran-order
    /// bytes.
    /// </summary>
    public static TensorData ToCOrder(TensorData reversed, TensorShape shape)
    {
        TensorData result = TensorData.Zeros(reversed.DataType, shape);
        if (result.ElementCount == 0)
        {
            return result;
        }

        int[] dims = [.. shape.Dimensions];
        Span<byte> source = reversed.AsBytes();
        Span<byte> destination = result.AsBytes();
        switch (DataTypeInfo.SizeOf(reversed.DataType))
        {
            case 1:
                ReverseAxes<byte>(source, destination, dims);
                break;
            case 2:
                ReverseAxes(MemoryMarshal.Cast<byte, ushort>(source), MemoryMarshal.Cast<byte, ushort>(destination), dims);
                break;
            case 4:
                ReverseAxes(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<byte, uint>(destination), dims);
                break;
            default:
                ReverseAxes(MemoryMarshal.Cast<byte, ulong>(source), MemoryMarshal.Cast<byte, ulong>(destination), dims);
                break;
        }

        return result;
    }

    private static void ReverseAxes<T>(ReadOnlySpan<T> source, Span<T> destination, int[] dims)
        where T : unmanaged
    {
        int rank = dims.Length;

        // The Fortran stride of axis j is the product of the dimensions before it.
        long[] stride = new long[rank];
        long s = 1;
        for (int j = 0; j < rank; j++)
        {
            stride[j] = s;
            s *= dims[j];
        }

        int[] index = new int[rank];
        int inner = dims[rank - 1];
        long innerStride = stride[rank - 1];
        long rowStart = 0;
        int d = 0;
        while (true)
        {
            long o = rowStart;
            for (int k = 0; k < inner; k++, o += innerStride)
            {
                destination[d++] = source[(int)o];
            }

            int axis = rank - 2;
            while (axis >= 0)
            {
                index[axis]++;
                rowStart += stride[axis];
                if (index[axis] < dims[axis])
                {
                    break;
                }

                rowStart -= stride[axis] * dims[axis];
                index[axis] = 0;
                axis--;
            }

            if (axis < 0)
            {
                return;
            }
        }
    }
}
