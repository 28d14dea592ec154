namespace Converters.Plugins.Caffe.Tests.Conformance;

/// <summary>
/// Conformance nets, written by hand: one per mapped layer type (and its option variants) plus classic
/// topologies. Every net reads blob "data" of shape 2 x 4 x 9 x 11 unless it declares otherwise.
/// </summary>
internal static class LayerCases
{
    private const string Input = """
        name: "case"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 4 dim: 9 dim: 11 } } }

        """;

    private static readonly Dictionary<string, LayerCase> s_cases = Build().ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, LayerCase> All => s_cases;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string name in s_cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    private static LayerCase Single(string name, string layer, params BlobSpec[] blobs) =>
        new(name, Input + layer, blobs.Length == 0 ? [] : [("l", blobs)], "l");

    private static IEnumerable<LayerCase> Build()
    {
        // Convolution: groups, asymmetric kernel/stride/pad by _h/_w, dilation, bias.
        yield return Single("conv_group_hw", """
            layer { name: "l" type: "Convolution" bottom: "data" top: "l"
              convolution_param { num_output: 6 group: 2 kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 2 } }
            """, BlobSpec.Random(6, 2, 3, 2), BlobSpec.Random(6));
        yield return Single("conv_dilated_nobias", """
            layer { name: "l" type: "Convolution" bottom: "data" top: "l"
              convolution_param { num_output: 5 bias_term: false kernel_size: 3 dilation: 2 pad: 1 stride: 2 } }
            """, BlobSpec.Random(5, 4, 3, 3));
        yield return Single("deconvolution", """
            layer { name: "l" type: "Deconvolution" bottom: "data" top: "l"
              convolution_param { num_output: 3 kernel_size: 4 stride: 2 pad: 1 } }
            """, BlobSpec.Random(4, 3, 4, 4), BlobSpec.Random(3));
        yield return Single("deconvolution_group", """
            layer { name: "l" type: "Deconvolution" bottom: "data" top: "l"
              convolution_param { num_output: 6 group: 2 kernel_size: 3 stride: 2 } }
            """, BlobSpec.Random(4, 3, 3, 3), BlobSpec.Random(6));
        yield return Single("inner_product", """
            layer { name: "l" type: "InnerProduct" bottom: "data" top: "l" inner_product_param { num_output: 7 } }
            """, BlobSpec.Random(7, 4 * 9 * 11), BlobSpec.Random(7));
        yield return Single("batch_norm_factor", """
            layer { name: "l" type: "BatchNorm" bottom: "data" top: "l" batch_norm_param { eps: 0.001 } }
            """, BlobSpec.Random(4), BlobSpec.Positive(4), BlobSpec.Constant(2.5f, 1));
        yield return Single("batch_norm_factor_zero", """
            layer { name: "l" type: "BatchNorm" bottom: "data" top: "l" }
            """, BlobSpec.Random(4), BlobSpec.Positive(4), BlobSpec.Constant(0f, 1));
        yield return Single("scale_bias_term", """
            layer { name: "l" type: "Scale" bottom: "data" top: "l" scale_param { bias_term: true } }
            """, BlobSpec.Random(4), BlobSpec.Random(4));
        yield return Single("scale", """
            layer { name: "l" type: "Scale" bottom: "data" top: "l" }
            """, BlobSpec.Random(4));
        yield return Single("pool_max_ceil_pad", """
            layer { name: "l" type: "Pooling" bottom: "data" top: "l" pooling_param { pool: MAX kernel_size: 3 stride: 2 pad: 1 } }
            """);
        yield return Single("pool_max_ceil", """
            layer { name: "l" type: "Pooling" bottom: "data" top: "l" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            """);
        yield return Single("pool_ave_ceil_pad", """
            layer { name: "l" type: "Pooling" bottom: "data" top: "l" pooling_param { pool: AVE kernel_h: 3 kernel_w: 2 stride: 2 pad_h: 1 pad_w: 1 } }
            """);
        yield return Single("pool_ave_overhang", """
            layer { name: "l" type: "Pooling" bottom: "data" top: "l" pooling_param { pool: AVE kernel_size: 4 stride: 3 pad: 2 } }
            """);
        yield return Single("pool_global_ave", """
            layer { name: "l" type: "Pooling" bottom: "data" top: "l" pooling_param { pool: AVE global_pooling: true } }
            """);
        yield return Single("pool_global_max", """
            layer { name: "l" type: "Pooling" bottom: "data" top: "l" pooling_param { pool: MAX global_pooling: true } }
            """);
        yield return Single("relu", """
            layer { name: "l" type: "ReLU" bottom: "data" top: "l" }
            """);
        yield return Single("relu_leaky", """
            layer { name: "l" type: "ReLU" bottom: "data" top: "l" relu_param { negative_slope: 0.2 } }
            """);
        yield return Single("prelu", """
            layer { name: "l" type: "PReLU" bottom: "data" top: "l" }
            """, BlobSpec.Random(4));
        yield return Single("prelu_shared", """
            layer { name: "l" type: "PReLU" bottom: "data" top: "l" prelu_param { channel_shared: true } }
            """, BlobSpec.Random(1));
        yield return Single("sigmoid", """
            layer { name: "l" type: "Sigmoid" bottom: "data" top: "l" }
            """);
        yield return Single("tanh", """
            layer { name: "l" type: "TanH" bottom: "data" top: "l" }
            """);
        yield return Single("elu", """
            layer { name: "l" type: "ELU" bottom: "data" top: "l" elu_param { alpha: 0.7 } }
            """);
        yield return Single("eltwise_sum_coeff", """
            layer { name: "a" type: "TanH" bottom: "data" top: "a" }
            layer { name: "b" type: "Sigmoid" bottom: "data" top: "b" }
            layer { name: "l" type: "Eltwise" bottom: "data" bottom: "a" bottom: "b" top: "l" eltwise_param { operation: SUM coeff: 0.5 coeff: -2 coeff: 1.5 } }
            """);
        yield return Single("eltwise_prod", """
            layer { name: "a" type: "TanH" bottom: "data" top: "a" }
            layer { name: "b" type: "Sigmoid" bottom: "data" top: "b" }
            layer { name: "l" type: "Eltwise" bottom: "data" bottom: "a" bottom: "b" top: "l" eltwise_param { operation: PROD } }
            """);
        yield return Single("eltwise_max", """
            layer { name: "a" type: "TanH" bottom: "data" top: "a" }
            layer { name: "l" type: "Eltwise" bottom: "data" bottom: "a" top: "l" eltwise_param { operation: MAX } }
            """);
        yield return Single("concat_slice_split", """
            layer { name: "s" type: "Slice" bottom: "data" top: "s0" top: "s1" top: "s2" slice_param { axis: 1 slice_point: 1 slice_point: 3 } }
            layer { name: "sp" type: "Split" bottom: "s1" top: "t0" top: "t1" }
            layer { name: "a" type: "TanH" bottom: "t1" top: "a" }
            layer { name: "l" type: "Concat" bottom: "s2" bottom: "t0" bottom: "a" bottom: "s0" top: "l" }
            """);
        yield return Single("concat_axis2", """
            layer { name: "a" type: "TanH" bottom: "data" top: "a" }
            layer { name: "l" type: "Concat" bottom: "data" bottom: "a" top: "l" concat_param { axis: 2 } }
            """);
        yield return Single("slice_axis3_equal", """
            layer { name: "s" type: "Slice" bottom: "data" top: "s0" top: "s1" slice_param { axis: 2 slice_point: 4 } }
            layer { name: "l" type: "Eltwise" bottom: "s0" bottom: "s0" top: "l" }
            """);
        yield return Single("flatten_softmax", """
            layer { name: "f" type: "Flatten" bottom: "data" top: "f" }
            layer { name: "l" type: "Softmax" bottom: "f" top: "l" }
            """);
        yield return Single("reshape_softmax_axis", """
            layer { name: "r" type: "Reshape" bottom: "data" top: "r" reshape_param { shape { dim: 0 dim: 2 dim: -1 } } }
            layer { name: "l" type: "Softmax" bottom: "r" top: "l" softmax_param { axis: 2 } }
            """);
        yield return Single("softmax", """
            layer { name: "l" type: "Softmax" bottom: "data" top: "l" }
            """);
        yield return Single("lrn_across", """
            layer { name: "l" type: "LRN" bottom: "data" top: "l" lrn_param { local_size: 5 alpha: 0.5 beta: 0.75 } }
            """);
        yield return Single("lrn_within", """
            layer { name: "l" type: "LRN" bottom: "data" top: "l" lrn_param { local_size: 3 alpha: 0.5 beta: 0.75 norm_region: WITHIN_CHANNEL } }
            """);
        yield return Single("dropout_power", """
            layer { name: "d" type: "Dropout" bottom: "data" top: "d" dropout_param { dropout_ratio: 0.3 } }
            layer { name: "r" type: "ReLU" bottom: "d" top: "r" }
            layer { name: "l" type: "Power" bottom: "r" top: "l" power_param { power: 2 scale: 0.5 shift: 1 } }
            """);
        yield return Single("crop", """
            layer { name: "p" type: "Pooling" bottom: "data" top: "p" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layer { name: "l" type: "Crop" bottom: "data" bottom: "p" top: "l" crop_param { axis: 2 offset: 1 offset: 3 } }
            """);
        yield return Single("permute", """
            layer { name: "l" type: "Permute" bottom: "data" top: "l" permute_param { order: 0 order: 2 order: 3 order: 1 } }
            """);
        yield return Single("in_place_chain", """
            layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { num_output: 4 kernel_size: 1 } }
            layer { name: "r" type: "ReLU" bottom: "c" top: "c" }
            layer { name: "d" type: "Dropout" bottom: "c" top: "c" }
            layer { name: "l" type: "Eltwise" bottom: "c" bottom: "data" top: "l" }
            """) with { Blobs = [("c", [BlobSpec.Random(4, 4, 1, 1), BlobSpec.Random(4)])] };

        yield return ResNetBottleneck();
        yield return SqueezeNetFire();
        yield return LenetV1();
    }

    private static LayerCase ResNetBottleneck()
    {
        const string text = """
            name: "res2a"
            input: "data"
            input_shape { dim: 2 dim: 8 dim: 10 dim: 10 }
            layer { name: "res2a_branch1" type: "Convolution" bottom: "data" top: "res2a_branch1" convolution_param { num_output: 16 kernel_size: 1 bias_term: false } }
            layer { name: "bn2a_branch1" type: "BatchNorm" bottom: "res2a_branch1" top: "res2a_branch1" batch_norm_param { use_global_stats: true } }
            layer { name: "scale2a_branch1" type: "Scale" bottom: "res2a_branch1" top: "res2a_branch1" scale_param { bias_term: true } }
            layer { name: "res2a_branch2a" type: "Convolution" bottom: "data" top: "res2a_branch2a" convolution_param { num_output: 4 kernel_size: 1 bias_term: false } }
            layer { name: "bn2a_branch2a" type: "BatchNorm" bottom: "res2a_branch2a" top: "res2a_branch2a" batch_norm_param { use_global_stats: true } }
            layer { name: "scale2a_branch2a" type: "Scale" bottom: "res2a_branch2a" top: "res2a_branch2a" scale_param { bias_term: true } }
            layer { name: "res2a_branch2a_relu" type: "ReLU" bottom: "res2a_branch2a" top: "res2a_branch2a" }
            layer { name: "res2a_branch2b" type: "Convolution" bottom: "res2a_branch2a" top: "res2a_branch2b" convolution_param { num_output: 4 kernel_size: 3 pad: 1 bias_term: false } }
            layer { name: "bn2a_branch2b" type: "BatchNorm" bottom: "res2a_branch2b" top: "res2a_branch2b" batch_norm_param { use_global_stats: true } }
            layer { name: "scale2a_branch2b" type: "Scale" bottom: "res2a_branch2b" top: "res2a_branch2b" scale_param { bias_term: true } }
            layer { name: "res2a_branch2b_relu" type: "ReLU" bottom: "res2a_branch2b" top: "res2a_branch2b" }
            layer { name: "res2a_branch2c" type: "Convolution" bottom: "res2a_branch2b" top: "res2a_branch2c" convolution_param { num_output: 16 kernel_size: 1 bias_term: false } }
            layer { name: "bn2a_branch2c" type: "BatchNorm" bottom: "res2a_branch2c" top: "res2a_branch2c" batch_norm_param { use_global_stats: true } }
            layer { name: "scale2a_branch2c" type: "Scale" bottom: "res2a_branch2c" top: "res2a_branch2c" scale_param { bias_term: true } }
            layer { name: "res2a" type: "Eltwise" bottom: "res2a_branch1" bottom: "res2a_branch2c" top: "res2a" }
            layer { name: "res2a_relu" type: "ReLU" bottom: "res2a" top: "res2a" }
            """;
        static BlobSpec[] Bn(int c) => [BlobSpec.Random(c), BlobSpec.Positive(c), BlobSpec.Constant(3f, 1)];
        static BlobSpec[] Sc(int c) => [BlobSpec.Random(c), BlobSpec.Random(c)];
        return new LayerCase("resnet_bottleneck", text,
        [
            ("res2a_branch1", [BlobSpec.Random(16, 8, 1, 1)]), ("bn2a_branch1", Bn(16)), ("scale2a_branch1", Sc(16)),
            ("res2a_branch2a", [BlobSpec.Random(4, 8, 1, 1)]), ("bn2a_branch2a", Bn(4)), ("scale2a_branch2a", Sc(4)),
            ("res2a_branch2b", [BlobSpec.Random(4, 4, 3, 3)]), ("bn2a_branch2b", Bn(4)), ("scale2a_branch2b", Sc(4)),
            ("res2a_branch2c", [BlobSpec.Random(16, 4, 1, 1)]), ("bn2a_branch2c", Bn(16)), ("scale2a_branch2c", Sc(16)),
        ], "res2a_relu");
    }

    private static LayerCase SqueezeNetFire()
    {
        const string text = """
            name: "fire"
            input: "data"
            input_dim: 1
            input_dim: 3
            input_dim: 23
            input_dim: 23
            layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 8 kernel_size: 3 stride: 2 } }
            layer { name: "relu_conv1" type: "ReLU" bottom: "conv1" top: "conv1" }
            layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 3 stride: 2 } }
            layer { name: "fire2/squeeze1x1" type: "Convolution" bottom: "pool1" top: "fire2/squeeze1x1" convolution_param { num_output: 4 kernel_size: 1 } }
            layer { name: "fire2/relu_squeeze1x1" type: "ReLU" bottom: "fire2/squeeze1x1" top: "fire2/squeeze1x1" }
            layer { name: "fire2/expand1x1" type: "Convolution" bottom: "fire2/squeeze1x1" top: "fire2/expand1x1" convolution_param { num_output: 6 kernel_size: 1 } }
            layer { name: "fire2/relu_expand1x1" type: "ReLU" bottom: "fire2/expand1x1" top: "fire2/expand1x1" }
            layer { name: "fire2/expand3x3" type: "Convolution" bottom: "fire2/squeeze1x1" top: "fire2/expand3x3" convolution_param { num_output: 6 pad: 1 kernel_size: 3 } }
            layer { name: "fire2/relu_expand3x3" type: "ReLU" bottom: "fire2/expand3x3" top: "fire2/expand3x3" }
            layer { name: "fire2/concat" type: "Concat" bottom: "fire2/expand1x1" bottom: "fire2/expand3x3" top: "fire2/concat" }
            layer { name: "pool10" type: "Pooling" bottom: "fire2/concat" top: "pool10" pooling_param { pool: AVE global_pooling: true } }
            layer { name: "prob" type: "Softmax" bottom: "pool10" top: "prob" }
            """;
        return new LayerCase("squeezenet_fire", text,
        [
            ("conv1", [BlobSpec.Random(8, 3, 3, 3), BlobSpec.Random(8)]),
            ("fire2/squeeze1x1", [BlobSpec.Random(4, 8, 1, 1), BlobSpec.Random(4)]),
            ("fire2/expand1x1", [BlobSpec.Random(6, 4, 1, 1), BlobSpec.Random(6)]),
            ("fire2/expand3x3", [BlobSpec.Random(6, 4, 3, 3), BlobSpec.Random(6)]),
        ], "prob");
    }

    private static LayerCase LenetV1()
    {
        const string text = """
            name: "LeNet"
            input: "data"
            input_dim: 2
            input_dim: 1
            input_dim: 28
            input_dim: 28
            layers { name: "conv1" type: CONVOLUTION bottom: "data" top: "conv1" blobs_lr: 1 blobs_lr: 2 convolution_param { num_output: 20 kernel_size: 5 stride: 1 } }
            layers { name: "pool1" type: POOLING bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layers { name: "conv2" type: CONVOLUTION bottom: "pool1" top: "conv2" blobs_lr: 1 blobs_lr: 2 convolution_param { num_output: 50 kernel_size: 5 stride: 1 } }
            layers { name: "pool2" type: POOLING bottom: "conv2" top: "pool2" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layers { name: "ip1" type: INNER_PRODUCT bottom: "pool2" top: "ip1" inner_product_param { num_output: 500 } }
            layers { name: "relu1" type: RELU bottom: "ip1" top: "ip1" }
            layers { name: "ip2" type: INNER_PRODUCT bottom: "ip1" top: "ip2" inner_product_param { num_output: 10 } }
            layers { name: "prob" type: SOFTMAX bottom: "ip2" top: "prob" }
            """;
        return new LayerCase("lenet_v1", text,
        [
            ("conv1", [BlobSpec.Scaled(0.2f, 20, 1, 5, 5), BlobSpec.Scaled(0.1f, 20)]),
            ("conv2", [BlobSpec.Scaled(0.05f, 50, 20, 5, 5), BlobSpec.Scaled(0.1f, 50)]),
            ("ip1", [BlobSpec.Scaled(0.03f, 500, 800), BlobSpec.Scaled(0.1f, 500)]),
            ("ip2", [BlobSpec.Scaled(0.05f, 10, 500), BlobSpec.Scaled(0.1f, 10)]),
        ], "prob");
    }
}
