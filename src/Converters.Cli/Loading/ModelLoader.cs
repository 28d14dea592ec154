using Converters.Abstractions;
using Converters.Hosting;
using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;
using Converters.Ir.Verification;

namespace Converters.Cli.Loading;

/// <summary>Opens the files a user named, picks the format that reads them, reads and verifies the model.</summary>
internal static class ModelLoader
{
    /// <summary>Detects and reads the model named by <paramref name="paths"/> with no format options.</summary>
    /// <exception cref="ModelFormatException">A file is missing or malformed, no format reads the files, or the model is invalid.</exception>
    public static LoadedModel Load(PluginCatalog catalog, IReadOnlyList<string> paths)
    {
        (ModelFile[] files, IModelFormat format) = Detect(catalog, paths);
        return Read(files, format, FormatOptions.Empty);
    }

    /// <summary>Opens <paramref name="paths"/> and finds the format that reads them.</summary>
    /// <exception cref="ModelFormatException">A file is missing, or no loaded format reads the files.</exception>
    public static (ModelFile[] Files, IModelFormat Format) Detect(PluginCatalog catalog, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            throw new ModelFormatException("no model files given");
        }

        ModelFile[] files = [.. paths.Select(ModelFile.Open)];
        FormatMatch match = catalog.Detect(files) ?? throw NoFormat(catalog, files);
        if (!match.Format.CanRead)
        {
            throw new UnknownModelFormatException($"the {match.Format.Name} plugin recognises these files but cannot read them") { FilePath = files[0].Path };
        }

        return (files, match.Format);
    }

    /// <summary>Reads <paramref name="files"/> with <paramref name="format"/>, infers shapes and verifies the graph.</summary>
    /// <exception cref="ModelFormatException">A file is malformed or the model read is invalid.</exception>
    public static LoadedModel Read(ModelFile[] files, IModelFormat format, FormatOptions options)
    {
        Model model = format.Read(files, options);
        try
        {
            ShapeInference.Run(model.Graph);
            GraphVerifier.VerifyOrThrow(model.Graph);
        }
        catch (IrValidationException ex)
        {
            throw new ModelFormatException($"the model read by the {format.Name} plugin is not valid: {ex.Message}", ex) { FilePath = files[0].Path };
        }

        return new LoadedModel(model, format, files);
    }

    private static UnknownModelFormatException NoFormat(PluginCatalog catalog, ModelFile[] files)
    {
        string extensions = string.Join(", ", files.Select(f => f.Extension.Length == 0 ? "(none)" : f.Extension).Distinct());
        string known = catalog.Formats.Count == 0
            ? "no format plugins are loaded"
            : "loaded formats: " + string.Join("; ", catalog.Formats.Select(f => $"{f.Name} ({string.Join(", ", f.Extensions)})"));
        return new UnknownModelFormatException(
            $"no loaded plugin reads files with extension {extensions}; {known}. Add a plugin folder with --plugins DIR.")
        {
            FilePath = files[0].Path,
        };
    }
}
