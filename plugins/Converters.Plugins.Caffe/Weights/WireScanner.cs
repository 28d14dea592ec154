using Google.Protobuf.Reflection;

namespace Converters.Plugins.Caffe.Weights;

/// <summary>
/// Walks protobuf wire format (tags, varints, fixed and length-delimited fields, nested messages by
/// their descriptor) to find the byte offset where it first goes wrong. Google.Protobuf reports that
/// a message is invalid but not where.
/// </summary>
internal static class WireScanner
{
    private const int MaxDepth = 64;

    public static (long Offset, string Problem)? FindProblem(byte[] data, MessageDescriptor descriptor)
    {
        var stack = new Stack<(int End, MessageDescriptor? Descriptor)>();
        stack.Push((data.Length, descriptor));
        int position = 0;
        (long Offset, string Problem)? pending = null;
        while (stack.Count > 0)
        {
            (int end, MessageDescriptor? message) = stack.Peek();
            if (position == end)
            {
                // Frames cut by the end of the file end there; complete frames inside them end earlier.
                if (pending is not null && end == data.Length)
                {
                    return pending;
                }

                stack.Pop();
                continue;
            }

            int start = position;
            if (!TryVarint(data, ref position, end, out ulong tag) || tag >> 3 == 0 || tag >> 3 > 536870911)
            {
                return (start, "an invalid field tag");
            }

            int field = (int)(tag >> 3);
            switch ((int)(tag & 7))
            {
                case 0:
                    if (!TryVarint(data, ref position, end, out _))
                    {
                        return (start, $"field {field}: a varint runs past the end of its message");
                    }

                    break;
                case 1:
                    if (end - position < 8)
                    {
                        return (start, $"field {field}: 8 bytes expected, {end - position} left");
                    }

                    position += 8;
                    break;
                case 5:
                    if (end - position < 4)
                    {
                        return (start, $"field {field}: 4 bytes expected, {end - position} left");
                    }

                    position += 4;
                    break;
                case 2:
                    if (!TryVarint(data, ref position, end, out ulong length))
                    {
                        return (start, $"field {field}: its length runs past the end of its message");
                    }

                    FieldDescriptor? f = message?.FindFieldByNumber(field);
                    if (length > (ulong)(end - position))
                    {
                        // Truncated: look inside what is there for the innermost field that is cut.
                        pending ??= (start, $"field {field}: a length of {length} bytes runs past the end ({end - position} left): the file is truncated");
                        if (f?.FieldType == FieldType.Message && stack.Count < MaxDepth && end == data.Length)
                        {
                            pending = (start, $"field {field} ('{f.Name}'): a length of {length} bytes runs past the end ({end - position} left): the file is truncated");
                            stack.Push((end, f.MessageType));
                            continue;
                        }

                        return pending;
                    }

                    if (f?.FieldType == FieldType.Message && length > 0)
                    {
                        if (stack.Count >= MaxDepth)
                        {
                            return (start, "messages nest too deep");
                        }

                        stack.Push((position + (int)length, f.MessageType));
                        continue;
                    }

                    position += (int)length;
                    break;
                default:
                    return (start, $"field {field}: unsupported wire type {tag & 7}");
            }
        }

        return null;
    }

    private static bool TryVarint(byte[] data, ref int position, int end, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= end)
            {
                return false;
            }

            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
