using System.Globalization;
using System.Text;
using Converters.Abstractions;
using Converters.Ir;
using Converters.Plugins.Darknet.Cfg;
using Converters.Testing;
using Converters.Testing.Oracles;
using Xunit.Abstractions;

namespace Converters.Plugins.Darknet.Tests.Cfg;

/// <summary>
/// The hierarchical softmax tree (<c>tree=</c>): the file read as darknet's read_tree groups it, found
/// relative to the working directory and to the cfg, and every way it can be wrong reported at the cfg key
/// or at the tree file's line.
/// </summary>
public sealed class SoftmaxTreeTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// A four-level tree of 30 classes written the way 9k.tree is (children after their parents, siblings
    /// on consecutive lines): roots 0-2; 3-6 under 0, 7-9 under 1, 10-11 under 2; 12-16 under 3, 17-18 under
    /// 5, 19-21 under 7, 22-25 under 11; 26-27 under 12, 28-29 under 20.
    /// </summary>
    internal static string SyntheticTree()
    {
        (int Parent, int Children)[] groups = [(-1, 3), (0, 4), (1, 3), (2, 2), (3, 5), (5, 2), (7, 3), (11, 4), (12, 2), (20, 2)];
        var text = new StringBuilder();
        int id = 0;
        foreach ((int parent, int children) in groups)
        {
            for (int i = 0; i < children; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"n{id++:D8} {parent}\n");
            }
        }

        return text.ToString();
    }

    internal static readonly int[] SyntheticGroups = [3, 4, 3, 2, 5, 2, 3, 4, 2, 2];

    private static string SoftmaxCfg(string tree) => $"""
        [net]
        width=4
        height=4
        channels=3

        [convolutional]
        filters=30
        size=1
        activation=linear

        [avgpool]

        [softmax]
        groups=1
        tree={tree}

        """;

    [Fact]
    public void Parse_MultiLevelTree_GroupsConsecutiveSiblings()
    {
        // When
        SoftmaxTree tree = SoftmaxTree.Parse("synthetic.tree", SyntheticTree());

        // Then
        tree.Count.ShouldBe(30);
        tree.GroupSizes.ShouldBe(SyntheticGroups);
        tree.Parents[29].ShouldBe(20);
    }

    [Fact]
    public void Parse_DebianNineThousandTree_HasAGroupPerParentCoveringAll9418Classes()
    {
        // Given: YOLO9000's tree as Debian ships it
        const string path = "/usr/share/darknet/data/9k.tree";
        if (!Oracle.SkipOrFail(output, new OracleProbe("Debian's darknet data", File.Exists(path), $"{path} does not exist (install Debian's darknet package)")))
        {
            return;
        }

        // When
        SoftmaxTree tree = SoftmaxTree.Parse(path, File.ReadAllText(path));

        // Then: one group per distinct run of parents, roots first
        tree.Count.ShouldBe(9418);
        tree.GroupSizes.Sum().ShouldBe(9418);
        tree.GroupSizes.Count.ShouldBe(1 + tree.Parents.Where(p => p >= 0).Distinct().Count());
    }

    [Theory]
    [InlineData("a -1\n\nb 0\n", 2, "line 2 is empty; darknet would count it as one more root class. Each line is \"name parent\"")]
    [InlineData("a -1\nb x\n", 2, "line 2 has parent \"x\", which is not an integer. Each line is \"name parent\" (parent -1 for a root)")]
    [InlineData("a -1\nb 0\nc 2\n", 3, "line 3 'c' has parent 2; a parent is -1 (root) or the index of an earlier line (0..1)")]
    [InlineData("a 0\n", 1, "line 1 'a' has parent 0; a parent is -1 (root) or the index of an earlier line (0..-1)")]
    public void Parse_BadLine_FailsAtTheTreeFileLine(string text, int line, string message)
    {
        // When
        var ex = Should.Throw<ModelFormatException>(() => SoftmaxTree.Parse("bad.tree", text));

        // Then
        ex.FilePath.ShouldBe("bad.tree");
        ex.Line.ShouldBe(line);
        ex.Message.ShouldBe(message);
    }

    [Fact]
    public void Candidates_RelativePath_WorkingDirectoryFirstThenTheCfgFolder()
    {
        // Given
        string work = _folder.Combine("work");
        string cfg = _folder.Combine("models/x.cfg");

        // When
        IReadOnlyList<string> relative = SoftmaxTree.Candidates("data/9k.tree", cfg, work);
        IReadOnlyList<string> absolute = SoftmaxTree.Candidates("/usr/share/darknet/data/9k.tree", cfg, work);

        // Then
        relative.ShouldBe([Path.Combine(work, "data", "9k.tree"), _folder.Combine(Path.Combine("models", "data", "9k.tree"))]);
        absolute.ShouldBe(["/usr/share/darknet/data/9k.tree"]);
    }

    [Fact]
    public void Read_RelativeTreeNextToTheCfg_SoftmaxGetsTheTreesGroups()
    {
        // Given: the tree in data/ next to the cfg, not under the working directory
        _folder.WriteText("data/synthetic.tree", SyntheticTree());

        // When
        Model model = Reading.Read(_folder, SoftmaxCfg("data/synthetic.tree"));

        // Then
        Node softmax = model.Graph.Nodes.Single(n => n.OpType == "Softmax");
        softmax.Attributes["group_sizes"].AsInts().ShouldBe(SyntheticGroups.Select(g => (long)g));
        softmax.Metadata[DarknetMetadata.Keys].AsStrings().ShouldContain("tree=data/synthetic.tree");
    }

    [Fact]
    public void Read_TreeFileMissing_FailsAtTheKeyNamingThePathsTried()
    {
        // Given
        string cfgText = SoftmaxCfg("data/missing.tree");

        // When
        var ex = Reading.Fails<ModelFormatException>(_folder, cfgText);

        // Then: never a flat softmax
        string fromCwd = Path.GetFullPath("data/missing.tree");
        string fromCfg = _folder.Combine(Path.Combine("data", "missing.tree"));
        ex.FilePath.ShouldBe(_folder.Combine("model.cfg"));
        ex.Line.ShouldBe(15);
        ex.FieldPath.ShouldBe("[softmax] #2.tree");
        ex.Message.ShouldBe($"the 'tree' file \"data/missing.tree\" was not found; tried \"{fromCwd}\" (the working directory, as darknet opens it) and \"{fromCfg}\" (the cfg's folder). Put darknet's tree file there (YOLO9000 uses data/9k.tree) or give its absolute path; without it the hierarchical softmax cannot be reproduced");
    }

    [Fact]
    public void Read_TreeWithOtherClassCount_FailsAtTheKey()
    {
        // Given: a 30-class tree on a region of 20 classes
        string tree = _folder.WriteText("synthetic.tree", SyntheticTree());
        string cfgText = $"""
            [net]
            width=4
            height=4
            channels=3

            [convolutional]
            filters={2 * (20 + 5)}
            size=1
            activation=linear

            [region]
            classes=20
            num=2
            softmax=1
            tree={tree}

            """;

        // When
        var ex = Reading.Fails<ModelFormatException>(_folder, cfgText);

        // Then
        ex.Line.ShouldBe(15);
        ex.FieldPath.ShouldBe("[region] #1.tree");
        ex.Message.ShouldBe($"the tree file \"{tree}\" has 30 classes, but 'classes' has 20; darknet's softmax would read past them or leave values unset");
    }

    [Fact]
    public void Read_BadTreeFile_FailsAtTheTreeFileLine()
    {
        // Given
        string tree = _folder.WriteText("bad.tree", "a -1\nb 7\n");

        // When
        var ex = Reading.Fails<ModelFormatException>(_folder, SoftmaxCfg(tree));

        // Then
        ex.FilePath.ShouldBe(tree);
        ex.Line.ShouldBe(2);
        ex.Message.ShouldStartWith("line 2 'b' has parent 7");
    }

    [Fact]
    public void Write_GroupSizesWithoutATreeKey_FailsNamingTheNode()
    {
        // Given: a graph from elsewhere with a hierarchical softmax
        var graph = new Graph { Name = "g" };
        graph.Inputs.Add(new ValueInfo("x", DataType.Float32, TensorShape.Of(1, 6, 1, 1)));
        graph.Add(new Node("Softmax", "prob", ["x"], ["prob"]).With("group_sizes", AttributeValue.FromInts(2, 4)));
        graph.Outputs.Add("prob");

        // When
        var ex = Should.Throw<UnsupportedOperatorException>(() => new DarknetFormat().Write(new Model(graph), _folder.Combine("out"), "g", FormatOptions.Empty));

        // Then
        ex.Message.ShouldBe("Softmax 'prob': 'group_sizes' (a hierarchical softmax) needs a Darknet tree file, and this node was not read with one ('tree=' in the cfg)");
    }
}
