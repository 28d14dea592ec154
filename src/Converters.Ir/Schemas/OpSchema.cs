namespace Converters.Ir.Schemas;

/// <summary>Computes a node's output types and shapes from its inputs and attributes, or fails naming the attribute.</summary>
public delegate void ShapeInferenceFunction(InferenceContext context);

/// <summary>Counts the multiply-accumulates one node performs, given its inferred shapes.</summary>
public delegate long MacCounter(InferenceContext context);

/// <summary>
/// The declaration of an operator: its inputs, outputs and typed attributes, shape inference,
/// and how many multiply-accumulates it costs. Schemas are registered in an <see cref="OpSchemaRegistry"/>.
/// </summary>
public sealed class OpSchema
{
    /// <summary>Creates a schema for <paramref name="opType"/> in <paramref name="domain"/>.</summary>
    public OpSchema(string opType, string domain = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(domain);
        OpType = opType;
        Domain = domain;
    }

    /// <summary>The operator name.</summary>
    public string OpType { get; }

    /// <summary>The domain; empty for the standard set.</summary>
    public string Domain { get; }

    /// <summary>One line on what the op computes.</summary>
    public string Summary { get; init; } = string.Empty;

    /// <summary>The inputs, in order. Only the last may be variadic.</summary>
    public IReadOnlyList<InputSpec> Inputs { get; init; } = [];

    /// <summary>The fewest outputs a node may have.</summary>
    public int MinOutputs { get; init; } = 1;

    /// <summary>The most outputs a node may have.</summary>
    public int MaxOutputs { get; init; } = 1;

    /// <summary>The attributes, in documentation order.</summary>
    public IReadOnlyList<AttributeSpec> Attributes { get; init; } = [];

    /// <summary>The shape inference function.</summary>
    public required ShapeInferenceFunction InferShapes { get; init; }

    /// <summary>The MAC counter; null for ops that do no multiply-accumulates.</summary>
    public MacCounter? CountMacs { get; init; }

    /// <summary>The fewest inputs a node may have.</summary>
    public int MinInputs
    {
        get
        {
            int n = 0;
            foreach (InputSpec spec in Inputs)
            {
                if (spec.Optional)
                {
                    break;
                }

                n++;
            }

            return n;
        }
    }

    /// <summary>The most inputs a node may have (<see cref="int.MaxValue"/> if the last is variadic).</summary>
    public int MaxInputs => Inputs.Count > 0 && Inputs[^1].Variadic ? int.MaxValue : Inputs.Count;

    /// <summary>The spec of input <paramref name="index"/> (the variadic one for indices past the end).</summary>
    public InputSpec? InputAt(int index)
    {
        if (index < Inputs.Count)
        {
            return Inputs[index];
        }

        return Inputs.Count > 0 && Inputs[^1].Variadic ? Inputs[^1] : null;
    }

    /// <summary>The attribute named <paramref name="name"/>, or null if the schema has none.</summary>
    public AttributeSpec? FindAttribute(string name)
    {
        foreach (AttributeSpec spec in Attributes)
        {
            if (spec.Name == name)
            {
                return spec;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => Domain.Length == 0 ? OpType : $"{Domain}.{OpType}";
}
