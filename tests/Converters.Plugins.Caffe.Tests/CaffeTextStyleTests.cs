using Converters.Plugins.Caffe.Proto;
using Converters.Protobuf.Text;

namespace Converters.Plugins.Caffe.Tests;

/// <summary>Caffe nets and solvers through the shared text-format library, in Caffe's layout.</summary>
public sealed class CaffeTextStyleTests
{
    private const string Lenet = """
        # LeNet, deploy form
        # (two header lines)

        name: 'LeNet'
        input: "data"
        input_shape { dim: 64 dim: 1 dim: 28 dim: 28 }
        # the first convolution
        layer {
          name: "conv1"
          type: "Convolution"
          bottom: "data"
          top: "conv1"
          param { lr_mult: 1 }
          param { lr_mult: 2 }
          convolution_param: {
            num_output: 20
            kernel_size: 5 stride: 1;
            weight_filler { type: "xavier" }
          }
        }
        layer <
          name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1"
          pooling_param { pool: MAX kernel_size: 2 stride: 2 }
        >
        """;

    [Fact]
    public void Parse_LenetStyleText_ReadsEveryFieldForm()
    {
        // When
        TextFormatDocument doc = TextFormatParser.Parse<NetParameter>("lenet.prototxt", Lenet);

        // Then
        var net = (NetParameter)doc.Root;
        net.Name.ShouldBe("LeNet");
        net.Input.ShouldBe(["data"]);
        net.InputShape[0].Dim.ShouldBe([64L, 1, 28, 28]);
        net.Layer.Count.ShouldBe(2);
        LayerParameter conv = net.Layer[0];
        conv.Param.Select(p => p.LrMult).ShouldBe([1f, 2f]);
        conv.ConvolutionParam.NumOutput.ShouldBe(20u);
        conv.ConvolutionParam.KernelSize.ShouldBe([5u]);
        conv.ConvolutionParam.Stride.ShouldBe([1u]);
        conv.ConvolutionParam.WeightFiller.Type.ShouldBe("xavier");
        net.Layer[1].PoolingParam.Pool.ShouldBe(PoolingParameter.Types.PoolMethod.Max);
        doc.HeaderComments.ShouldBe([" LeNet, deploy form", " (two header lines)"]);
        doc.LeadingComments[conv].ShouldBe([" the first convolution"]);
        doc.Find(conv).ShouldBe(new SourcePosition(8, 1));
        doc.Find(conv.ConvolutionParam, ConvolutionParameter.StrideFieldNumber).ShouldBe(new SourcePosition(17, 28));
    }

    [Fact]
    public void Parse_SolverFile_ReadsSolverParameter()
    {
        // Given: a solver definition, as in Caffe's examples
        const string text = """
            net: "examples/mnist/lenet_train_test.prototxt"
            test_iter: 100
            base_lr: 0.01
            lr_policy: "inv"
            solver_mode: CPU
            """;

        // When
        var solver = (SolverParameter)TextFormatParser.Parse<SolverParameter>("solver.prototxt", text).Root;

        // Then
        solver.Net.ShouldBe("examples/mnist/lenet_train_test.prototxt");
        solver.TestIter.ShouldBe([100]);
        solver.BaseLr.ShouldBe(0.01f);
        solver.SolverMode.ShouldBe(SolverParameter.Types.SolverMode.Cpu);
    }

    public static TheoryData<string, int, int, string, string> Malformed => new()
    {
        { "layer {\n  name: \"a\"\n  convolution_param { kernel_size: abc }\n}", 3, 36, "layer[0].convolution_param.kernel_size[0]", "expects an integer from 0 to 4294967295" },
        { "layer {\n  name: \"a\"\n  convolution_param { kernel_size: -3 }\n}", 3, 36, "layer[0].convolution_param.kernel_size[0]", "expects an integer from 0 to 4294967295" },
        { "layer {\n  name: \"a\"\n  pooling_param { pool: MEAN }\n}", 3, 25, "layer[0].pooling_param.pool", "one of MAX, AVE, STOCHASTIC" },
        { "layer {\n  nme: \"a\"\n}", 2, 3, "layer[0].nme", "LayerParameter has no field 'nme'" },
        { "layer {\n  name: \"a\"\n", 3, 1, "layer[0]", "expected '}' to close" },
        { "name: \"a\nlayer {}", 1, 7, "", "no closing \"" },
        { "name: \"a\"\nname: \"b\"", 2, 1, "name", "is not a repeated field and is already set above (line 1)" },
        { "layer {\n  name \"a\"\n}", 2, 8, "layer[0].name", "expected ':' after 'name'" },
        { "layer {\n  name: 3\n}", 2, 9, "layer[0].name", "is a string" },
        { "layer {\n  convolution_param 5\n}", 2, 21, "layer[0].convolution_param", "expected '{' after it" },
        { "input_dim: [1, 2 3]", 1, 18, "input_dim[2]", "expected ',' or ']'" },
        { "force_backward: maybe", 1, 17, "force_backward", "true or false" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_MalformedText_ThrowsWithLineColumnAndFieldPath(string text, int line, int column, string field, string message)
    {
        // When
        var ex = Should.Throw<TextFormatException>(() => TextFormatParser.Parse<NetParameter>("bad.prototxt", text));

        // Then
        ex.FilePath.ShouldBe("bad.prototxt");
        ex.Line.ShouldBe(line);
        ex.Column.ShouldBe(column);
        (ex.FieldPath ?? string.Empty).ShouldBe(field);
        ex.Message.ShouldContain(message);
    }

    [Fact]
    public void Print_Net_WritesCaffeLayout()
    {
        // Given
        var net = new NetParameter { Name = "n" };
        var layer = new LayerParameter { Name = "pool", Type = "Pooling", PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Ave, KernelSize = 3 } };
        layer.Bottom.Add("x");
        layer.Top.Add("y");
        net.Layer.Add(layer);
        var eltwise = new LayerParameter { Name = "e\"q", EltwiseParam = new EltwiseParameter() };
        eltwise.EltwiseParam.Coeff.AddRange([0.1f, 1e-5f, float.NegativeInfinity]);
        net.Layer.Add(eltwise);

        // When
        string text = TextFormatPrinter.Print(net, CaffeTextStyle.Options, [" header"], new Dictionary<Google.Protobuf.IMessage, IReadOnlyList<string>>(ReferenceEqualityComparer.Instance) { [layer] = [" a pool"] });

        // Then
        text.ShouldBe("""
            # header

            name: "n"
            # a pool
            layer {
              name: "pool"
              type: "Pooling"
              bottom: "x"
              top: "y"
              pooling_param {
                pool: AVE
                kernel_size: 3
              }
            }
            layer {
              name: "e\"q"
              eltwise_param {
                coeff: 0.1
                coeff: 1e-05
                coeff: -inf
              }
            }

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
