using System.Text;
using Converters.Abstractions;
using Converters.Ir.Diagnostics;
using Converters.Testing;

namespace Converters.Samples.TextNet.Tests.Reading;

/// <summary>Every kind of reader error: exception type, file, line, column, field path and message.</summary>
public sealed class TextNetReaderErrorTests : IDisposable
{
    /// <summary>Lines 1 to 3 of most test files; the line under test is line 4.</summary>
    private const string Prefix = "textnet 1\ninput data float32 1x3x8x8\nweights seed=1\n";

    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_UnknownOp_NamesOpAndListsSupportedOps()
    {
        // Given a node with an op TextNet does not know
        const string Line = "conv1 = Convolution(data) filters=4 kernel=3";

        // When it is read
        UnsupportedOperatorException ex = Should.Throw<UnsupportedOperatorException>(() => Read(Prefix + Line + "\noutput conv1\n"));

        // Then the error points at the op and lists the supported ones
        AssertAt(ex, line: 4, column: ColumnOf(Line, "Convolution"), field: "conv1.op");
        ex.OperatorName.ShouldBe("Convolution");
        ex.Message.ShouldContain("'Convolution'");
        ex.Message.ShouldContain("supported: Add, AveragePool, BatchNormalization, Concat, Conv,");
    }

    [Fact]
    public void Read_NonIntegerFilters_SaysWhatWasExpectedAndFound()
    {
        // Given filters=abc
        const string Line = "conv1 = Conv(data) filters=abc kernel=3";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput conv1\n");

        // Then the error points at the value
        AssertAt(ex, line: 4, column: ColumnOf(Line, "abc"), field: "conv1.filters");
        ex.Message.ShouldBe("'filters' must be a positive integer, got \"abc\"");
        ex.ToDiagnostic().ShouldBe($"{ex.FilePath}:4:{ColumnOf(Line, "abc")}: conv1.filters: 'filters' must be a positive integer, got \"abc\"");
    }

    [Theory]
    [InlineData("conv1 = Conv(data) filters=-1 kernel=3", "-1", "conv1.filters", "'filters' must be a positive integer")]
    [InlineData("conv1 = Conv(data) filters=99999999999 kernel=3", "99999999999", "conv1.filters", "'filters' must be a positive integer")]
    [InlineData("conv1 = Conv(data) filters=4 kernel=3x", "3x", "conv1.kernel", "'kernel' must be a positive integer or a HxW pair")]
    [InlineData("conv1 = Conv(data) filters=4 kernel=3 pad=1,2", "1,2", "conv1.pad", "'pad' must be P or T,L,B,R")]
    [InlineData("conv1 = Conv(data) filters=4 kernel=3 bias=2", "2", "conv1.bias", "'bias' must be 0 or 1")]
    [InlineData("act = LeakyRelu(data) alpha=1e309", "1e309", "act.alpha", "'alpha' must be a finite number")]
    [InlineData("act = Softmax(data) axis=one", "one", "act.axis", "'axis' must be an integer")]
    public void Read_BadKeyValue_PointsAtValue(string line, string value, string field, string message)
    {
        // Given a key with a value of the wrong form; When it is read
        ModelFormatException ex = ReadFails(Prefix + line + "\noutput data\n");

        // Then the error points at the value and says what was expected
        AssertAt(ex, line: 4, column: ColumnOf(line, "=" + value) + 1, field: field);
        ex.Message.ShouldStartWith(message);
        ex.Message.ShouldEndWith($"got \"{value}\"");
    }

    [Fact]
    public void Read_NodeWithoutEquals_SaysEqualsIsMissing()
    {
        // Given a node line without '='
        const string Line = "conv1 Conv(data) filters=4 kernel=3";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput data\n");

        // Then the error points at the token where '=' was expected
        AssertAt(ex, line: 4, column: ColumnOf(Line, "Conv("), field: "conv1");
        ex.Message.ShouldStartWith("expected '=' after the value name \"conv1\"");
        ex.Message.ShouldContain("found \"Conv\"");
    }

    [Fact]
    public void Read_KeyWithoutEquals_SaysEqualsIsMissing()
    {
        // Given a key not followed by '='
        const string Line = "conv1 = Conv(data) filters 4 kernel=3";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput data\n");

        // Then the error points at the token after the key
        AssertAt(ex, line: 4, column: ColumnOf(Line, "4"), field: "conv1.filters");
        ex.Message.ShouldBe("expected '=' after \"filters\", found \"4\"");
    }

    [Fact]
    public void Read_UndefinedInput_NamesInputAndPosition()
    {
        // Given a node reading a name nothing defines
        const string Line = "act = Relu(dta)";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput act\n");

        // Then the error points at the input
        AssertAt(ex, line: 4, column: ColumnOf(Line, "dta"), field: "act.inputs[0]");
        ex.Message.ShouldStartWith("undefined input \"dta\"");
    }

    [Fact]
    public void Read_InputDefinedLater_IsUndefinedWhereUsed()
    {
        // Given a node that reads a value defined on the next line (nodes must be in order)
        const string Line = "a = Relu(b)";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\nb = Relu(data)\noutput a\n");

        // Then it is undefined at its use
        AssertAt(ex, line: 4, column: ColumnOf(Line, "b)"), field: "a.inputs[0]");
    }

    [Fact]
    public void Read_DuplicateValueName_PointsAtSecondDefinition()
    {
        // Given two nodes named "a" on lines 4 and 5
        string text = Prefix + "a = Relu(data)\na = Sigmoid(data)\noutput a\n";

        // When it is read
        ModelFormatException ex = ReadFails(text);

        // Then the error is at the second and names the first
        AssertAt(ex, line: 5, column: 1, field: "a");
        ex.Message.ShouldStartWith("duplicate name \"a\": already defined as a node on line 4");
    }

    [Fact]
    public void Read_NodeNamedLikeGeneratedTensor_IsDuplicate()
    {
        // Given a node whose name is the generated weight name of an earlier conv
        string text = Prefix + "c = Conv(data) filters=4 kernel=1\nc.weight = Relu(c)\noutput c.weight\n";

        // When it is read
        ModelFormatException ex = ReadFails(text);

        // Then it is a duplicate of the generated tensor
        AssertAt(ex, line: 5, column: 1, field: "c.weight");
        ex.Message.ShouldContain("already defined as a generated tensor on line 4");
    }

    [Fact]
    public void Read_GroupNotDividingChannels_PointsAtNodeLineWithIrError()
    {
        // Given a conv whose group (2) does not divide the 3 input channels
        const string Line = "conv1 = Conv(data) filters=4 kernel=3 group=2";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput conv1\n");

        // Then the IR's error points at this line and the group value, and is kept as the cause
        AssertAt(ex, line: 4, column: ColumnOf(Line, "group=2") + "group=".Length, field: "conv1.group");
        ex.Message.ShouldBe("Conv 'conv1': attribute 'group'=2 does not divide input channels 3");
        IrValidationException inner = ex.InnerException.ShouldBeOfType<IrValidationException>();
        inner.NodeName.ShouldBe("conv1");
        inner.AttributeName.ShouldBe("group");
    }

    [Fact]
    public void Read_IrErrorOnRenamedKey_NamesTextNetKey()
    {
        // Given a pooling window larger than the 8x8 input
        const string Line = "pool = MaxPool(data) kernel=9";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput pool\n");

        // Then the IR attribute kernel_shape is mapped back to the key 'kernel'
        AssertAt(ex, line: 4, column: ColumnOf(Line, "9"), field: "pool.kernel");
        ex.Message.ShouldContain("attribute 'kernel_shape'");
        ex.Message.ShouldEndWith("(TextNet key 'kernel')");
    }

    [Fact]
    public void Read_IrErrorWithoutAttribute_PointsAtNodeName()
    {
        // Given an Add of a 3-channel and a 4-channel value (on line 5)
        string text = Prefix + "c = Conv(data) filters=4 kernel=1\n  sum = Add(c, data)\noutput sum\n";

        // When it is read
        ModelFormatException ex = ReadFails(text);

        // Then the error points at the node's name
        AssertAt(ex, line: 5, column: 3, field: "sum");
        ex.Message.ShouldContain("do not broadcast");
        ex.InnerException.ShouldBeOfType<IrValidationException>();
    }

    [Fact]
    public void Read_TruncatedBeforeOutput_SaysFileIsTruncated()
    {
        // Given the sample cut after its last node line (no output line)
        string sample = File.ReadAllText(TextNetTestFiles.TinyCnnPath);
        string text = sample[..sample.IndexOf("\noutput", StringComparison.Ordinal)];

        // When it is read
        ModelFormatException ex = ReadFails(text);

        // Then the error is at the end of the file
        int lines = text.Count(c => c == '\n') + 1;
        int lastLineLength = text.Length - (text.LastIndexOf('\n') + 1);
        AssertAt(ex, line: lines, column: lastLineLength + 1, field: "output");
        ex.Message.ShouldContain("is it truncated?");
    }

    [Fact]
    public void Read_TruncatedInsideTensor_CountsValuesRead()
    {
        // Given a 2x2 tensor with 3 values and then the end of the file
        const string Line = "tensor w float32 2x2: 1 2 3";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line);

        // Then the error is at the end of the file and names the missing value
        AssertAt(ex, line: 4, column: Line.Length + 1, field: "w[3]");
        ex.Message.ShouldBe("the file ends after 3 of the 4 values of tensor \"w\"; is it truncated?");
    }

    [Fact]
    public void Read_TensorLongerThanRestOfFile_RefusesBeforeAllocating()
    {
        // Given a tensor declaring 2^28 values in a file of a few bytes
        const string Line = "tensor w float32 16384x16384: 1";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\n");

        // Then the declared size is refused at the shape
        AssertAt(ex, line: 4, column: ColumnOf(Line, "16384x"), field: "w");
        ex.Message.ShouldContain("declares 268435456 values but only");
    }

    [Theory]
    [InlineData("tensor w float32 2: 1 1e309", "1e309", "w[1]")]
    [InlineData("tensor w float32 2: 1 NaN", "NaN", "w[1]")]
    [InlineData("tensor w float32 2: 0x7FC0 1", "0x7FC0", "w[0]")]
    [InlineData("tensor w float32 2: 1 2 3", "3", "w")]
    public void Read_BadTensorValue_PointsAtValue(string line, string value, string field)
    {
        // Given a tensor with a bad or extra value; When it is read
        ModelFormatException ex = ReadFails(Prefix + line + "\noutput data\n");

        // Then the error points at that value
        AssertAt(ex, line: 4, column: line.LastIndexOf(value, StringComparison.Ordinal) + 1, field: field);
        ex.Message.ShouldContain($"\"{value}\"");
    }

    [Theory]
    [InlineData("textnt 1\n", 1, 1, "header", "expected the header \"textnet 1\", found \"textnt\"")]
    [InlineData("textnet 2\n", 1, 9, "header.version", "unsupported TextNet version \"2\"; this reader reads version 1")]
    [InlineData("textnet\ninput x float32 1\n", 1, 8, "header.version", "expected a version number after 'textnet', found end of line")]
    [InlineData("\n\n", 3, 1, "header", "the file is empty")]
    [InlineData("# a comment\ntextnet 1 extra\n", 2, 11, "header", "unexpected \"extra\" after the header")]
    public void Read_BadHeader_PointsAtHeader(string text, int line, int column, string field, string message)
    {
        // Given a file whose header is wrong; When it is read
        ModelFormatException ex = ReadFails(text);

        // Then the error points at the header
        AssertAt(ex, line, column, field);
        ex.Message.ShouldStartWith(message);
    }

    [Fact]
    public void Read_GeneratedWeightsWithoutSeed_AsksForWeightsLine()
    {
        // Given a conv to generate and no 'weights seed=' line
        string text = "textnet 1\ninput data float32 1x3x8x8\nconv1 = Conv(data) filters=4 kernel=3\noutput conv1\n";

        // When it is read
        ModelFormatException ex = ReadFails(text);

        // Then the error is at the node and says what to add
        AssertAt(ex, line: 3, column: 1, field: "conv1");
        ex.Message.ShouldContain("no 'weights seed=N' line comes before it");
    }

    [Fact]
    public void Read_ConvWithoutFilters_NamesMissingKey()
    {
        // Given a conv to generate without filters; When it is read
        ModelFormatException ex = ReadFails(Prefix + "conv1 = Conv(data) kernel=3\noutput conv1\n");

        // Then the missing key is named
        AssertAt(ex, line: 4, column: 1, field: "conv1.filters");
        ex.Message.ShouldStartWith("Conv \"conv1\" needs 'filters'");
    }

    [Fact]
    public void Read_GenerationKeyWithExplicitWeights_IsRejected()
    {
        // Given a conv with an explicit weight tensor and filters=
        const string Line = "conv1 = Conv(data, w) filters=1";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + "tensor w float32 1x3x1x1: 1 2 3\n" + Line + "\noutput conv1\n");

        // Then the key is refused
        AssertAt(ex, line: 5, column: ColumnOf(Line, "filters"), field: "conv1.filters");
        ex.Message.ShouldContain("only applies when Conv generates its parameters");
    }

    [Fact]
    public void Read_UnknownKey_ListsTheOpsKeys()
    {
        // Given a key LeakyRelu does not have
        const string Line = "act = LeakyRelu(data) slope=0.1";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput act\n");

        // Then the error lists its keys
        AssertAt(ex, line: 4, column: ColumnOf(Line, "slope"), field: "act.slope");
        ex.Message.ShouldBe("LeakyRelu has no key 'slope'; its keys are alpha");
    }

    [Fact]
    public void Read_GenerationOverBudget_RefusesBeforeAllocating()
    {
        // Given a conv that would generate 4096 x 4096 x 3 x 3 = 150,994,944 values (> 2^24)
        string text = "textnet 1\ninput data float32 1x4096x8x8\nweights seed=1\nc = Conv(data) filters=4096 kernel=3\noutput c\n";

        // When it is read
        ModelFormatException ex = ReadFails(text);

        // Then the node is refused
        AssertAt(ex, line: 4, column: 1, field: "c");
        ex.Message.ShouldContain("over 16777216 (2^24)");
    }

    [Fact]
    public void Read_ShapeOverLimit_IsRefused()
    {
        // Given an input of 65536 x 65536 = 2^32 elements
        const string Line = "input big float32 65536x65536";

        // When it is read
        ModelFormatException ex = ReadFails("textnet 1\n" + Line + "\n");

        // Then the shape is refused
        AssertAt(ex, line: 2, column: ColumnOf(Line, "65536x"), field: "big.shape");
        ex.Message.ShouldContain("more than 268435456 (2^28) elements");
    }

    [Fact]
    public void Read_UpsampleOverflowingShape_IsFormatErrorAtNode()
    {
        // Given an upsample whose output would overflow a dimension
        const string Line = "up = Upsample(data) scale=2147483647";

        // When it is read
        ModelFormatException ex = ReadFails(Prefix + Line + "\noutput up\n");

        // Then it is a format error at the node (not an OverflowException)
        ex.Line.ShouldBe(4);
        ex.FieldPath.ShouldStartWith("up");
    }

    [Fact]
    public void Read_StatementAfterOutput_IsRejected()
    {
        // Given a node after the output line
        ModelFormatException ex = ReadFails(Prefix + "output data\nact = Relu(data)\n");

        // Then it is refused
        AssertAt(ex, line: 5, column: 1, field: "output");
        ex.Message.ShouldStartWith("nothing may follow the 'output' line (line 4)");
    }

    [Fact]
    public void Read_UnknownOutput_IsRejected()
    {
        // Given an output nothing defines
        ModelFormatException ex = ReadFails(Prefix + "output data, prob\n");

        // Then the name is refused
        AssertAt(ex, line: 4, column: 14, field: "output");
        ex.Message.ShouldBe("output \"prob\" is not defined by an input, tensor or node");
    }

    [Fact]
    public void Read_UnknownStatement_ListsStatements()
    {
        // Given a misspelt keyword
        ModelFormatException ex = ReadFails("textnet 1\ninptu data float32 1x3\n");

        // Then it is named
        AssertAt(ex, line: 2, column: 1, field: null);
        ex.Message.ShouldStartWith("unknown statement \"inptu\"");
    }

    [Fact]
    public void Read_InvalidUtf8_GivesByteOffsetAndLine()
    {
        // Given a file with an invalid UTF-8 byte on line 2
        byte[] bytes = [.. "textnet 1\ninput d"u8, 0xFF, .. " float32 1\n"u8];
        string path = _folder.WriteFile("model.tnet", bytes);

        // When it is read
        ModelFormatException ex = Should.Throw<ModelFormatException>(() => TextNetTestFiles.Read(path));

        // Then it says where
        ex.ByteOffset.ShouldBe(17);
        ex.Line.ShouldBe(2);
        ex.Column.ShouldBe(8);
        ex.InnerException.ShouldBeOfType<DecoderFallbackException>();
    }

    [Fact]
    public void Read_ControlCharacter_IsRejected()
    {
        // Given a NUL character after a node's inputs (column 16: "a = Relu(data) " is 15 characters)
        ModelFormatException ex = ReadFails(Prefix + "a = Relu(data) \0\noutput a\n");

        // Then it is named with its position
        AssertAt(ex, line: 4, column: 16, field: null);
        ex.Message.ShouldStartWith("unexpected control character U+0000");
    }

    [Fact]
    public void Read_MissingFile_SaysFileNotFound()
    {
        // Given a path with no file; When it is read
        string path = _folder.Combine("missing.tnet");
        ModelFormatException ex = Should.Throw<ModelFormatException>(
            () => new TextNetFormat().Read([new ModelFile(path, ReadOnlyMemory<byte>.Empty, 0)], FormatOptions.Empty));

        // Then the error names the file
        ex.FilePath.ShouldBe(path);
        ex.Message.ShouldBe("cannot read the file: file not found");
    }

    private static int ColumnOf(string line, string fragment)
    {
        int index = line.IndexOf(fragment, StringComparison.Ordinal);
        index.ShouldBeGreaterThanOrEqualTo(0);
        return index + 1;
    }

    private ModelFormatException ReadFails(string text) => Should.Throw<ModelFormatException>(() => Read(text));

    private void Read(string text) => TextNetTestFiles.ReadText(_folder, text);

    private void AssertAt(ModelFormatException ex, int line, int column, string? field)
    {
        ex.FilePath.ShouldBe(_folder.Combine("model.tnet"));
        ex.Line.ShouldBe(line);
        ex.Column.ShouldBe(column);
        ex.FieldPath.ShouldBe(field);
    }
}
