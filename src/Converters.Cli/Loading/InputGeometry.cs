using Converters.Ir;
using Converters.Ir.Diagnostics;
using Converters.Ir.Schemas;

namespace Converters.Cli.Loading;

/// <summary>
/// Gives a model another input size or batch: a copy of its graph (nodes and initializers shared)
/// whose NCHW image input has the new dimensions, with every shape inferred again. Models whose
/// layers fix the size (a Reshape to constant dimensions, a fully connected layer after the
/// convolutions) fail with the node that cannot take it.
/// </summary>
internal static class InputGeometry
{
    /// <summary>Parses <c>WxH</c> (or a single <c>N</c> for N×N).</summary>
    /// <exception cref="InputFormatException">The text is not a size.</exception>
    public static (int Width, int Height) ParseSize(string text, string option)
    {
        string[] parts = text.Split('x', 'X');
        if (parts.Length is 1 or 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int h)
            && w > 0 && h > 0)
        {
            return (w, h);
        }

        throw new InputFormatException($"must be WIDTHxHEIGHT (e.g. 416x416) or one positive size, got \"{text}\"") { FieldPath = option };
    }

    /// <summary>
    /// The model with its single 4-D input resized to <paramref name="width"/>×<paramref name="height"/>
    /// and/or batch <paramref name="batch"/> (null: keep), shapes inferred; the model itself when nothing changes.
    /// </summary>
    /// <exception cref="InputFormatException">The model has no single NCHW input, or cannot run at that size.</exception>
    public static Model Resize(Model model, int? width, int? height, int? batch, string option)
    {
        Graph source = model.Graph;
        if (width is null && height is null && batch is null)
        {
            return model;
        }

        if (source.Inputs.Count != 1 || source.Inputs[0].Shape.Rank != 4)
        {
            string inputs = string.Join(", ", source.Inputs.Select(i => $"{i.Name} {i.Shape}"));
            throw new InputFormatException($"needs a model with one NCHW input; this one has {inputs}") { FieldPath = option };
        }

        ValueInfo input = source.Inputs[0];
        TensorShape shape = TensorShape.Of(batch ?? input.Shape[0], input.Shape[1], height ?? input.Shape[2], width ?? input.Shape[3]);
        if (shape == input.Shape)
        {
            return model;
        }

        var graph = new Graph { Name = source.Name };
        graph.Inputs.Add(input with { Shape = shape });
        graph.Outputs.AddRange(source.Outputs);
        graph.Nodes.AddRange(source.Nodes);
        foreach ((string name, TensorData tensor) in source.Initializers)
        {
            graph.Initializers.Add(name, tensor);
        }

        try
        {
            ShapeInference.Run(graph);
        }
        catch (IrValidationException ex)
        {
            throw new InputFormatException($"the model cannot run with input {shape}: {ex.Message}", ex) { FieldPath = option };
        }

        var resized = new Model(graph) { SourceFormat = model.SourceFormat, ProducerName = model.ProducerName };
        foreach ((string key, AttributeValue value) in model.Metadata)
        {
            resized.Metadata.Add(key, value);
        }

        return resized;
    }
}
