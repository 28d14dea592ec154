namespace Converters.Testing.Oracles;

/// <summary>ctypes access to Debian's libdarknet structs for conformance scripts.</summary>
public static class DarknetStructs
{
    /// <summary>
    /// Python that reads darknet.h and computes the byte offsets of <c>struct layer</c> (L, LSIZE) and
    /// <c>struct network</c> (N) fields as the non-GPU build lays them out, for ctypes access to
    /// libdarknet's structs. Concatenated into the conformance scripts after their imports; it starts and
    /// ends with a line break, since a raw string's own last line break is not part of it.
    /// </summary>
    public const string Layouts = """

        HEADER = '/usr/lib/darknet/include/darknet.h'
        def layout(marker):
            src = open(HEADER).read()
            body = src[src.index(marker) + len(marker):]
            body = body[:body.index('\n}')]
            kept, depth = [], 0
            for line in body.split('\n'):
                s = line.split('//')[0].strip()
                if s.startswith('#if'):
                    depth += 1
                elif s.startswith('#endif'):
                    depth -= 1
                elif depth == 0 and s and not s.startswith('#'):
                    kept.append(s)
            off, fields = 0, {}
            def put(name, size):
                nonlocal off
                off = (off + size - 1) // size * size
                fields[name] = off
                off += size
            for s in ' '.join(kept).split(';'):
                s = s.strip()
                if not s:
                    continue
                if '(' in s:
                    put(re.search(r'\(\s*\*\s*(\w+)\s*\)', s).group(1), 8)
                    continue
                m = re.match(r'((?:struct\s+)?\w+)\s*(.*)$', s)
                for d in m.group(2).split(','):
                    d = d.strip()
                    put(d.lstrip('* ').strip(), 8 if d.startswith('*') or m.group(1) in ('size_t', 'double') else 4)
            return fields, (off + 7) // 8 * 8
        L, LSIZE = layout('struct layer{')
        N, _ = layout('typedef struct network{')

        """;
}
