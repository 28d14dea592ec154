using System.Collections.Immutable;

namespace Converters.Ir.Schemas;

public static partial class StandardOps
{
    private static IEnumerable<OpSchema> TensorOps()
    {
        yield return new OpSchema("Concat")
        {
            Summary = "Joins inputs along axis (Darknet [route] of several layers, Caffe Concat, TF ConcatV2).",
            Inputs = [new("X", Variadic: true)],
            Attributes = [AttributeSpec.Optional("axis", 1L, "The axis to join along; negative counts from the end.")],
            InferShapes = InferConcat,
        };

        yield return new OpSchema("Slice")
        {
            Summary = "Takes [start, end) with step along each listed axis; indices clamp and negatives count from the end (Darknet route groups).",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Required("axes", AttributeKind.Ints, "The axes sliced."),
                AttributeSpec.Required("starts", AttributeKind.Ints, "Start per axis."),
                AttributeSpec.Required("ends", AttributeKind.Ints, "End (exclusive) per axis."),
                AttributeSpec.OptionalNoDefault("steps", AttributeKind.Ints, "Positive step per axis; 1 when absent."),
            ],
            InferShapes = InferSlice,
        };

        yield return new OpSchema("Split")
        {
            Summary = "Splits along axis into the outputs, by the sizes in 'split' or equally (Caffe Slice, TF Split).",
            Inputs = [new("X")],
            MaxOutputs = int.MaxValue,
            Attributes =
            [
                AttributeSpec.Optional("axis", 1L, "The axis split."),
                AttributeSpec.OptionalNoDefault("split", AttributeKind.Ints, "Size of each output; equal parts when absent."),
            ],
            InferShapes = InferSplit,
        };

        yield return new OpSchema("Flatten")
        {
            Summary = "Reshapes to 2-D: the product of dims before axis by the product from axis on (row-major, so C-major for NCHW).",
            Inputs = [new("X")],
            Attributes = [AttributeSpec.Optional("axis", 1L, "The first axis of the second dimension.")],
            InferShapes = c =>
            {
                TensorShape x = c.InputShape(0);
                long axis = c.GetInt("axis");
                long a = axis < 0 ? axis + x.Rank : axis;
                if (a < 0 || a > x.Rank)
                {
                    throw c.FailAttribute("axis", $"is out of range for rank {x.Rank}");
                }

                long outer = 1;
                for (int i = 0; i < a; i++)
                {
                    outer *= x[i];
                }

                c.SetOutput(0, TensorShape.Of(checked((int)outer), checked((int)(x.ElementCount / Math.Max(outer, 1)))));
            },
        };

        yield return new OpSchema("Reshape")
        {
            Summary = "Row-major reshape to 'shape'; 0 copies the input dimension, -1 is inferred (at most one).",
            Inputs = [new("X")],
            Attributes = [AttributeSpec.Required("shape", AttributeKind.Ints, "The target shape.")],
            InferShapes = InferReshape,
        };

        yield return new OpSchema("Transpose")
        {
            Summary = "Permutes the axes (Caffe Permute, TF Transpose).",
            Inputs = [new("X")],
            Attributes = [AttributeSpec.OptionalNoDefault("perm", AttributeKind.Ints, "Output axis i is input axis perm[i]; reversed when absent.")],
            InferShapes = c =>
            {
                TensorShape x = c.InputShape(0);
                long[] perm = c.HasAttribute("perm") ? [.. c.GetInts("perm")] : [.. Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i)];
                if (perm.Length != x.Rank || perm.Distinct().Count() != x.Rank || perm.Any(p => p < 0 || p >= x.Rank))
                {
                    throw c.FailAttribute("perm", $"must be a permutation of 0..{x.Rank - 1}");
                }

                c.SetOutput(0, new TensorShape(perm.Select(p => x[(int)p])));
            },
        };

        yield return new OpSchema("Pad")
        {
            Summary = "Pads each axis (TF Pad, explicit padding layers).",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Required("pads", AttributeKind.Ints, "Begins for every axis, then ends for every axis (2 x rank values, non-negative)."),
                AttributeSpec.Optional("mode", "constant", "'constant', 'reflect' or 'edge'."),
                AttributeSpec.Optional("value", 0.0, "The fill value for 'constant'."),
            ],
            InferShapes = c =>
            {
                TensorShape x = c.InputShape(0);
                ImmutableArray<long> pads = c.GetInts("pads");
                if (pads.Length != 2 * x.Rank)
                {
                    throw c.FailAttribute("pads", $"must have {2 * x.Rank} values (2 x rank), got {pads.Length}");
                }

                if (pads.Any(p => p < 0))
                {
                    throw c.FailAttribute("pads", "must not be negative");
                }

                if (c.GetString("mode") is not ("constant" or "reflect" or "edge"))
                {
                    throw c.FailAttribute("mode", "must be 'constant', 'reflect' or 'edge'");
                }

                c.SetOutput(0, new TensorShape(Enumerable.Range(0, x.Rank).Select(i => checked((int)(x[i] + pads[i] + pads[i + x.Rank])))));
            },
        };

        yield return new OpSchema("Upsample")
        {
            Summary = "Nearest-neighbour upsampling by integer factors (Darknet [upsample], TF ResizeNearestNeighbor at integer scale).",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Required("scales", AttributeKind.Ints, "Factor (height, width), each at least 1."),
                AttributeSpec.Optional("mode", "nearest", "Only 'nearest'."),
            ],
            InferShapes = c =>
            {
                TensorShape x = RequireRank(c, 0, 4, "NCHW");
                (int sh, int sw) = PositivePair(c, "scales");
                if (c.GetString("mode") != "nearest")
                {
                    throw c.FailAttribute("mode", "must be 'nearest'");
                }

                c.SetOutput(0, TensorShape.Of(x[0], x[1], checked(x[2] * sh), checked(x[3] * sw)));
            },
        };

        yield return new OpSchema("Reorg")
        {
            Summary = "Darknet [reorg] in Darknet's own element order (not TF's SpaceToDepth): C*s^2 x H/s x W/s, or the reverse.",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Optional("stride", 2L, "Block size s."),
                AttributeSpec.Optional("reverse", 0L, "1: the inverse mapping (C/s^2 x H*s x W*s)."),
            ],
            InferShapes = c =>
            {
                TensorShape x = RequireRank(c, 0, 4, "NCHW");
                int s = BlockSize(c, "stride");
                if (c.GetInt("reverse") != 0)
                {
                    if (x[1] % (s * s) != 0)
                    {
                        throw c.FailAttribute("stride", $"squared does not divide channels {x[1]}");
                    }

                    c.SetOutput(0, TensorShape.Of(x[0], x[1] / (s * s), x[2] * s, x[3] * s));
                    return;
                }

                RequireDivisible(c, x, s, "stride");
                c.SetOutput(0, TensorShape.Of(x[0], x[1] * s * s, x[2] / s, x[3] / s));
            },
        };

        yield return new OpSchema("SpaceToDepth")
        {
            Summary = "TF SpaceToDepth order: output channel (by * b + bx) * C + c.",
            Inputs = [new("X")],
            Attributes = [AttributeSpec.Required("blocksize", AttributeKind.Int, "Block size b.")],
            InferShapes = c =>
            {
                TensorShape x = RequireRank(c, 0, 4, "NCHW");
                int b = BlockSize(c, "blocksize");
                RequireDivisible(c, x, b, "blocksize");
                c.SetOutput(0, TensorShape.Of(x[0], x[1] * b * b, x[2] / b, x[3] / b));
            },
        };

        yield return new OpSchema("DepthToSpace")
        {
            Summary = "Inverse of SpaceToDepth; mode 'DCR' (TF order) or 'CRD'.",
            Inputs = [new("X")],
            Attributes =
            [
                AttributeSpec.Required("blocksize", AttributeKind.Int, "Block size b."),
                AttributeSpec.Optional("mode", "DCR", "'DCR' (depth-column-row, TF) or 'CRD'."),
            ],
            InferShapes = c =>
            {
                TensorShape x = RequireRank(c, 0, 4, "NCHW");
                int b = BlockSize(c, "blocksize");
                if (x[1] % (b * b) != 0)
                {
                    throw c.FailAttribute("blocksize", $"squared does not divide channels {x[1]}");
                }

                if (c.GetString("mode") is not ("DCR" or "CRD"))
                {
                    throw c.FailAttribute("mode", "must be 'DCR' or 'CRD'");
                }

                c.SetOutput(0, TensorShape.Of(x[0], x[1] / (b * b), x[2] * b, x[3] * b));
            },
        };
    }

    private static int BlockSize(InferenceContext c, string name)
    {
        long s = c.GetInt(name);
        if (s <= 0 || s > 1024)
        {
            throw c.FailAttribute(name, "must be between 1 and 1024");
        }

        return (int)s;
    }

    private static void RequireDivisible(InferenceContext c, TensorShape x, int s, string name)
    {
        if (x[2] % s != 0 || x[3] % s != 0)
        {
            throw c.FailAttribute(name, $"does not divide the input height and width {x[2]}x{x[3]}");
        }
    }

    private static void InferConcat(InferenceContext c)
    {
        TensorShape first = c.InputShape(0);
        int axis = Axis(c, "axis", c.GetInt("axis"), first.Rank);
        long total = 0;
        for (int i = 0; i < c.InputCount; i++)
        {
            TensorShape s = c.InputShape(i);
            if (s.Rank != first.Rank)
            {
                throw c.Fail($"input {i} has rank {s.Rank}, input 0 has rank {first.Rank}");
            }

            for (int d = 0; d < s.Rank; d++)
            {
                if (d != axis && s[d] != first[d])
                {
                    throw c.Fail($"input {i} has shape {s}, which differs from input 0 ({first}) off axis {axis}");
                }
            }

            total += s[axis];
        }

        c.SetOutput(0, first.With(axis, checked((int)total)));
    }

    private static void InferSlice(InferenceContext c)
    {
        TensorShape x = c.InputShape(0);
        ImmutableArray<long> axes = c.GetInts("axes");
        ImmutableArray<long> starts = c.GetInts("starts");
        ImmutableArray<long> ends = c.GetInts("ends");
        ImmutableArray<long> steps = c.HasAttribute("steps") ? c.GetInts("steps") : [.. Enumerable.Repeat(1L, axes.Length)];
        if (starts.Length != axes.Length)
        {
            throw c.FailAttribute("starts", $"must have one value per axis ({axes.Length})");
        }

        if (ends.Length != axes.Length)
        {
            throw c.FailAttribute("ends", $"must have one value per axis ({axes.Length})");
        }

        if (steps.Length != axes.Length || steps.Any(s => s <= 0))
        {
            throw c.FailAttribute("steps", $"must have one positive value per axis ({axes.Length})");
        }

        var dims = x.Dimensions.ToArray();
        var seen = new HashSet<int>();
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = Axis(c, "axes", axes[i], x.Rank);
            if (!seen.Add(axis))
            {
                throw c.FailAttribute("axes", $"lists axis {axis} twice");
            }

            long n = x[axis];
            long start = Math.Clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, n);
            long end = Math.Clamp(ends[i] < 0 ? ends[i] + n : ends[i], 0, n);
            dims[axis] = end <= start ? 0 : (int)((end - start + steps[i] - 1) / steps[i]);
            if (dims[axis] == 0)
            {
                throw c.FailAttribute("starts", $"and ends select nothing on axis {axis} (size {n})");
            }
        }

        c.SetOutput(0, new TensorShape(dims));
    }

    private static void InferSplit(InferenceContext c)
    {
        TensorShape x = c.InputShape(0);
        int axis = Axis(c, "axis", c.GetInt("axis"), x.Rank);
        long[] sizes;
        if (c.HasAttribute("split"))
        {
            sizes = [.. c.GetInts("split")];
            if (sizes.Length != c.OutputCount)
            {
                throw c.FailAttribute("split", $"has {sizes.Length} sizes for {c.OutputCount} outputs");
            }

            if (sizes.Any(s => s <= 0) || sizes.Sum() != x[axis])
            {
                throw c.FailAttribute("split", $"must be positive sizes adding up to {x[axis]} (axis {axis})");
            }
        }
        else
        {
            if (x[axis] % c.OutputCount != 0)
            {
                throw c.Fail($"axis {axis} of size {x[axis]} does not split into {c.OutputCount} equal parts");
            }

            sizes = [.. Enumerable.Repeat((long)(x[axis] / c.OutputCount), c.OutputCount)];
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            c.SetOutput(i, x.With(axis, (int)sizes[i]));
        }
    }

    private static void InferReshape(InferenceContext c)
    {
        TensorShape x = c.InputShape(0);
        ImmutableArray<long> target = c.GetInts("shape");
        var dims = new long[target.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            long d = target[i];
            if (d == 0)
            {
                if (i >= x.Rank)
                {
                    throw c.FailAttribute("shape", $"copies dimension {i} (0) but the input has rank {x.Rank}");
                }

                d = x[i];
            }
            else if (d == -1)
            {
                if (inferred >= 0)
                {
                    throw c.FailAttribute("shape", "has more than one -1");
                }

                inferred = i;
                continue;
            }
            else if (d < 0)
            {
                throw c.FailAttribute("shape", "has a negative dimension other than -1");
            }

            dims[i] = d;
            known = checked(known * d);
        }

        if (inferred >= 0)
        {
            if (known == 0 || x.ElementCount % known != 0)
            {
                throw c.FailAttribute("shape", $"cannot hold the {x.ElementCount} elements of {x}");
            }

            dims[inferred] = x.ElementCount / known;
        }
        else if (known != x.ElementCount)
        {
            throw c.FailAttribute("shape", $"holds {known} elements, the input {x} holds {x.ElementCount}");
        }

        c.SetOutput(0, new TensorShape(dims.Select(d => checked((int)d))));
    }
}
