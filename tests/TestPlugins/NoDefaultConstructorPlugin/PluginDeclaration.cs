using Converters.Abstractions;
using NoDefaultConstructorPlugin;

[assembly: ConverterPlugin(typeof(NeedsArgumentFormat))]
