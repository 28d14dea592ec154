using System.Globalization;
using System.Text;
using Converters.Abstractions;

namespace Converters.Plugins.Darknet.Cfg;

/// <summary>
/// A Darknet hierarchical-softmax tree file (<c>tree=</c> in [softmax] and [region], e.g. YOLO9000's
/// <c>data/9k.tree</c>), read as darknet's <c>read_tree</c> does: one node per line, "name parent"
/// (parent -1 for a root, else the index of an earlier line); consecutive lines with the same parent form
/// one group, and darknet's softmax normalises each group on its own.
/// </summary>
internal sealed class SoftmaxTree
{
    /// <summary>The largest tree file read (9k.tree is 140 KB).</summary>
    public const long MaxFileBytes = 64L << 20;

    private SoftmaxTree(string path, int[] parents, int[] groupSizes)
    {
        Path = path;
        Parents = parents;
        GroupSizes = groupSizes;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Each node's parent (-1 for a root), in file order.</summary>
    public IReadOnlyList<int> Parents { get; }

    /// <summary>The sizes of the contiguous groups, in file order (empty groups left out).</summary>
    public IReadOnlyList<int> GroupSizes { get; }

    /// <summary>The number of nodes (classes).</summary>
    public int Count => Parents.Count;

    /// <summary>
    /// Resolves the section's <c>tree</c> value and reads the file: an absolute path as is; a relative one
    /// against <paramref name="workingDirectory"/> first (darknet opens it from its working directory), then
    /// against the cfg's folder. Not found: an error at the key naming every path tried.
    /// </summary>
    public static SoftmaxTree Load(CfgSection section, CfgOption option, string workingDirectory)
    {
        IReadOnlyList<string> candidates = Candidates(option.Value, section.Path, workingDirectory);
        string? found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            string tried = string.Join(" and ", candidates.Select((c, i) => $"\"{c}\"{(candidates.Count == 1 ? string.Empty : i == 0 ? " (the working directory, as darknet opens it)" : " (the cfg's folder)")}"));
            throw section.Error(option, $"the 'tree' file \"{option.Value}\" was not found; tried {tried}. Put darknet's tree file there (YOLO9000 uses data/9k.tree) or give its absolute path; without it the hierarchical softmax cannot be reproduced");
        }

        byte[] bytes;
        try
        {
            bytes = ModelFile.ReadAllBytes(found, MaxFileBytes);
        }
        catch (ModelFormatException ex)
        {
            throw section.Error(option, $"the 'tree' file \"{found}\" cannot be read: {ex.Message}");
        }

        return Parse(found, Encoding.UTF8.GetString(bytes));
    }

    /// <summary>The paths tried for a <c>tree</c> value, in order.</summary>
    public static IReadOnlyList<string> Candidates(string value, string cfgPath, string workingDirectory)
    {
        if (System.IO.Path.IsPathRooted(value))
        {
            return [value];
        }

        string fromWorkingDirectory = System.IO.Path.GetFullPath(System.IO.Path.Combine(workingDirectory, value));
        string cfgFolder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(cfgPath, workingDirectory)) ?? workingDirectory;
        string fromCfg = System.IO.Path.GetFullPath(System.IO.Path.Combine(cfgFolder, value));
        return fromCfg == fromWorkingDirectory ? [fromWorkingDirectory] : [fromWorkingDirectory, fromCfg];
    }

    /// <summary>Parses a tree file's text; errors carry the tree file and line.</summary>
    public static SoftmaxTree Parse(string path, string text)
    {
        string[] lines = text.Split('\n');
        int count = lines.Length;
        if (count > 0 && lines[^1].Length == 0)
        {
            count--;
        }

        var parents = new int[count];
        var groups = new List<int>();
        int lastParent = -1, size = 0;
        for (int i = 0; i < count; i++)
        {
            string[] fields = lines[i].Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                throw Error(path, i, "is empty; darknet would count it as one more root class. Each line is \"name parent\"");
            }

            int parent = -1;
            if (fields.Length > 1 && !int.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out parent))
            {
                throw Error(path, i, $"has parent \"{fields[1]}\", which is not an integer. Each line is \"name parent\" (parent -1 for a root)");
            }

            if (parent < -1 || parent >= i)
            {
                throw Error(path, i, string.Create(CultureInfo.InvariantCulture, $"'{fields[0]}' has parent {parent}; a parent is -1 (root) or the index of an earlier line (0..{i - 1})"));
            }

            if (parent != lastParent)
            {
                if (size > 0)
                {
                    groups.Add(size);
                }

                size = 0;
                lastParent = parent;
            }

            parents[i] = parent;
            size++;
        }

        if (count == 0)
        {
            throw new ModelFormatException("the tree file has no lines; each line is \"name parent\"") { FilePath = path, Line = 1, Column = 1 };
        }

        groups.Add(size);
        return new SoftmaxTree(path, parents, [.. groups]);
    }

    private static ModelFormatException Error(string path, int line, string message) =>
        new($"line {(line + 1).ToString(CultureInfo.InvariantCulture)} {message}") { FilePath = path, Line = line + 1, Column = 1 };
}
