using Converters.Abstractions;
using Converters.Plugins.Darknet;

// The host reads this attribute to find the format this plugin provides.
[assembly: ConverterPlugin(typeof(DarknetFormat))]
