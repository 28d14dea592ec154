using Converters.Protobuf.Text.Tests.Schema;
using Google.Protobuf;

namespace Converters.Protobuf.Text.Tests;

/// <summary>Seeded random <see cref="Document"/>s that set every field kind, for round-trip tests.</summary>
internal static class RandomDocuments
{
    public static Document Create(Random random)
    {
        var doc = new Document
        {
            Title = Text(random),
            Scalars = new Scalars
            {
                FDouble = NotNan(BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue))),
                FFloat = (float)NotNan(BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))),
                FInt32 = random.Next(int.MinValue, int.MaxValue),
                FInt64 = random.NextInt64(long.MinValue, long.MaxValue),
                FUint32 = (uint)random.NextInt64(0, uint.MaxValue + 1L),
                FUint64 = (ulong)random.NextInt64(long.MinValue, long.MaxValue),
                FSint32 = random.Next(int.MinValue, int.MaxValue),
                FSint64 = random.NextInt64(long.MinValue, long.MaxValue),
                FFixed32 = (uint)random.NextInt64(0, uint.MaxValue + 1L),
                FFixed64 = (ulong)random.NextInt64(long.MinValue, long.MaxValue),
                FSfixed32 = random.Next(int.MinValue, int.MaxValue),
                FSfixed64 = random.NextInt64(long.MinValue, long.MaxValue),
                FBool = random.Next(2) == 1,
                FString = Text(random),
                FBytes = ByteString.CopyFrom(Bytes(random)),
                FColor = (Color)new[] { 0, 1, 2, 5 }[random.Next(4)],
            },
        };
        for (int i = random.Next(1, 4); i > 0; i--)
        {
            var item = new Item { Name = Text(random) };
            item.Values.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => random.Next(int.MinValue, int.MaxValue)));
            if (random.Next(2) == 1)
            {
                item.Child = new Item { Name = Text(random) };
            }

            doc.Items.Add(item);
        }

        doc.Weights.AddRange(Enumerable.Range(0, random.Next(5)).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 39)))));
        doc.Weights.Add(float.PositiveInfinity);
        doc.Doubles.AddRange(Enumerable.Range(0, random.Next(5)).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300))));
        doc.Colors.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => (Color)new[] { 0, 1, 2, 5 }[random.Next(4)]));
        doc.Tags.AddRange(Enumerable.Range(0, random.Next(4)).Select(_ => Text(random)));
        doc.Blobs.AddRange(Enumerable.Range(0, random.Next(3)).Select(_ => ByteString.CopyFrom(Bytes(random))));
        for (int i = random.Next(4); i > 0; i--)
        {
            doc.Named[Text(random)] = new Item { Name = Text(random), Values = { random.Next() } };
            doc.Labels[random.Next(int.MinValue, int.MaxValue)] = Text(random);
        }

        switch (random.Next(3))
        {
            case 0: doc.Text = Text(random); break;
            case 1: doc.Number = random.NextInt64(long.MinValue, long.MaxValue); break;
            default: doc.Item = new Item { Name = Text(random) }; break;
        }

        return doc;
    }

    /// <summary>Printable ASCII, quotes, backslashes, control characters and non-ASCII text.</summary>
    private static string Text(Random random)
    {
        const string alphabet = "abcXYZ019 _-\"'\\\n\t\r\u0001\u007f\u00e9\u4e2d";
        char[] chars = new char[random.Next(0, 12)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }

        return random.Next(8) == 0 ? new string(chars) + "\U0001F600" : new string(chars);
    }

    /// <summary>NaN payloads do not survive text (every NaN prints as <c>nan</c>), so random NaNs become 1.5.</summary>
    private static double NotNan(double value) => double.IsNaN(value) ? 1.5 : value;

    private static byte[] Bytes(Random random)
    {
        byte[] bytes = new byte[random.Next(0, 10)];
        random.NextBytes(bytes);
        return bytes;
    }
}
