using System.Runtime.InteropServices;
using Converters.Plugins.TensorFlow.Checkpoint;
using Google.Protobuf.Collections;
using Tensorflow;

namespace Converters.Plugins.TensorFlow.Writing;

/// <summary>
/// Turns a frozen GraphDef into a TF1 unfrozen one: every float <c>Const</c> of two or more elements (the weights;
/// shapes, axes and scalars stay constants) becomes a <c>VariableV2</c> of the same name (dtype, shape) read through
/// an <c>Identity</c> named <c>name/read</c>, and its value goes to the checkpoint under the variable's name.
/// </summary>
internal static class GraphDefUnfreezer
{
    public static List<CheckpointTensor> Unfreeze(GraphDef def)
    {
        var tensors = new List<CheckpointTensor>();
        var reads = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(def.Node.Select(n => n.Name), StringComparer.Ordinal);
        var nodes = new List<NodeDef>(def.Node.Count);
        foreach (NodeDef node in def.Node)
        {
            if (node.Op != "Const" || node.Attr["value"].Tensor is not { Dtype: DataType.DtFloat } value || ElementCount(value) < 2)
            {
                nodes.Add(node);
                continue;
            }

            long[] shape = [.. value.TensorShape.Dim.Select(d => d.Size)];
            byte[] data = value.TensorContent.IsEmpty ? Expand(value.FloatVal, ElementCount(value)) : value.TensorContent.ToByteArray();
            string read = node.Name + "/read";
            for (int k = 1; !names.Add(read); k++)
            {
                read = $"{node.Name}/read_{k}";
            }

            nodes.Add(new NodeDef
            {
                Name = node.Name,
                Op = "VariableV2",
                Attr =
                {
                    ["dtype"] = TfAttr.Float(),
                    ["shape"] = TfAttr.Shape(shape),
                    ["container"] = TfAttr.Str(string.Empty),
                    ["shared_name"] = TfAttr.Str(string.Empty),
                },
            });
            nodes.Add(new NodeDef { Name = read, Op = "Identity", Input = { node.Name }, Attr = { ["T"] = TfAttr.Float() } });
            reads[node.Name] = read;
            tensors.Add(new CheckpointTensor(node.Name, DataType.DtFloat, shape, data));
        }

        foreach (NodeDef node in nodes)
        {
            if (node.Op == "Identity" && reads.TryGetValue(node.Input[0], out string? own) && own == node.Name)
            {
                continue;
            }

            for (int i = 0; i < node.Input.Count; i++)
            {
                if (reads.TryGetValue(node.Input[i], out string? read))
                {
                    node.Input[i] = read;
                }
            }
        }

        def.Node.Clear();
        def.Node.AddRange(nodes);
        return tensors;
    }

    private static long ElementCount(TensorProto tensor) => tensor.TensorShape.Dim.Aggregate(1L, (a, d) => a * d.Size);

    /// <summary>A float_val list as count little-endian floats (a short list repeats its last value).</summary>
    private static byte[] Expand(RepeatedField<float> values, long count)
    {
        float[] all = new float[count];
        for (long i = 0; i < count; i++)
        {
            all[i] = values[(int)Math.Min(i, values.Count - 1)];
        }

        return MemoryMarshal.AsBytes(all.AsSpan()).ToArray();
    }
}
