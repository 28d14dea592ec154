using Converters.Abstractions;
using Converters.Plugins.Caffe;

// The host reads this attribute to find the format this plugin provides.
[assembly: ConverterPlugin(typeof(CaffeFormat))]
