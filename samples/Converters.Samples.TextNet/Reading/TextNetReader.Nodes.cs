using System.Collections.Immutable;
using System.Globalization;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using Converters.Ir.Verification;
using Converters.Samples.TextNet.Ops;
using Converters.Samples.TextNet.Syntax;

namespace Converters.Samples.TextNet.Reading;

/// <summary>Node lines: <c>NAME = Op(inputs) key=value ...</c>, generated parameters, and IR errors mapped to lines.</summary>
internal sealed partial class TextNetReader
{
    private void ParseNode(Token nameToken)
    {
        string name = Define(nameToken, "a node");
        _tokens.Next(); // '='
        Token opToken = ExpectWord(name, "an op name such as Conv");
        string opName = _tokens.TextOf(opToken);
        TextNetOp op = TextNetOps.Find(opName)
            ?? throw new UnsupportedOperatorException(opName, TextNetOps.Names)
            {
                OperatorName = opName,
                FilePath = _path,
                Line = opToken.Line,
                Column = opToken.Column,
                FieldPath = $"{name}.op",
            };

        var source = new NodeSource(name, nameToken, op);
        List<string> inputs = ParseInputs(source);
        ParseKeys(source);

        var node = new Node(op.Name, name, inputs, [name]);
        var generation = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach ((string key, (Token keyToken, List<Token> values)) in source.Keys)
        {
            OpKey spec = op.FindKey(key)!;
            AttributeValue value = ParseKeyValue(spec, values, $"{name}.{key}");
            if (spec.IrName is { } irName)
            {
                node.Attributes[irName] = value;
            }
            else if (inputs.Count > 1)
            {
                throw Error(keyToken, $"{name}.{key}", $"'{key}' only applies when {op.Name} generates its parameters (one input); with parameter tensors as inputs, the shapes come from the tensors");
            }
            else
            {
                generation[key] = value;
            }
        }

        if (op.Parameters == ParameterStyle.Gemm && !node.Attributes.ContainsKey("transB"))
        {
            // TextNet stores Gemm weights as units x K, as Caffe and Darknet do.
            node.Attributes["transB"] = AttributeValue.FromInt(1);
        }

        if (op.Parameters != ParameterStyle.None && inputs.Count == 1)
        {
            GenerateParameters(node, source, generation);
        }
        else if (op.Parameters == ParameterStyle.BatchNorm && inputs.Count != 5)
        {
            throw Error(nameToken, name, $"BatchNormalization takes 1 input (statistics generated) or 5 (X, scale, B, mean, var), got {inputs.Count}");
        }

        ValueInfo output = InferNode(node, source);
        _graph.Nodes.Add(node);
        _values[name] = output;
        _sources[name] = source;
    }

    private List<string> ParseInputs(NodeSource source)
    {
        Token open = _tokens.Next();
        if (open.Kind != TokenKind.LeftParen)
        {
            throw Error(open, source.Name, $"expected '(' and the inputs after \"{source.Op.Name}\", found {Describe(open)}");
        }

        var inputs = new List<string>();
        while (true)
        {
            string field = string.Create(CultureInfo.InvariantCulture, $"{source.Name}.inputs[{inputs.Count}]");
            Token input = _tokens.Next();
            if (input.Kind != TokenKind.Word)
            {
                throw Error(input, field, $"expected an input name, found {Describe(input)}");
            }

            string inputName = _tokens.TextOf(input);
            if (!_values.ContainsKey(inputName))
            {
                throw Error(input, field, $"undefined input \"{inputName}\": no input, tensor or node before line {input.Line} defines it");
            }

            inputs.Add(inputName);
            Token separator = _tokens.Next();
            if (separator.Kind == TokenKind.RightParen)
            {
                return inputs;
            }

            if (separator.Kind != TokenKind.Comma)
            {
                throw Error(separator, source.Name, $"expected ',' or ')' after input \"{inputName}\", found {Describe(separator)}");
            }
        }
    }

    private void ParseKeys(NodeSource source)
    {
        while (true)
        {
            Token keyToken = _tokens.Next();
            if (keyToken.Kind is TokenKind.NewLine or TokenKind.End)
            {
                return;
            }

            if (keyToken.Kind != TokenKind.Word)
            {
                throw Error(keyToken, source.Name, $"expected key=value after the inputs of \"{source.Name}\", found {Describe(keyToken)}");
            }

            string key = _tokens.TextOf(keyToken);
            string field = $"{source.Name}.{key}";
            if (source.Op.FindKey(key) is null)
            {
                string keys = source.Op.Keys.Count == 0 ? "it takes none" : "its keys are " + string.Join(", ", source.Op.Keys.Select(k => k.Key));
                throw Error(keyToken, field, $"{source.Op.Name} has no key '{key}'; {keys}");
            }

            if (source.Keys.ContainsKey(key))
            {
                throw Error(keyToken, field, $"'{key}' is set twice");
            }

            ExpectEquals(keyToken, field);
            var values = new List<Token> { ExpectWord(field, $"a value for '{key}'") };
            while (_tokens.Peek().Kind == TokenKind.Comma)
            {
                _tokens.Next();
                values.Add(ExpectWord(field, $"another value for '{key}' after ','"));
            }

            source.Keys[key] = (keyToken, values);
        }
    }

    /// <summary>Converts a key's value tokens to the IR value its syntax calls for, or fails saying what was expected.</summary>
    private AttributeValue ParseKeyValue(OpKey spec, List<Token> values, string field)
    {
        Token first = values[0];
        string shown = "\"" + string.Join(",", values.Select(_tokens.TextOf)) + "\"";
        if (spec.Syntax == KeySyntax.Pads)
        {
            if (values.Count is 1 or 4 && values.All(v => IsInt(v, 0, out _)))
            {
                long[] pads = [.. values.Select(v => long.Parse(_tokens.Span(v), CultureInfo.InvariantCulture))];
                if (pads.Length == 1)
                {
                    pads = [pads[0], pads[0], pads[0], pads[0]];
                }

                return AttributeValue.FromInts(pads);
            }

            throw Error(first, field, $"'{spec.Key}' must be P or T,L,B,R (non-negative integers: top, left, bottom, right), got {shown}");
        }

        ReadOnlySpan<char> text = _tokens.Span(first);
        bool single = values.Count == 1;
        switch (spec.Syntax)
        {
            case KeySyntax.PositiveInt:
                return single && IsInt(first, 1, out long positive)
                    ? AttributeValue.FromInt(positive)
                    : throw Error(first, field, $"'{spec.Key}' must be a positive integer, got {shown}");
            case KeySyntax.Int:
                return single && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer)
                    ? AttributeValue.FromInt(integer)
                    : throw Error(first, field, $"'{spec.Key}' must be an integer, got {shown}");
            case KeySyntax.Bool:
                return single && text is "0" or "1"
                    ? AttributeValue.FromInt(text[0] - '0')
                    : throw Error(first, field, $"'{spec.Key}' must be 0 or 1, got {shown}");
            case KeySyntax.Float:
                return single && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)
                    ? AttributeValue.FromFloat(number)
                    : throw Error(first, field, $"'{spec.Key}' must be a finite number, got {shown}");
            case KeySyntax.Word:
                return single
                    ? AttributeValue.FromString(text.ToString())
                    : throw Error(first, field, $"'{spec.Key}' must be a single word, got {shown}");
            default:
                return single && TryParsePair(text, out long height, out long width)
                    ? AttributeValue.FromInts([height, width])
                    : throw Error(first, field, $"'{spec.Key}' must be a positive integer or a HxW pair such as 3x3, got {shown}");
        }
    }

    /// <summary>Parses <c>N</c> (both) or <c>HxW</c>, each a positive integer.</summary>
    private static bool TryParsePair(ReadOnlySpan<char> text, out long height, out long width)
    {
        int x = text.IndexOf('x');
        if (x < 0)
        {
            bool ok = IsInt(text, 1, out height);
            width = height;
            return ok;
        }

        width = 0;
        return IsInt(text[..x], 1, out height) && IsInt(text[(x + 1)..], 1, out width);
    }

    private bool IsInt(Token token, long min, out long value) => IsInt(_tokens.Span(token), min, out value);

    /// <summary>Whether <paramref name="text"/> is a decimal integer from <paramref name="min"/> to <see cref="int.MaxValue"/>.</summary>
    private static bool IsInt(ReadOnlySpan<char> text, long min, out long value)
    {
        bool ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= int.MaxValue;
        if (!ok)
        {
            value = 0;
        }

        return ok;
    }

    /// <summary>
    /// Creates the parameter tensors of a node written with only its data input, drawing from the
    /// <c>weights seed=</c> generator, and appends them to the node's inputs.
    /// </summary>
    private void GenerateParameters(Node node, NodeSource source, Dictionary<string, AttributeValue> generation)
    {
        string name = source.Name;
        WeightGenerator generator = _generator
            ?? throw Error(source.NameToken, name, $"{source.Op.Name} \"{name}\" has no parameter inputs, so they are generated, but no 'weights seed=N' line comes before it; add one or pass the parameter tensors as inputs");
        TensorShape x = _values[node.Inputs[0]].Shape;
        int channels = x.Rank >= 2 ? x[1] : 1;

        switch (source.Op.Parameters)
        {
            case ParameterStyle.Conv:
                GenerateConv(node, source, generation, generator, channels);
                break;
            case ParameterStyle.BatchNorm:
                GenerateBatchNorm(node, source, generator, channels);
                break;
            case ParameterStyle.Gemm:
                GenerateGemm(node, source, generation, generator, x);
                break;
        }
    }

    /// <summary>Conv: weights filters x C/group x kh x kw and a bias of filters, both v / sqrt(fan_in).</summary>
    private void GenerateConv(Node node, NodeSource source, Dictionary<string, AttributeValue> generation, WeightGenerator generator, int channels)
    {
        int filters = (int)Required(generation, source, "filters").AsInt();
        ImmutableArray<long> kernel = Required(generation, source, "kernel").AsInts();
        bool bias = generation.GetValueOrDefault("bias")?.AsInt() != 0;
        long group = node.Attributes.GetValueOrDefault("group")?.AsInt() ?? 1;
        int perGroup = (int)(channels / group);
        var weightShape = TensorShape.Of(filters, perGroup, (int)kernel[0], (int)kernel[1]);
        Reserve(source, weightShape, bias ? filters : 0);
        float scale = FanInScale(SaturatingProduct(SaturatingProduct(perGroup, kernel[0]), kernel[1]));
        AddGenerated(node, source, "weight", weightShape, v => generator.FillScaled(v, scale));
        if (bias)
        {
            AddGenerated(node, source, "bias", TensorShape.Of(filters), v => generator.FillScaled(v, scale));
        }
    }

    /// <summary>BatchNormalization: scale 1 + 0.2v, bias 0.2v, mean 0.2v, variance 1.5 + v (in [1, 2)), each of C.</summary>
    private void GenerateBatchNorm(Node node, NodeSource source, WeightGenerator generator, int channels)
    {
        var shape = TensorShape.Of(channels);
        Reserve(source, shape, 3L * channels);
        AddGenerated(node, source, "scale", shape, v => generator.FillAffine(v, 1f, 0.2f));
        AddGenerated(node, source, "bias", shape, v => generator.FillScaled(v, 0.2f));
        AddGenerated(node, source, "mean", shape, v => generator.FillScaled(v, 0.2f));
        AddGenerated(node, source, "var", shape, v => generator.FillAffine(v, 1.5f, 1f));
    }

    /// <summary>Gemm: weights units x K (K x units when trans_b=0) and a bias of units, both v / sqrt(K).</summary>
    private void GenerateGemm(Node node, NodeSource source, Dictionary<string, AttributeValue> generation, WeightGenerator generator, TensorShape x)
    {
        int units = (int)Required(generation, source, "units").AsInt();
        bool bias = generation.GetValueOrDefault("bias")?.AsInt() != 0;
        bool transA = node.Attributes.GetValueOrDefault("transA")?.AsInt() == 1;
        bool transB = node.Attributes["transB"].AsInt() == 1;
        int k = x.Rank == 2 ? x[transA ? 0 : 1] : 1;
        TensorShape weightShape = transB ? TensorShape.Of(units, k) : TensorShape.Of(k, units);
        Reserve(source, weightShape, bias ? units : 0);
        float scale = FanInScale(k);
        AddGenerated(node, source, "weight", weightShape, v => generator.FillScaled(v, scale));
        if (bias)
        {
            AddGenerated(node, source, "bias", TensorShape.Of(units), v => generator.FillScaled(v, scale));
        }
    }

    private AttributeValue Required(Dictionary<string, AttributeValue> generation, NodeSource source, string key) =>
        generation.GetValueOrDefault(key)
        ?? throw Error(source.NameToken, $"{source.Name}.{key}", $"{source.Op.Name} \"{source.Name}\" needs '{key}' to generate its parameters (or pass the parameter tensors as inputs)");

    /// <summary>Counts a node's generated values against <see cref="TextNetLimits.MaxGeneratedValues"/> before anything is allocated.</summary>
    private void Reserve(NodeSource source, TensorShape largest, long others)
    {
        long count = 1;
        foreach (int d in largest.Dimensions)
        {
            count = SaturatingProduct(count, d);
        }

        long total = _generatedValues + count + others;
        if (count > TextNetLimits.MaxElements || total > TextNetLimits.MaxGeneratedValues)
        {
            throw Error(source.NameToken, source.Name, $"generating the parameters of {source.Op.Name} \"{source.Name}\" (weights {largest}) would bring this file's generated values over {TextNetLimits.MaxGeneratedValues} (2^24); use smaller layers or explicit tensors");
        }

        _generatedValues = total;
    }

    private void AddGenerated(Node node, NodeSource source, string suffix, TensorShape shape, Action<float[]> fill)
    {
        string tensorName = $"{source.Name}.{suffix}";
        if (_defined.TryGetValue(tensorName, out (string Kind, int Line) previous))
        {
            throw Error(source.NameToken, source.Name, $"the generated tensor name \"{tensorName}\" is already defined as {previous.Kind} on line {previous.Line}; rename one of them");
        }

        var data = new float[shape.ElementCount];
        fill(data);
        _defined[tensorName] = ("a generated tensor", source.NameToken.Line);
        _graph.AddInitializer(tensorName, TensorData.Create(shape, data));
        _values[tensorName] = new ValueInfo(tensorName, DataType.Float32, shape);
        node.Inputs.Add(tensorName);
    }

    /// <summary>1/sqrt(fan_in) in float32 (1 when the fan-in is 0).</summary>
    private static float FanInScale(long fanIn) => (float)(1.0 / Math.Sqrt(Math.Max(fanIn, 1)));

    /// <summary>Infers the node's output from its inputs alone (a one-node graph), so errors point at this line.</summary>
    private ValueInfo InferNode(Node node, NodeSource source)
    {
        var single = new Graph();
        foreach (string input in node.Inputs.Distinct(StringComparer.Ordinal))
        {
            if (_graph.Initializers.TryGetValue(input, out TensorData? tensor))
            {
                single.Initializers.Add(input, tensor);
            }
            else
            {
                single.Inputs.Add(_values[input]);
            }
        }

        single.Nodes.Add(node);
        try
        {
            ShapeInference.Run(single);
        }
        catch (Exception ex) when (ex is IrValidationException or OverflowException or ArgumentException)
        {
            throw FromIr(ex, source);
        }

        ValueInfo output = single.ValueInfos[source.Name];
        long elements = 1;
        foreach (int d in output.Shape.Dimensions)
        {
            elements = SaturatingProduct(elements, d);
        }

        if (elements > TextNetLimits.MaxElements)
        {
            throw Error(source.NameToken, source.Name, $"{source.Op.Name} \"{source.Name}\" outputs shape {output.Shape}, more than {TextNetLimits.MaxElements} (2^28) elements, the most TextNet allows");
        }

        return output;
    }

    /// <summary>Runs full shape inference and the verifier, as every reader must, mapping their errors to lines.</summary>
    private void VerifyGraph()
    {
        try
        {
            ShapeInference.Run(_graph);
            GraphVerifier.VerifyOrThrow(_graph);
        }
        catch (Exception ex) when (ex is IrValidationException or OverflowException or ArgumentException)
        {
            string? nodeName = (ex as IrValidationException)?.NodeName;
            if (nodeName is not null && _sources.TryGetValue(nodeName, out NodeSource? source))
            {
                throw FromIr(ex, source);
            }

            Token at = _outputKeyword!.Value;
            throw new ModelFormatException(ex.Message, ex) { FilePath = _path, Line = at.Line, Column = at.Column, FieldPath = "output" };
        }
    }

    /// <summary>
    /// An IR error as a TextNet error: at the value of the key that sets the attribute at fault when
    /// the line sets it, else at the node's name; the IR exception stays as the inner exception.
    /// </summary>
    private ModelFormatException FromIr(Exception ex, NodeSource source)
    {
        string? attribute = (ex as IrValidationException)?.AttributeName;
        OpKey? key = attribute is null ? null : source.Op.FindByIrName(attribute);
        Token at = source.NameToken;
        string field = source.Name;
        string message = ex is IrValidationException
            ? ex.Message
            : $"{source.Op.Name} '{source.Name}': the shapes overflow ({ex.Message})";
        if (key is not null)
        {
            field = $"{source.Name}.{key.Key}";
            if (source.Keys.TryGetValue(key.Key, out (Token Key, List<Token> Values) written))
            {
                at = written.Values[0];
            }

            if (key.Key != attribute)
            {
                message += $" (TextNet key '{key.Key}')";
            }
        }
        else if (attribute is not null)
        {
            field = $"{source.Name}.{attribute}";
        }

        return new ModelFormatException(message, ex) { FilePath = _path, Line = at.Line, Column = at.Column, FieldPath = field };
    }
}
