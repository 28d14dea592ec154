using System.Globalization;
using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Samples.TextNet.Syntax;

namespace Converters.Samples.TextNet.Reading;

/// <summary>
/// Reads a TextNet file into a <see cref="Model"/>, statement by statement. Every error is a
/// <see cref="ModelFormatException"/> with the file, line, column and field of the token at fault;
/// IR shape errors are mapped back to the node's line (see <c>TextNetReader.Nodes.cs</c>).
/// </summary>
internal sealed partial class TextNetReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _path;
    private readonly Tokenizer _tokens;
    private readonly Graph _graph = new();

    /// <summary>Every name defined so far (inputs, tensors, nodes, generated tensors), with what and where.</summary>
    private readonly Dictionary<string, (string Kind, int Line)> _defined = new(StringComparer.Ordinal);

    /// <summary>The type and shape of every value and tensor defined so far.</summary>
    private readonly Dictionary<string, ValueInfo> _values = new(StringComparer.Ordinal);

    /// <summary>Where each node was written, to point IR errors at it.</summary>
    private readonly Dictionary<string, NodeSource> _sources = new(StringComparer.Ordinal);

    private WeightGenerator? _generator;
    private long _generatedValues;
    private int? _graphNameLine;
    private Token? _outputKeyword;

    private TextNetReader(string path, string text)
    {
        _path = path;
        _tokens = new Tokenizer(text, path);
    }

    /// <summary>Reads the TextNet file <paramref name="path"/> whose content is <paramref name="bytes"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not valid TextNet; the exception says where and what was expected.</exception>
    public static Model Read(string path, ReadOnlySpan<byte> bytes)
    {
        string text = Decode(path, bytes);
        var reader = new TextNetReader(path, text);
        reader.ParseFile();
        return new Model(reader._graph)
        {
            SourceFormat = TextNetFormat.FormatName,
            ProducerName = typeof(TextNetReader).Assembly.GetName().Name,
        };
    }

    private static string Decode(string path, ReadOnlySpan<byte> bytes)
    {
        int bom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        try
        {
            return s_strictUtf8.GetString(bytes[bom..]);
        }
        catch (DecoderFallbackException ex)
        {
            int offset = bom + Math.Max(ex.Index, 0);
            ReadOnlySpan<byte> before = bytes[..Math.Min(offset, bytes.Length)];
            int lineStart = before.LastIndexOf((byte)'\n') + 1;
            throw new ModelFormatException("invalid UTF-8: TextNet files are UTF-8 text", ex)
            {
                FilePath = path,
                Line = before.Count((byte)'\n') + 1,
                Column = offset - lineStart + 1,
                ByteOffset = offset,
            };
        }
    }

    private void ParseFile()
    {
        ParseHeader();
        while (true)
        {
            Token token = _tokens.NextSkippingNewLines();
            if (token.Kind == TokenKind.End)
            {
                break;
            }

            if (_outputKeyword is { } output)
            {
                throw Error(token, "output", $"nothing may follow the 'output' line (line {output.Line}), found {Describe(token)}");
            }

            if (token.Kind != TokenKind.Word)
            {
                throw Error(token, null, $"expected a statement (graph, input, weights, tensor, output or NAME = Op(inputs) ...), found {Describe(token)}");
            }

            if (_tokens.Peek().Kind == TokenKind.Equals)
            {
                ParseNode(token);
                continue;
            }

            switch (_tokens.TextOf(token))
            {
                case "graph":
                    ParseGraphName(token);
                    break;
                case "input":
                    ParseInput();
                    break;
                case "weights":
                    ParseWeights();
                    break;
                case "tensor":
                    ParseTensor();
                    break;
                case "output":
                    ParseOutput();
                    _outputKeyword = token;
                    break;
                default:
                    throw UnknownStatement(token);
            }
        }

        if (_outputKeyword is null)
        {
            throw Error(_tokens.Peek(), "output", "the file ends without an 'output' line naming the graph outputs; is it truncated?");
        }

        VerifyGraph();
    }

    private void ParseHeader()
    {
        Token first = _tokens.NextSkippingNewLines();
        if (first.Kind == TokenKind.End)
        {
            throw Error(first, "header", "the file is empty; a TextNet file starts with the header \"textnet 1\"");
        }

        if (!first.IsWord(_tokens.Text, "textnet"))
        {
            throw Error(first, "header", $"expected the header \"textnet 1\", found {Describe(first)}; is this a TextNet file?");
        }

        Token version = _tokens.Next();
        if (version.Kind != TokenKind.Word)
        {
            throw Error(version, "header.version", $"expected a version number after 'textnet', found {Describe(version)}");
        }

        if (!version.IsWord(_tokens.Text, "1"))
        {
            throw Error(version, "header.version", $"unsupported TextNet version {Describe(version)}; this reader reads version 1");
        }

        ExpectEndOfLine("header", "the header");
    }

    private void ParseGraphName(Token keyword)
    {
        Token name = ExpectWord("graph", "a graph name");
        if (_graphNameLine is int line)
        {
            throw Error(keyword, "graph", $"the graph name is already set on line {line}");
        }

        _graphNameLine = keyword.Line;
        _graph.Name = _tokens.TextOf(name);
        ExpectEndOfLine("graph", "the graph name");
    }

    private void ParseInput()
    {
        Token nameToken = ExpectWord("input", "an input name");
        string name = Define(nameToken, "an input");
        ExpectFloat32(name);
        Token shapeToken = ExpectWord($"{name}.shape", "a shape such as 1x3x32x32");
        TensorShape shape = ParseShape(shapeToken, $"{name}.shape", allowZero: false);
        ExpectEndOfLine(name, $"the shape of input \"{name}\"");

        var info = new ValueInfo(name, DataType.Float32, shape);
        _graph.Inputs.Add(info);
        _values[name] = info;
    }

    private void ParseWeights()
    {
        Token key = ExpectWord("weights", "seed=N");
        if (!key.IsWord(_tokens.Text, "seed"))
        {
            throw Error(key, "weights", $"expected seed=N after 'weights', found {Describe(key)}");
        }

        ExpectEquals(key, "weights.seed");
        Token value = ExpectWord("weights.seed", "a seed");
        if (!uint.TryParse(_tokens.Span(value), NumberStyles.None, CultureInfo.InvariantCulture, out uint seed))
        {
            throw Error(value, "weights.seed", $"'seed' must be an integer from 0 to 4294967295, got {Describe(value)}");
        }

        ExpectEndOfLine("weights", "the seed");
        _generator = new WeightGenerator(seed);
    }

    private void ParseTensor()
    {
        Token nameToken = ExpectWord("tensor", "a tensor name");
        string name = Define(nameToken, "a tensor");
        ExpectFloat32(name);
        Token shapeToken = ExpectWord($"{name}.shape", "a shape such as 8x3x3x3");
        TensorShape shape = ParseShape(shapeToken, $"{name}.shape", allowZero: true);
        Token colon = _tokens.Next();
        if (colon.Kind != TokenKind.Colon)
        {
            throw Error(colon, name, $"expected ':' and the values after the shape of tensor \"{name}\", found {Describe(colon)}");
        }

        // Every value takes at least one character and one separator: refuse before allocating
        // when the rest of the file cannot hold them.
        long count = shape.ElementCount;
        if (count > (_tokens.Remaining / 2) + 1)
        {
            throw Error(shapeToken, name, $"tensor \"{name}\" declares {count} values but only {_tokens.Remaining} characters follow; is the file truncated?");
        }

        var data = new float[count];
        for (int i = 0; i < data.Length; i++)
        {
            Token value = _tokens.NextSkippingNewLines();
            string field = string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]");
            if (value.Kind == TokenKind.End)
            {
                throw Error(value, field, $"the file ends after {i} of the {count} values of tensor \"{name}\"; is it truncated?");
            }

            if (value.Kind != TokenKind.Word || !TryParseFloat32(_tokens.Span(value), out data[i]))
            {
                throw Error(value, field, $"value {i} of tensor \"{name}\" must be a finite float32 number or 0x and 8 hex digits (raw bits), got {Describe(value)}");
            }
        }

        ExpectEndOfLine(name, $"the {count} values of tensor \"{name}\"");
        TensorData tensor = TensorData.Create(shape, data);
        _graph.AddInitializer(name, tensor);
        _values[name] = new ValueInfo(name, DataType.Float32, shape);
    }

    private void ParseOutput()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Token token = ExpectWord("output", "the name of a graph output");
        while (true)
        {
            string name = _tokens.TextOf(token);
            if (!_values.ContainsKey(name))
            {
                throw Error(token, "output", $"output \"{name}\" is not defined by an input, tensor or node");
            }

            if (!seen.Add(name))
            {
                throw Error(token, "output", $"output \"{name}\" is listed twice");
            }

            _graph.Outputs.Add(name);
            Token next = _tokens.Next();
            if (next.Kind is TokenKind.NewLine or TokenKind.End)
            {
                return;
            }

            token = next.Kind == TokenKind.Comma ? ExpectWord("output", "the name of a graph output") : next;
            if (token.Kind != TokenKind.Word)
            {
                throw Error(token, "output", $"expected the name of a graph output, found {Describe(token)}");
            }
        }
    }

    /// <summary>
    /// A line that starts with a word that is no keyword and is not followed by '='. If it looks
    /// like a node (<c>conv1 Conv(data)</c>), say the '=' is missing.
    /// </summary>
    private ModelFormatException UnknownStatement(Token first)
    {
        string word = _tokens.TextOf(first);
        Token second = _tokens.Next();
        if (second.Kind == TokenKind.Word && _tokens.Peek().Kind == TokenKind.LeftParen)
        {
            return Error(second, word, $"expected '=' after the value name \"{word}\" (a node reads NAME = Op(inputs) key=value ...), found {Describe(second)}");
        }

        return Error(first, null, $"unknown statement \"{word}\"; expected graph, input, weights, tensor, output or a node NAME = Op(inputs) key=value ...");
    }

    /// <summary>Registers <paramref name="nameToken"/> as a new name, or fails if it is taken.</summary>
    private string Define(Token nameToken, string kind)
    {
        string name = _tokens.TextOf(nameToken);
        if (_defined.TryGetValue(name, out (string Kind, int Line) previous))
        {
            throw Error(nameToken, name, $"duplicate name \"{name}\": already defined as {previous.Kind} on line {previous.Line}; every input, tensor and node needs its own name");
        }

        _defined[name] = (kind, nameToken.Line);
        return name;
    }

    private void ExpectFloat32(string name)
    {
        Token type = ExpectWord($"{name}.type", "a data type (float32)");
        if (!type.IsWord(_tokens.Text, "float32"))
        {
            throw Error(type, $"{name}.type", $"unsupported data type {Describe(type)}; TextNet inputs and tensors are float32");
        }
    }

    /// <summary>Parses <c>1x3x32x32</c>: positive integers (or zero, for tensors) separated by 'x', within the rank and size limits.</summary>
    private TensorShape ParseShape(Token token, string field, bool allowZero)
    {
        ReadOnlySpan<char> text = _tokens.Span(token);
        var dims = new List<int>();
        long elements = 1;
        foreach (Range part in text.Split('x'))
        {
            if (!int.TryParse(text[part], NumberStyles.None, CultureInfo.InvariantCulture, out int dim) || (dim == 0 && !allowZero))
            {
                string what = allowZero ? "non-negative" : "positive";
                throw Error(token, field, $"expected a shape such as 1x3x32x32 ({what} integers up to 2147483647 separated by 'x'), got {Describe(token)}");
            }

            if (dims.Count == TextNetLimits.MaxRank)
            {
                throw Error(token, field, $"shape {Describe(token)} has more than {TextNetLimits.MaxRank} dimensions");
            }

            dims.Add(dim);
            elements = SaturatingProduct(elements, dim);
        }

        if (elements > TextNetLimits.MaxElements)
        {
            throw Error(token, field, $"shape {Describe(token)} has more than {TextNetLimits.MaxElements} (2^28) elements, the most TextNet allows");
        }

        return new TensorShape(dims);
    }

    /// <summary>A float32 as decimal (finite) or as <c>0x</c> and exactly 8 hex digits of raw bits (any value).</summary>
    private static bool TryParseFloat32(ReadOnlySpan<char> text, out float value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (text.Length == 10 && uint.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint bits))
            {
                value = BitConverter.UInt32BitsToSingle(bits);
                return true;
            }

            value = 0;
            return false;
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
    }

    /// <summary>a x b, capped at <see cref="TextNetLimits.MaxElements"/> + 1 so it cannot overflow.</summary>
    private static long SaturatingProduct(long a, long b)
    {
        const long Cap = TextNetLimits.MaxElements + 1;
        return a == 0 || b == 0 ? 0 : a > Cap / b ? Cap : Math.Min(a * b, Cap);
    }

    private Token ExpectWord(string field, string expected)
    {
        Token token = _tokens.Next();
        return token.Kind == TokenKind.Word ? token : throw Error(token, field, $"expected {expected}, found {Describe(token)}");
    }

    private void ExpectEquals(Token key, string field)
    {
        Token token = _tokens.Next();
        if (token.Kind != TokenKind.Equals)
        {
            throw Error(token, field, $"expected '=' after \"{_tokens.TextOf(key)}\", found {Describe(token)}");
        }
    }

    private void ExpectEndOfLine(string field, string after)
    {
        Token token = _tokens.Next();
        if (token.Kind is not (TokenKind.NewLine or TokenKind.End))
        {
            throw Error(token, field, $"unexpected {Describe(token)} after {after}; expected the end of the line");
        }
    }

    /// <summary>A token for a message: <c>"abc"</c>, <c>end of line</c> or <c>end of file</c>.</summary>
    private string Describe(Token token)
    {
        if (token.Kind is TokenKind.NewLine or TokenKind.End)
        {
            return _tokens.TextOf(token);
        }

        string text = _tokens.TextOf(token);
        return "\"" + (text.Length > 40 ? text[..40] + "…" : text) + "\"";
    }

    private ModelFormatException Error(Token at, string? field, string message) => new(message)
    {
        FilePath = _path,
        Line = at.Line,
        Column = at.Column,
        FieldPath = field,
    };
}
