using Google.Protobuf;

namespace Converters.Plugins.TensorFlow.Tests.Conformance;

/// <summary>
/// A small Caffe ResNet written by hand: conv-BatchNorm-Scale-ReLU blocks, Eltwise SUM shortcuts (one identity, one
/// projection with a stride-2 3x3 conv), a ceil-mode max pool, an average pool, InnerProduct over a 2x2 map and
/// Softmax. The <c>.caffemodel</c> is encoded field by field from caffe.proto's numbers
/// (NetParameter.layer = 100; LayerParameter name = 1, type = 2, blobs = 7; BlobProto data = 5, shape = 7; BlobShape dim = 1).
/// </summary>
internal static class CaffeResNet
{
    public const string Prototxt = """
        name: "tiny_resnet"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 32 dim: 32 } } }
        layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 8 kernel_size: 3 stride: 2 pad: 1 bias_term: false } }
        layer { name: "bn_conv1" type: "BatchNorm" bottom: "conv1" top: "conv1" batch_norm_param { use_global_stats: true } }
        layer { name: "scale_conv1" type: "Scale" bottom: "conv1" top: "conv1" scale_param { bias_term: true } }
        layer { name: "conv1_relu" type: "ReLU" bottom: "conv1" top: "conv1" }
        layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
        layer { name: "res2a_branch2a" type: "Convolution" bottom: "pool1" top: "res2a_branch2a" convolution_param { num_output: 8 kernel_size: 3 pad: 1 bias_term: false } }
        layer { name: "bn2a_branch2a" type: "BatchNorm" bottom: "res2a_branch2a" top: "res2a_branch2a" batch_norm_param { use_global_stats: true } }
        layer { name: "scale2a_branch2a" type: "Scale" bottom: "res2a_branch2a" top: "res2a_branch2a" scale_param { bias_term: true } }
        layer { name: "res2a_branch2a_relu" type: "ReLU" bottom: "res2a_branch2a" top: "res2a_branch2a" }
        layer { name: "res2a_branch2b" type: "Convolution" bottom: "res2a_branch2a" top: "res2a_branch2b" convolution_param { num_output: 8 kernel_size: 3 pad: 1 bias_term: false } }
        layer { name: "bn2a_branch2b" type: "BatchNorm" bottom: "res2a_branch2b" top: "res2a_branch2b" batch_norm_param { use_global_stats: true } }
        layer { name: "scale2a_branch2b" type: "Scale" bottom: "res2a_branch2b" top: "res2a_branch2b" scale_param { bias_term: true } }
        layer { name: "res2a" type: "Eltwise" bottom: "pool1" bottom: "res2a_branch2b" top: "res2a" eltwise_param { operation: SUM } }
        layer { name: "res2a_relu" type: "ReLU" bottom: "res2a" top: "res2a" }
        layer { name: "res3a_branch1" type: "Convolution" bottom: "res2a" top: "res3a_branch1" convolution_param { num_output: 16 kernel_size: 1 stride: 2 bias_term: false } }
        layer { name: "bn3a_branch1" type: "BatchNorm" bottom: "res3a_branch1" top: "res3a_branch1" batch_norm_param { use_global_stats: true } }
        layer { name: "scale3a_branch1" type: "Scale" bottom: "res3a_branch1" top: "res3a_branch1" scale_param { bias_term: true } }
        layer { name: "res3a_branch2a" type: "Convolution" bottom: "res2a" top: "res3a_branch2a" convolution_param { num_output: 16 kernel_size: 3 stride: 2 pad: 1 bias_term: false } }
        layer { name: "bn3a_branch2a" type: "BatchNorm" bottom: "res3a_branch2a" top: "res3a_branch2a" batch_norm_param { use_global_stats: true } }
        layer { name: "scale3a_branch2a" type: "Scale" bottom: "res3a_branch2a" top: "res3a_branch2a" scale_param { bias_term: true } }
        layer { name: "res3a_branch2a_relu" type: "ReLU" bottom: "res3a_branch2a" top: "res3a_branch2a" }
        layer { name: "res3a_branch2b" type: "Convolution" bottom: "res3a_branch2a" top: "res3a_branch2b" convolution_param { num_output: 16 kernel_size: 3 pad: 1 bias_term: false } }
        layer { name: "bn3a_branch2b" type: "BatchNorm" bottom: "res3a_branch2b" top: "res3a_branch2b" batch_norm_param { use_global_stats: true } }
        layer { name: "scale3a_branch2b" type: "Scale" bottom: "res3a_branch2b" top: "res3a_branch2b" scale_param { bias_term: true } }
        layer { name: "res3a" type: "Eltwise" bottom: "res3a_branch1" bottom: "res3a_branch2b" top: "res3a" eltwise_param { operation: SUM } }
        layer { name: "res3a_relu" type: "ReLU" bottom: "res3a" top: "res3a" }
        layer { name: "pool5" type: "Pooling" bottom: "res3a" top: "pool5" pooling_param { pool: AVE kernel_size: 2 stride: 2 } }
        layer { name: "fc10" type: "InnerProduct" bottom: "pool5" top: "fc10" inner_product_param { num_output: 10 } }
        layer { name: "prob" type: "Softmax" bottom: "fc10" top: "prob" }

        """;

    /// <summary>(layer, blob shapes) in prototxt order; BatchNorm blobs are mean, variance, scale factor.</summary>
    private static readonly (string Layer, string Kind, int[][] Shapes)[] s_blobs =
    [
        ("conv1", "conv", [[8, 3, 3, 3]]), ("bn_conv1", "bn", [[8], [8], [1]]), ("scale_conv1", "scale", [[8], [8]]),
        ("res2a_branch2a", "conv", [[8, 8, 3, 3]]), ("bn2a_branch2a", "bn", [[8], [8], [1]]), ("scale2a_branch2a", "scale", [[8], [8]]),
        ("res2a_branch2b", "conv", [[8, 8, 3, 3]]), ("bn2a_branch2b", "bn", [[8], [8], [1]]), ("scale2a_branch2b", "scale", [[8], [8]]),
        ("res3a_branch1", "conv", [[16, 8, 1, 1]]), ("bn3a_branch1", "bn", [[16], [16], [1]]), ("scale3a_branch1", "scale", [[16], [16]]),
        ("res3a_branch2a", "conv", [[16, 8, 3, 3]]), ("bn3a_branch2a", "bn", [[16], [16], [1]]), ("scale3a_branch2a", "scale", [[16], [16]]),
        ("res3a_branch2b", "conv", [[16, 16, 3, 3]]), ("bn3a_branch2b", "bn", [[16], [16], [1]]), ("scale3a_branch2b", "scale", [[16], [16]]),
        ("fc10", "fc", [[10, 64], [10]]),
    ];

    /// <summary>The binary NetParameter with seeded blobs: conv weights ±sqrt(3 / fan-in), BN variance in [0.5, 1.5), scale factor 1.</summary>
    public static byte[] Caffemodel(int seed)
    {
        var random = new Random(seed);
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString("tiny_resnet");
        foreach ((string layer, string kind, int[][] shapes) in s_blobs)
        {
            byte[] message = Layer(layer, kind, shapes, random);
            output.WriteTag(100, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(message));
        }

        output.Flush();
        return stream.ToArray();
    }

    private static byte[] Layer(string name, string kind, int[][] shapes, Random random)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString(name);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(kind switch { "conv" => "Convolution", "bn" => "BatchNorm", "scale" => "Scale", _ => "InnerProduct" });
        for (int b = 0; b < shapes.Length; b++)
        {
            int count = shapes[b].Aggregate(1, (x, y) => x * y);
            (float low, float high) = (kind, b) switch
            {
                ("conv" or "fc", 0) => (-MathF.Sqrt(3f / (count / shapes[b][0])), MathF.Sqrt(3f / (count / shapes[b][0]))),
                ("bn", 0) => (-0.5f, 0.5f),
                ("bn", 1) => (0.5f, 1.5f),
                ("bn", _) => (1f, 1f),
                ("scale", 0) => (0.5f, 1.5f),
                _ => (-0.5f, 0.5f),
            };
            float[] data = [.. Enumerable.Range(0, count).Select(_ => low + ((high - low) * (float)random.NextDouble()))];
            output.WriteTag(7, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(Blob(shapes[b], data)));
        }

        output.Flush();
        return stream.ToArray();
    }

    private static byte[] Blob(int[] shape, float[] data)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        using (var dims = new MemoryStream())
        {
            var d = new CodedOutputStream(dims);
            foreach (int v in shape)
            {
                d.WriteInt64(v);
            }

            d.Flush();
            using var shapeMessage = new MemoryStream();
            var s = new CodedOutputStream(shapeMessage);
            s.WriteTag(1, WireFormat.WireType.LengthDelimited);
            s.WriteBytes(ByteString.CopyFrom(dims.ToArray()));
            s.Flush();
            output.WriteTag(7, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(shapeMessage.ToArray()));
        }

        output.WriteTag(5, WireFormat.WireType.LengthDelimited);
        output.WriteLength(data.Length * 4);
        foreach (float v in data)
        {
            output.WriteFloat(v);
        }

        output.Flush();
        return stream.ToArray();
    }
}
