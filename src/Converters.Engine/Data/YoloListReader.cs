using System.Globalization;

namespace Converters.Engine.Data;

/// <summary>
/// Opens <c>yolo:LIST.txt</c>: one image path per line (relative to the list file; <c>#</c>
/// comments and blank lines skipped). Each image's label file is found as Darknet does: the first
/// <c>images</c> in the path becomes <c>labels</c>, then <c>JPEGImages</c> becomes <c>labels</c>,
/// and the extension becomes <c>.txt</c>. A label line is <c>class x y w h</c>, relative to the
/// image; a missing label file means no boxes. Class names come from <c>names=FILE</c>, else
/// <c>classes=N</c>, else the largest class id + 1.
/// </summary>
internal static class YoloListReader
{
    /// <summary>The keys of <c>yolo:</c>.</summary>
    public static readonly string[] Keys = [.. DatasetKeys.Common, "names", "classes"];

    /// <summary>Opens the dataset.</summary>
    public static IDataset Open(DatasetSpecText spec, DatasetOpenOptions options)
    {
        spec.CheckKeys(Keys);
        string listPath = DatasetKeys.Resolve(options, DatasetKeys.RequireLocation(spec, "a list file of image paths"));
        if (!File.Exists(listPath))
        {
            throw spec.Error("location", $"expected a list file {listPath}, found none");
        }

        string[]? names = null;
        if (spec.GetString("names") is string namesFile)
        {
            string namesPath = DatasetKeys.Resolve(options, namesFile);
            if (!File.Exists(namesPath))
            {
                throw spec.Error("names", $"key 'names' must name an existing file of class names, got {namesFile}");
            }

            names = [.. File.ReadAllLines(namesPath).Select(l => l.Trim()).Where(l => l.Length > 0)];
        }

        int? classes = spec.GetInt("classes", 1, 1_000_000);
        if (names is not null && classes is int k && k != names.Length)
        {
            throw spec.Error("classes", $"key 'classes' must match the {names.Length} names in {spec.GetString("names")}, got {k}");
        }

        int? classLimit = names?.Length ?? classes;
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(listPath))!;
        var paths = new List<string>();
        var boxes = new List<BoundingBox[]>();
        string[] lines = File.ReadAllLines(listPath);
        int maxClass = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string imagePath = Path.Combine(baseDirectory, line);
            if (!File.Exists(imagePath))
            {
                throw new DatasetException($"expected an image file {line} (relative to the list file), found none") { FilePath = listPath, Line = i + 1, FieldPath = "path" };
            }

            BoundingBox[] imageBoxes = ReadLabels(LabelPath(imagePath), classLimit);
            maxClass = Math.Max(maxClass, imageBoxes.Length == 0 ? -1 : imageBoxes.Max(b => b.ClassId));
            paths.Add(imagePath);
            boxes.Add(imageBoxes);
        }

        if (paths.Count == 0)
        {
            throw new DatasetException("expected at least one image path, found none") { FilePath = listPath, Line = lines.Length, FieldPath = "path" };
        }

        names ??= [.. Enumerable.Range(0, classes ?? (maxClass + 1)).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        int[] indexes = DatasetKeys.Select(spec, paths.Count);
        (int channels, int height, int width) = ImageFileDataset.ProbeFirst(paths[indexes.Length > 0 ? indexes[0] : 0]);
        SamplePreprocessor preprocessor = DatasetKeys.CreatePreprocessor(spec, options, channels, height, width);
        return new ImageFileDataset($"yolo:{spec.Location}", names, preprocessor, indexes, [.. paths], null, [.. boxes]);
    }

    /// <summary>Darknet's label path of an image: images → labels, JPEGImages → labels, extension → .txt.</summary>
    public static string LabelPath(string imagePath)
    {
        string path = ReplaceFirst(imagePath, "images", "labels");
        path = ReplaceFirst(path, "JPEGImages", "labels");
        return Path.ChangeExtension(path, ".txt");
    }

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }

    private static BoundingBox[] ReadLabels(string labelPath, int? classLimit)
    {
        if (!File.Exists(labelPath))
        {
            return [];
        }

        var boxes = new List<BoundingBox>();
        string[] lines = File.ReadAllLines(labelPath);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 5 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int classId))
            {
                throw new DatasetException($"expected 'class x y w h' (an integer class and four numbers), found \"{line}\"") { FilePath = labelPath, Line = i + 1, FieldPath = "class" };
            }

            if (classLimit is int limit && classId >= limit)
            {
                throw new DatasetException($"expected a class id below {limit}, found {classId}") { FilePath = labelPath, Line = i + 1, FieldPath = "class" };
            }

            float[] values = new float[4];
            string[] fields = ["x", "y", "w", "h"];
            for (int v = 0; v < 4; v++)
            {
                if (!float.TryParse(parts[v + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out values[v]) || !(values[v] >= 0 && values[v] <= 1))
                {
                    throw new DatasetException($"expected '{fields[v]}' as a number in 0..1 (relative to the image), found {parts[v + 1]}") { FilePath = labelPath, Line = i + 1, FieldPath = fields[v] };
                }
            }

            boxes.Add(new BoundingBox(classId, values[0], values[1], values[2], values[3]));
        }

        return [.. boxes];
    }
}
