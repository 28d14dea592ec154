using System.Globalization;
using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Samples.TextNet.Ops;
using Converters.Samples.TextNet.Syntax;

namespace Converters.Samples.TextNet.Writing;

/// <summary>
/// Writes a model as TextNet with every parameter as an explicit <c>tensor</c> (exact: shortest
/// round-trip decimals, raw bits for NaN and infinities), so reading the output gives identical
/// tensors and writing that again gives identical bytes. The file is written through an
/// <see cref="AtomicFileSet"/>: on any error nothing is left behind.
/// </summary>
internal static class TextNetWriter
{
    private const int ValuesPerLine = 8;

    public static IReadOnlyList<string> Write(Model model, string outputDirectory, string baseName)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentException.ThrowIfNullOrEmpty(baseName);
        if (Path.GetFileName(baseName) != baseName || baseName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{baseName}' must be a file name without a directory or extension.", nameof(baseName));
        }

        using var files = new AtomicFileSet(outputDirectory);
        Stream stream = files.Create(baseName + TextNetFormat.Extension);
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true))
        {
            writer.NewLine = "\n";
            WriteGraph(model.Graph, writer);
        }

        return files.Commit();
    }

    private static void WriteGraph(Graph graph, StreamWriter writer)
    {
        writer.WriteLine("textnet 1");
        if (graph.Name.Length > 0)
        {
            writer.WriteLine($"graph {Name(graph.Name, "the graph name")}");
        }

        foreach (ValueInfo input in graph.Inputs)
        {
            if (input.DataType != DataType.Float32 || input.Shape.Rank == 0 || input.Shape.Dimensions.Any(d => d <= 0))
            {
                throw new ModelFormatException($"graph input \"{input.Name}\" is {input}; TextNet inputs are float32 with positive dimensions") { FieldPath = input.Name };
            }

            writer.WriteLine($"input {Name(input.Name, "an input name")} float32 {input.Shape}");
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (Node node in graph.Nodes)
        {
            TextNetOp op = FindOp(node);
            List<string> inputs = Inputs(node);
            foreach (string input in inputs)
            {
                if (graph.Initializers.TryGetValue(input, out TensorData? tensor) && written.Add(input))
                {
                    WriteTensor(input, tensor, writer);
                }
            }

            var line = new StringBuilder();
            line.Append(Name(node.Outputs[0], "a value name")).Append(" = ").Append(op.Name).Append('(')
                .AppendJoin(", ", inputs.Select(i => Name(i, "an input name"))).Append(')');
            foreach ((string attribute, AttributeValue value) in node.Attributes)
            {
                OpKey key = op.FindByIrName(attribute)
                    ?? throw new ModelFormatException($"{node.OpType} node \"{node.Name}\" has attribute '{attribute}' = {value}, which TextNet cannot express; its keys are {string.Join(", ", op.Keys.Where(k => !k.GenerationOnly).Select(k => k.Key))}")
                    {
                        FieldPath = $"{node.Name}.{attribute}",
                    };
                line.Append(' ').Append(key.Key).Append('=').Append(FormatValue(node, key, value));
            }

            if (op.Parameters == ParameterStyle.Gemm && !node.Attributes.ContainsKey("transB"))
            {
                // The IR's default is 0, TextNet's is 1: say it.
                line.Append(" trans_b=0");
            }

            writer.WriteLine(line);
        }

        foreach ((string name, TensorData tensor) in graph.Initializers)
        {
            if (written.Add(name))
            {
                WriteTensor(name, tensor, writer);
            }
        }

        if (graph.Outputs.Count == 0)
        {
            throw new ModelFormatException("the graph has no outputs; a TextNet file ends with an 'output' line naming them") { FieldPath = "output" };
        }

        writer.WriteLine($"output {string.Join(' ', graph.Outputs.Select(o => Name(o, "an output name")))}");
    }

    private static TextNetOp FindOp(Node node)
    {
        TextNetOp? op = node.Domain.Length == 0 ? TextNetOps.Find(node.OpType) : null;
        if (op is null)
        {
            string shown = node.Domain.Length == 0 ? node.OpType : $"{node.Domain}.{node.OpType}";
            throw new UnsupportedOperatorException($"{shown} node \"{node.Name}\" cannot be written to TextNet: unsupported operator '{shown}'; supported: {string.Join(", ", TextNetOps.Names)}")
            {
                OperatorName = shown,
                FieldPath = node.Name,
            };
        }

        if (node.Outputs.Count != 1)
        {
            throw new ModelFormatException($"{node.OpType} node \"{node.Name}\" has {node.Outputs.Count} outputs; TextNet nodes have exactly one") { FieldPath = node.Name };
        }

        return op;
    }

    /// <summary>The node's inputs without trailing omitted optional ones; an omitted input in the middle cannot be written.</summary>
    private static List<string> Inputs(Node node)
    {
        var inputs = new List<string>(node.Inputs);
        while (inputs.Count > 0 && inputs[^1].Length == 0)
        {
            inputs.RemoveAt(inputs.Count - 1);
        }

        if (inputs.Count == 0)
        {
            throw new ModelFormatException($"{node.OpType} node \"{node.Name}\" has no inputs; TextNet nodes read at least one") { FieldPath = $"{node.Name}.inputs" };
        }

        if (inputs.Any(i => i.Length == 0))
        {
            throw new ModelFormatException($"{node.OpType} node \"{node.Name}\" omits an input other than the last; TextNet lists inputs by position") { FieldPath = $"{node.Name}.inputs" };
        }

        return inputs;
    }

    private static void WriteTensor(string name, TensorData tensor, StreamWriter writer)
    {
        if (tensor.DataType != DataType.Float32 || tensor.Shape.Rank == 0)
        {
            throw new ModelFormatException($"tensor \"{name}\" is {tensor}; TextNet tensors are float32 with at least one dimension") { FieldPath = name };
        }

        writer.Write($"tensor {Name(name, "a tensor name")} float32 {tensor.Shape}:");
        ReadOnlySpan<float> values = tensor.AsSpan<float>();
        for (int i = 0; i < values.Length; i++)
        {
            writer.Write(i % ValuesPerLine == 0 ? "\n  " : " ");
            writer.Write(FormatFloat32(values[i]));
        }

        writer.WriteLine();
    }

    /// <summary>The shortest decimal that parses back to the same float32; raw bits for NaN and the infinities.</summary>
    internal static string FormatFloat32(float value) => float.IsFinite(value)
        ? value.ToString("R", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"0x{BitConverter.SingleToUInt32Bits(value):X8}");

    private static string FormatValue(Node node, OpKey key, AttributeValue value)
    {
        string? text = key.Syntax switch
        {
            KeySyntax.Bool when value.Kind == AttributeKind.Int => value.AsInt() != 0 ? "1" : "0",
            KeySyntax.Int when value.Kind == AttributeKind.Int => value.AsInt().ToString(CultureInfo.InvariantCulture),
            KeySyntax.PositiveInt when value.Kind == AttributeKind.Int && value.AsInt() is >= 1 and <= int.MaxValue =>
                value.AsInt().ToString(CultureInfo.InvariantCulture),
            KeySyntax.Float when value.Kind is AttributeKind.Float or AttributeKind.Int && double.IsFinite(value.AsFloat()) =>
                value.AsFloat().ToString("R", CultureInfo.InvariantCulture),
            KeySyntax.Word when value.Kind == AttributeKind.String && IsName(value.AsString()) => value.AsString(),
            KeySyntax.Pair when value.Kind == AttributeKind.Ints && value.AsInts() is [>= 1 and <= int.MaxValue, >= 1 and <= int.MaxValue] pair =>
                pair[0] == pair[1] ? Invariant($"{pair[0]}") : Invariant($"{pair[0]}x{pair[1]}"),
            KeySyntax.Pads when value.Kind == AttributeKind.Ints && value.AsInts() is [>= 0 and <= int.MaxValue, >= 0 and <= int.MaxValue, >= 0 and <= int.MaxValue, >= 0 and <= int.MaxValue] pads =>
                pads.All(p => p == pads[0]) ? Invariant($"{pads[0]}") : string.Join(',', pads.Select(p => p.ToString(CultureInfo.InvariantCulture))),
            _ => null,
        };

        return text ?? throw new ModelFormatException($"{node.OpType} node \"{node.Name}\": attribute '{key.IrName}' = {value} cannot be written as TextNet key '{key.Key}' ({Describe(key.Syntax)})")
        {
            FieldPath = $"{node.Name}.{key.Key}",
        };
    }

    private static string Describe(KeySyntax syntax) => syntax switch
    {
        KeySyntax.Bool => "0 or 1",
        KeySyntax.Int => "an integer",
        KeySyntax.PositiveInt => "a positive integer",
        KeySyntax.Float => "a finite number",
        KeySyntax.Word => "a word",
        KeySyntax.Pair => "two positive integers",
        _ => "four non-negative integers",
    };

    /// <summary>Whether <paramref name="name"/> reads back as one TextNet word.</summary>
    private static bool IsName(string name) => name.Length > 0 && name.All(Tokenizer.IsWordChar);

    private static string Name(string name, string what) => IsName(name)
        ? name
        : throw new ModelFormatException($"{what} \"{name}\" cannot be written to TextNet: names may not be empty or contain white space, control characters or = ( ) , : #") { FieldPath = name };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
