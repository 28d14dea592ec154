namespace Converters.Ir.Schemas;

/// <summary>One attribute an op declares: its type, and its default or that it is required.</summary>
public sealed class AttributeSpec
{
    private AttributeSpec(string name, AttributeKind kind, AttributeValue? defaultValue, bool required, string description)
    {
        Name = name;
        Kind = kind;
        Default = defaultValue;
        IsRequired = required;
        Description = description;
    }

    /// <summary>The attribute's name.</summary>
    public string Name { get; }

    /// <summary>Its type.</summary>
    public AttributeKind Kind { get; }

    /// <summary>The value used when the node does not set it; null when it is required or has no default.</summary>
    public AttributeValue? Default { get; }

    /// <summary>Whether every node must set it.</summary>
    public bool IsRequired { get; }

    /// <summary>What it means.</summary>
    public string Description { get; }

    /// <summary>An attribute every node must set.</summary>
    public static AttributeSpec Required(string name, AttributeKind kind, string description) => new(name, kind, null, true, description);

    /// <summary>An attribute with a default.</summary>
    public static AttributeSpec Optional(string name, AttributeValue defaultValue, string description) =>
        new(name, defaultValue.Kind, defaultValue, false, description);

    /// <summary>An attribute that may be absent and has no default (its absence means something).</summary>
    public static AttributeSpec OptionalNoDefault(string name, AttributeKind kind, string description) => new(name, kind, null, false, description);
}
