using System.Globalization;
using Converters.Ir;

namespace Converters.Pruning.Dependency;

/// <summary>The per-op channel rules of the analysis.</summary>
public static partial class DependencyAnalysis
{
    /// <summary>Ops whose output channel c depends only on input channel c, element by element or over space.</summary>
    private static readonly HashSet<string> s_passThrough = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Mish", "Swish", "Elu", "HardSigmoid", "Relu6", "Clip", "Identity",
        "Dropout", "Power", "Linear", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Upsample",
    };

    /// <summary>Ops that combine their computed inputs channel by channel.</summary>
    private static readonly HashSet<string> s_elementwise = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Max", "Min", "Shortcut", "ScaleChannels",
    };

    private sealed partial class Walk
    {
        private readonly List<int> _parent = [];

        private int Find(int id)
        {
            while (_parent[id] != id)
            {
                _parent[id] = _parent[_parent[id]];
                id = _parent[id];
            }

            return id;
        }

        private void Union(int a, int b)
        {
            int ra = Find(a), rb = Find(b);
            if (ra != rb)
            {
                _parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            }
        }

        private void Visit(Node node)
        {
            if (node.Outputs.Count == 0)
            {
                return;
            }

            switch (node.OpType)
            {
                case "Conv": Conv(node); break;
                case "ConvTranspose": ConvTranspose(node); break;
                case "Gemm": Gemm(node); break;
                case "BatchNormalization" or "Scale" or "PRelu": PerChannel(node); break;
                case "Concat": Concat(node); break;
                case "Slice": Slice(node); break;
                case "Split": Split(node); break;
                case "Flatten" or "Reshape": Flatten(node); break;
                case "Pad": Pad(node); break;
                case var op when s_passThrough.Contains(op): SetRuns(node, node.Outputs[0], Runs(node.Inputs[0])); break;
                case var op when s_elementwise.Contains(op): Elementwise(node); break;
                case "Yolo" or "Region":
                    Fix(node, $"feeds the detection head '{node.Name}' ({node.OpType}), whose outputs keep their size");
                    break;
                default:
                    Fix(node, $"'{node.Name}' ({node.OpType}) mixes or reorders channels, so its inputs keep their size");
                    break;
            }
        }

        private long IntAttribute(Node node, string name)
        {
            if (node.Attributes.TryGetValue(name, out AttributeValue? value))
            {
                return value.AsInt();
            }

            return _registry.Find(node.OpType, node.Domain)?.FindAttribute(name)?.Default?.AsInt() ?? 0;
        }

        private void Conv(Node node)
        {
            TensorShape w = Shape(node.Inputs[1])!;
            int group = (int)IntAttribute(node, "group");
            ChannelSegment[] input = Runs(node.Inputs[0]);
            int inputChannels = Total(input);
            bool hasBias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0;
            if (!IsInitializer(node.Inputs[1]))
            {
                Fix(node, $"'{node.Name}' takes its filters from a computed tensor");
                return;
            }

            if (group == inputChannels && w[0] == inputChannels && group > 1)
            {
                // Depthwise: output channel c is input channel c filtered on its own.
                AddSlots(input, SlotKind.PerChannel, node, 1, 0);
                if (hasBias)
                {
                    AddSlots(input, SlotKind.PerChannel, node, 2, 0);
                }

                SetRuns(node, node.Outputs[0], input);
                return;
            }

            if (group == 1)
            {
                AddSlots(input, SlotKind.Consumer, node, 1, 1);
            }
            else
            {
                Fix(input, string.Create(CultureInfo.InvariantCulture, $"read by grouped convolution '{node.Name}' (group={group})"));
            }

            Source source = NewSource(node, w[0]);
            source.Segments = group;
            source.Slots.Add(new ChannelSlot(SlotKind.Producer, node.Name, 1, node.Inputs[1], 0, 0, 1, 0, w[0]));
            if (hasBias)
            {
                source.Slots.Add(new ChannelSlot(SlotKind.Producer, node.Name, 2, node.Inputs[2], 0, 0, 1, 0, w[0]));
            }

            SetRuns(node, node.Outputs[0], [new ChannelSegment(source.Id, 0, w[0], 1)]);
        }

        private void ConvTranspose(Node node)
        {
            TensorShape w = Shape(node.Inputs[1])!;
            int group = (int)IntAttribute(node, "group");
            ChannelSegment[] input = Runs(node.Inputs[0]);

            // A removed input channel's constant does not reach a transposed convolution's output as
            // a constant (the number of taps per output pixel varies with the stride phase), so it
            // cannot be folded into a bias: the input keeps its channels.
            Fix(input, $"read by ConvTranspose '{node.Name}', where a removed channel's constant cannot be folded");
            int outputs = w[1] * group;
            Source source = NewSource(node, outputs);
            if (group != 1 || !IsInitializer(node.Inputs[1]))
            {
                source.FixedReason = $"'{node.Name}' is a grouped ConvTranspose";
            }

            source.Slots.Add(new ChannelSlot(SlotKind.Producer, node.Name, 1, node.Inputs[1], 1, 0, 1, 0, outputs));
            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                source.Slots.Add(new ChannelSlot(SlotKind.Producer, node.Name, 2, node.Inputs[2], 0, 0, 1, 0, outputs));
            }

            SetRuns(node, node.Outputs[0], [new ChannelSegment(source.Id, 0, outputs, 1)]);
        }

        private void Gemm(Node node)
        {
            ChannelSegment[] input = Runs(node.Inputs[0]);
            TensorShape y = Shape(node.Outputs[0])!;
            int outputs = y[1];
            Source source = NewSource(node, outputs);
            bool transB = IntAttribute(node, "transB") != 0;
            if (IntAttribute(node, "transA") != 0 || !IsInitializer(node.Inputs[1]))
            {
                Fix(input, $"'{node.Name}' (Gemm) reads its input transposed or multiplies two computed tensors");
                source.FixedReason = $"'{node.Name}' (Gemm) has no weight matrix to prune";
                SetRuns(node, node.Outputs[0], [new ChannelSegment(source.Id, 0, outputs, 1)]);
                return;
            }

            AddSlots(input, SlotKind.Consumer, node, 1, transB ? 1 : 0);
            source.Slots.Add(new ChannelSlot(SlotKind.Producer, node.Name, 1, node.Inputs[1], transB ? 0 : 1, 0, 1, 0, outputs));
            if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
            {
                TensorShape c = Shape(node.Inputs[2])!;
                if (c.ElementCount == outputs && c[c.Rank - 1] == outputs && IsInitializer(node.Inputs[2]))
                {
                    source.Slots.Add(new ChannelSlot(SlotKind.Producer, node.Name, 2, node.Inputs[2], c.Rank - 1, 0, 1, 0, outputs));
                }
                else if (c.ElementCount != 1)
                {
                    source.FixedReason = $"'{node.Name}' (Gemm) adds a bias that is not one value per output";
                }
            }

            SetRuns(node, node.Outputs[0], [new ChannelSegment(source.Id, 0, outputs, 1)]);
        }

        /// <summary>BatchNormalization, Scale, PRelu: per-channel parameters along the channel axis.</summary>
        private void PerChannel(Node node)
        {
            ChannelSegment[] input = Runs(node.Inputs[0]);
            int channels = Total(input);
            if (node.OpType == "Scale" && IntAttribute(node, "axis") != 1)
            {
                Fix(node, $"'{node.Name}' (Scale) applies along axis {IntAttribute(node, "axis")}, not the channels");
                SetRuns(node, node.Outputs[0], input);
                return;
            }

            for (int i = 1; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length == 0)
                {
                    continue;
                }

                if (!ParameterSlots(node, i, input, channels))
                {
                    Fix(input, $"'{node.Name}' ({node.OpType}) input {i} is not one value per channel");
                }
            }

            SetRuns(node, node.Outputs[0], input);
        }

        /// <summary>
        /// Adds per-channel slots for a parameter input shaped [C], [C,1,1] or [1,C,1,1]; true when it is
        /// such a parameter or a scalar (nothing to slice).
        /// </summary>
        private bool ParameterSlots(Node node, int index, ChannelSegment[] runs, int channels)
        {
            if (!IsInitializer(node.Inputs[index]))
            {
                return false;
            }

            TensorShape shape = Shape(node.Inputs[index])!;
            if (shape.ElementCount == 1)
            {
                return true;
            }

            int axis = -1;
            for (int d = 0; d < shape.Rank; d++)
            {
                if (shape[d] == channels && shape.ElementCount == channels)
                {
                    axis = d;
                }
            }

            if (axis < 0 || runs.Any(r => r.Block != 1))
            {
                return false;
            }

            AddSlots(runs, SlotKind.PerChannel, node, index, axis);
            return true;
        }

        private void Concat(Node node)
        {
            TensorShape y = Shape(node.Outputs[0])!;
            long axis = IntAttribute(node, "axis");
            if (axis < 0)
            {
                axis += y.Rank;
            }

            var computed = node.Inputs.Where(i => i.Length > 0).ToList();
            if (axis != 1)
            {
                // Joined along space or batch: channel c of every input is channel c of the output.
                Couple(node, computed.Where(i => !IsInitializer(i)).ToList());
                SetRuns(node, node.Outputs[0], Runs(computed[0]));
                return;
            }

            var runs = new List<ChannelSegment>();
            foreach (string input in computed)
            {
                runs.AddRange(Runs(input));
            }

            SetRuns(node, node.Outputs[0], [.. runs]);
        }

        private void Slice(Node node)
        {
            TensorShape x = Shape(node.Inputs[0])!;
            var axes = node.Attributes["axes"].AsInts();
            int at = axes.Select(a => (int)(a < 0 ? a + x.Rank : a)).ToList().IndexOf(1);
            ChannelSegment[] input = Runs(node.Inputs[0]);
            if (at < 0)
            {
                SetRuns(node, node.Outputs[0], input);
                return;
            }

            long step = node.Attributes.TryGetValue("steps", out AttributeValue? steps) ? steps.AsInts()[at] : 1;
            int channels = x[1];
            int start = Clamp(node.Attributes["starts"].AsInts()[at], channels);
            int end = Clamp(node.Attributes["ends"].AsInts()[at], channels);
            if (step != 1 || input.Any(r => r.Block != 1))
            {
                Fix(input, $"'{node.Name}' slices channels with a step");
                SetRuns(node, node.Outputs[0], [new ChannelSegment(-1, 0, Math.Max(0, end - start), 1)]);
                return;
            }

            SetRuns(node, node.Outputs[0], Cut(input, start, end));
        }

        private void Split(Node node)
        {
            TensorShape x = Shape(node.Inputs[0])!;
            long axis = IntAttribute(node, "axis");
            if (axis < 0)
            {
                axis += x.Rank;
            }

            ChannelSegment[] input = Runs(node.Inputs[0]);
            if (axis != 1)
            {
                foreach (string output in node.Outputs)
                {
                    SetRuns(node, output, input);
                }

                return;
            }

            int start = 0;
            foreach (string output in node.Outputs)
            {
                int size = Shape(output)![1];
                SetRuns(node, output, Cut(input, start, start + size));
                start += size;
            }
        }

        /// <summary>
        /// The runs of channels [start, end) of a value. A source cut inside must keep equal counts in
        /// the equal parts the cut falls between (a Darknet route with groups takes one of G equal parts).
        /// </summary>
        private ChannelSegment[] Cut(ChannelSegment[] input, int start, int end)
        {
            var runs = new List<ChannelSegment>();
            int position = 0;
            foreach (ChannelSegment run in input)
            {
                int from = Math.Max(start, position), to = Math.Min(end, position + run.Length);
                if (from < to)
                {
                    int first = run.First + (from - position), count = to - from;
                    runs.Add(run with { First = first, Count = count });
                    if (run.IsTracked)
                    {
                        Source source = _sources[run.Source];
                        foreach (int cut in new[] { first, first + count })
                        {
                            if (cut > 0 && cut < source.Channels)
                            {
                                source.Segments = Lcm(source.Segments, source.Channels / Gcd(source.Channels, cut));
                            }
                        }
                    }
                }

                position += run.Length;
            }

            return [.. runs];
        }

        private static int Clamp(long value, int size) => (int)Math.Clamp(value < 0 ? value + size : value, 0, size);

        private void Flatten(Node node)
        {
            TensorShape x = Shape(node.Inputs[0])!;
            TensorShape y = Shape(node.Outputs[0])!;
            ChannelSegment[] input = Runs(node.Inputs[0]);
            bool flattensChannelsFirst = x.Rank >= 2 && y.Rank == 2 && y[0] == x[0] &&
                (node.OpType == "Reshape" || IntAttribute(node, "axis") == 1);
            if (!flattensChannelsFirst)
            {
                Fix(input, $"'{node.Name}' ({node.OpType}) reshapes the channels");
                SetRuns(node, node.Outputs[0], [new ChannelSegment(-1, 0, y.Rank >= 2 ? y[1] : 1, 1)]);
                return;
            }

            int inner = 1;
            for (int d = 2; d < x.Rank; d++)
            {
                inner *= x[d];
            }

            SetRuns(node, node.Outputs[0], [.. input.Select(r => r with { Block = r.Block * inner })]);
        }

        private void Pad(Node node)
        {
            ChannelSegment[] input = Runs(node.Inputs[0]);
            TensorShape x = Shape(node.Inputs[0])!;
            var pads = node.Attributes["pads"].AsInts();
            if (x.Rank >= 2 && (pads[1] != 0 || pads[x.Rank + 1] != 0))
            {
                Fix(input, $"'{node.Name}' pads the channel axis");
                SetRuns(node, node.Outputs[0], [new ChannelSegment(-1, 0, Shape(node.Outputs[0])![1], 1)]);
                return;
            }

            SetRuns(node, node.Outputs[0], input);
        }

        /// <summary>Add, Mul, Max, … and Darknet's shortcut: the computed inputs' channels are one.</summary>
        private void Elementwise(Node node)
        {
            var computed = new List<string>();
            TensorShape y = Shape(node.Outputs[0])!;
            int channels = y.Rank >= 2 ? y[1] : 1;
            ChannelSegment[] output = Runs(node.Inputs[0]);
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                string input = node.Inputs[i];
                if (input.Length == 0)
                {
                    continue;
                }

                if (!IsInitializer(input))
                {
                    computed.Add(input);
                    continue;
                }

                if (node.OpType == "Shortcut")
                {
                    ShortcutWeights(node, i, output);
                }
                else if (y.Rank < 2 || !ParameterSlots(node, i, output, channels) && !BroadcastsOverChannels(input, y))
                {
                    Fix(output, $"'{node.Name}' ({node.OpType}) combines the channels with a constant of shape {Shape(input)}");
                }
            }

            // A computed input with one channel broadcast over the others (spatial attention) stays whole.
            var full = computed.Where(c => Shape(c) is { Rank: >= 2 } s && s[1] == channels).ToList();
            foreach (string single in computed.Except(full))
            {
                Fix(Runs(single), $"'{node.Name}' ({node.OpType}) broadcasts it over {channels} channels");
            }

            Couple(node, full);
            SetRuns(node, node.Outputs[0], full.Count > 0 ? Runs(full[0]) : output);
        }

        private bool BroadcastsOverChannels(string constant, TensorShape y)
        {
            TensorShape c = Shape(constant)!;
            int axis = c.Rank - (y.Rank - 1);
            return axis < 0 || c[axis] == 1;
        }

        private void ShortcutWeights(Node node, int index, ChannelSegment[] output)
        {
            string type = node.Attributes.TryGetValue("weights_type", out AttributeValue? t) ? t.AsString() : "none";
            if (type != "per_channel")
            {
                return;
            }

            TensorShape w = Shape(node.Inputs[index])!;
            int channels = Total(output);
            int inputs = (int)(w.ElementCount / channels);
            if (w.Rank >= 2 && w[w.Rank - 1] == channels && w.ElementCount == (long)inputs * channels)
            {
                // [inputs, C]: every row follows the channels along the last axis.
                AddSlots(output, SlotKind.PerChannel, node, index, w.Rank - 1);
                return;
            }

            for (int k = 0; k < inputs; k++)
            {
                AddSlots(output, SlotKind.PerChannel, node, index, 0, k * channels);
            }
        }

        /// <summary>Joins the channels of tensors that are combined channel by channel.</summary>
        private void Couple(Node node, List<string> values)
        {
            if (values.Count < 2)
            {
                return;
            }

            ChannelSegment[] first = Runs(values[0]);
            foreach (string other in values.Skip(1))
            {
                ChannelSegment[] runs = Runs(other);
                if (!Align(first, runs))
                {
                    Fix(first, $"'{node.Name}' ({node.OpType}) combines channel runs that do not line up");
                    Fix(runs, $"'{node.Name}' ({node.OpType}) combines channel runs that do not line up");
                }
            }
        }

        /// <summary>Unions sources that meet whole and in order; false when runs meet partially.</summary>
        private bool Align(ChannelSegment[] a, ChannelSegment[] b)
        {
            if (Total(a) != Total(b) || a.Length != b.Length)
            {
                return false;
            }

            for (int i = 0; i < a.Length; i++)
            {
                ChannelSegment x = a[i], y = b[i];
                if (x.Length != y.Length || x.Block != y.Block)
                {
                    return false;
                }

                if (x.IsTracked != y.IsTracked)
                {
                    return false;
                }

                if (!x.IsTracked)
                {
                    continue;
                }

                Source sx = _sources[x.Source], sy = _sources[y.Source];
                bool whole = x.First == 0 && y.First == 0 && x.Count == sx.Channels && y.Count == sy.Channels;
                if (x.Source == y.Source && x.First == y.First)
                {
                    continue;
                }

                if (!whole)
                {
                    return false;
                }

                Union(x.Source, y.Source);
            }

            return true;
        }
    }
}
