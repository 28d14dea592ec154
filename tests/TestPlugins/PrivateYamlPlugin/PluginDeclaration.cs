using Converters.Abstractions;
using PrivateYamlPlugin;

[assembly: ConverterPlugin(typeof(YamlProbeFormat))]
