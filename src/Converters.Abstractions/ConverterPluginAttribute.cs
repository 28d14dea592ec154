namespace Converters.Abstractions;

/// <summary>
/// Declares a format that a plugin assembly provides: <c>[assembly: ConverterPlugin(typeof(DarknetFormat))]</c>.
/// The type must implement <see cref="IModelFormat"/> and have a public parameterless constructor.
/// The host reads these attributes instead of scanning types, so a plugin loads only what it declares.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class ConverterPluginAttribute : Attribute
{
    /// <summary>Declares <paramref name="formatType"/> as a format this assembly provides.</summary>
    public ConverterPluginAttribute(Type formatType)
    {
        ArgumentNullException.ThrowIfNull(formatType);
        FormatType = formatType;
    }

    /// <summary>The <see cref="IModelFormat"/> implementation.</summary>
    public Type FormatType { get; }
}
