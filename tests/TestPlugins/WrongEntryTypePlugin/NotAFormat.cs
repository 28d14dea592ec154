namespace WrongEntryTypePlugin;

/// <summary>Named by the plugin's attribute, but not an IModelFormat.</summary>
public sealed class NotAFormat
{
    public override string ToString() => "not a format";
}
