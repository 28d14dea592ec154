using Converters.Abstractions;
using WrongEntryTypePlugin;

[assembly: ConverterPlugin(typeof(NotAFormat))]
