namespace Converters.Samples.TextNet.Ops;

/// <summary>An op TextNet can express: its IR op type (the same name), its parameters and its keys.</summary>
internal sealed class TextNetOp
{
    public TextNetOp(string name, ParameterStyle parameters, params OpKey[] keys)
    {
        Name = name;
        Parameters = parameters;
        Keys = keys;
    }

    /// <summary>The op name, in TextNet and in the IR.</summary>
    public string Name { get; }

    /// <summary>The parameters it takes after its data input.</summary>
    public ParameterStyle Parameters { get; }

    /// <summary>The keys a node line may set, in the order the writer writes them.</summary>
    public IReadOnlyList<OpKey> Keys { get; }

    /// <summary>The key named <paramref name="key"/>, or null.</summary>
    public OpKey? FindKey(string key) => Keys.FirstOrDefault(k => k.Key == key);

    /// <summary>The key that sets IR attribute <paramref name="irName"/>, or null.</summary>
    public OpKey? FindByIrName(string irName) => Keys.FirstOrDefault(k => k.IrName == irName);
}
