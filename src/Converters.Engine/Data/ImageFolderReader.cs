using System.Globalization;
using Converters.Engine.Data.Images;

namespace Converters.Engine.Data;

/// <summary>
/// Opens <c>folder:DIR</c> (one subfolder per class, class ids in ordinal order of the folder
/// names) and <c>list:FILE</c> (lines <c>path label</c>, paths relative to the list file,
/// <c>#</c> comments and blank lines skipped).
/// </summary>
internal static class ImageFolderReader
{
    /// <summary>The keys of <c>list:</c>.</summary>
    public static readonly string[] ListKeys = [.. DatasetKeys.Common, "classes"];

    /// <summary>Opens <c>folder:DIR</c>.</summary>
    public static IDataset OpenFolder(DatasetSpecText spec, DatasetOpenOptions options)
    {
        spec.CheckKeys(DatasetKeys.Common);
        string directory = DatasetKeys.Resolve(options, DatasetKeys.RequireLocation(spec, "a folder with one subfolder per class"));
        if (!Directory.Exists(directory))
        {
            throw spec.Error("location", $"expected a folder {directory}, found none");
        }

        string[] classes = [.. Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal)];
        if (classes.Length == 0)
        {
            throw spec.Error("location", $"expected one subfolder per class in {directory}, found no subfolders");
        }

        var paths = new List<string>();
        var labels = new List<int>();
        for (int c = 0; c < classes.Length; c++)
        {
            foreach (string file in Directory.GetFiles(Path.Combine(directory, classes[c])).Order(StringComparer.Ordinal))
            {
                string extension = Path.GetExtension(file).ToLowerInvariant();
                if (ImageDecoder.UnsupportedExtensions.Contains(extension))
                {
                    throw new DatasetException($"expected PNG, BMP or PPM/PGM/PBM images, found {extension} files, which are not decoded here; convert the images to PNG") { FilePath = file, FieldPath = "extension" };
                }

                if (ImageDecoder.Extensions.Contains(extension))
                {
                    paths.Add(file);
                    labels.Add(c);
                }
            }
        }

        if (paths.Count == 0)
        {
            throw spec.Error("location", $"expected image files ({string.Join(", ", ImageDecoder.Extensions)}) in the class subfolders of {directory}, found none");
        }

        return Create($"folder:{spec.Location}", spec, options, classes, [.. paths], [.. labels]);
    }

    /// <summary>Opens <c>list:FILE</c>.</summary>
    public static IDataset OpenList(DatasetSpecText spec, DatasetOpenOptions options)
    {
        spec.CheckKeys(ListKeys);
        string listPath = DatasetKeys.Resolve(options, DatasetKeys.RequireLocation(spec, "a list file of 'path label' lines"));
        if (!File.Exists(listPath))
        {
            throw spec.Error("location", $"expected a list file {listPath}, found none");
        }

        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(listPath))!;
        int? classes = spec.GetInt("classes", 1, 1_000_000);
        var paths = new List<string>();
        var labels = new List<int>();
        string[] lines = File.ReadAllLines(listPath);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            int split = line.LastIndexOfAny([' ', '\t']);
            string labelText = split < 0 ? "" : line[(split + 1)..];
            if (split < 0 || !int.TryParse(labelText, NumberStyles.None, CultureInfo.InvariantCulture, out int label))
            {
                throw new DatasetException($"expected 'path label' with a non-negative integer label, found \"{line}\"") { FilePath = listPath, Line = i + 1, FieldPath = "label" };
            }

            if (classes is int k && label >= k)
            {
                throw new DatasetException($"expected a label below {k} (classes={k}), found {label}") { FilePath = listPath, Line = i + 1, FieldPath = "label" };
            }

            string imagePath = Path.Combine(baseDirectory, line[..split].Trim());
            if (!File.Exists(imagePath))
            {
                throw new DatasetException($"expected an image file {line[..split].Trim()} (relative to the list file), found none") { FilePath = listPath, Line = i + 1, FieldPath = "path" };
            }

            paths.Add(imagePath);
            labels.Add(label);
        }

        if (paths.Count == 0)
        {
            throw new DatasetException("expected at least one 'path label' line, found none") { FilePath = listPath, Line = lines.Length, FieldPath = "path" };
        }

        int classCount = classes ?? (labels.Max() + 1);
        string[] names = [.. Enumerable.Range(0, classCount).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        return Create($"list:{spec.Location}", spec, options, names, [.. paths], [.. labels]);
    }

    private static ImageFileDataset Create(string source, DatasetSpecText spec, DatasetOpenOptions options, string[] classNames, string[] paths, int[] labels)
    {
        int[] indexes = DatasetKeys.Select(spec, paths.Length);
        (int channels, int height, int width) = ImageFileDataset.ProbeFirst(paths[indexes.Length > 0 ? indexes[0] : 0]);
        SamplePreprocessor preprocessor = DatasetKeys.CreatePreprocessor(spec, options, channels, height, width);
        return new ImageFileDataset(source, classNames, preprocessor, indexes, paths, labels, null);
    }
}
