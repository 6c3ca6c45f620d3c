using System.Buffers.Binary;

namespace Tracker.Portfolios;

/// <summary>
/// A project's update facts packed into bytes, in replay order (reportedAt, then recordedAt, then the Updates
/// partition's own order): what the metrics engine needs of a history, without the notes, names and ids. Times are
/// deltas (varints), numbers that are whole take a varint and others their 8 exact bytes, so a weekly percent update
/// takes about 12 bytes and a full one about 40. Values come back bit for bit.
/// </summary>
public static class CompactHistory
{
    private const byte Version = 1;

    [Flags]
    private enum Fields : byte
    {
        None = 0,
        Percent = 1,
        Spend = 2,
        Budget = 4,
        Priority = 8,
        Status = 16,
        Rag = 32,
    }

    public static byte[] Pack(IReadOnlyList<UpdateFact> facts)
    {
        var w = new Writer(facts.Count * 16 + 8);
        w.Byte(Version);
        w.Varint((ulong)facts.Count);
        long previous = 0;
        foreach (var f in facts)
        {
            var fields = (f.PercentComplete is null ? 0 : Fields.Percent) | (f.Spend is null ? 0 : Fields.Spend) | (f.Budget is null ? 0 : Fields.Budget)
                | (f.Priority is null ? 0 : Fields.Priority) | (f.Status is null ? 0 : Fields.Status) | (f.Rag is null ? 0 : Fields.Rag);
            w.Byte((byte)fields);
            var reported = f.ReportedAt.UtcTicks;
            w.Signed(reported - previous);
            w.Signed(f.RecordedAt.UtcTicks - reported);
            previous = reported;
            w.Number(f.PercentComplete);
            w.Number(f.Spend);
            w.Number(f.Budget);
            w.Enum(f.Priority);
            w.Enum(f.Status);
            w.Enum(f.Rag);
        }
        return w.ToArray();
    }

    public static List<UpdateFact> Unpack(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        if (r.Byte() != Version)
        {
            throw new InvalidDataException("Unknown compact history version.");
        }
        var count = (int)r.Varint();
        var facts = new List<UpdateFact>(count);
        long previous = 0;
        for (var i = 0; i < count; i++)
        {
            var fields = (Fields)r.Byte();
            var reported = previous + r.Signed();
            var recorded = reported + r.Signed();
            previous = reported;
            facts.Add(new UpdateFact(
                new DateTimeOffset(reported, TimeSpan.Zero),
                new DateTimeOffset(recorded, TimeSpan.Zero),
                fields.HasFlag(Fields.Percent) ? r.Number() : null,
                fields.HasFlag(Fields.Spend) ? r.Number() : null,
                fields.HasFlag(Fields.Budget) ? r.Number() : null,
                fields.HasFlag(Fields.Priority) ? (Priority)r.Byte() : null,
                fields.HasFlag(Fields.Status) ? (ProjectStatus)r.Byte() : null,
                fields.HasFlag(Fields.Rag) ? (Rag)r.Byte() : null));
        }
        return facts;
    }

    /// <summary>
    /// The facts with new ones merged in replay order, or null when a new one has the same reportedAt and recordedAt
    /// as a stored one: a retried write, or a tie only the Updates partition can order; the caller then rebuilds.
    /// </summary>
    /// <param name="added">new update rows; among themselves they go in the partition's order (RowKey, newest first, reversed).</param>
    public static List<UpdateFact>? Merge(IReadOnlyList<UpdateFact> stored, IEnumerable<UpdateEntity> added)
    {
        var storedTimes = stored.Select(f => (f.ReportedAt.UtcTicks, f.RecordedAt.UtcTicks)).ToHashSet();
        var merged = new List<UpdateFact>(stored);
        foreach (var update in added.OrderByDescending(u => u.RowKey, StringComparer.Ordinal))
        {
            var fact = UpdateFact.Of(update);
            if (storedTimes.Contains((fact.ReportedAt.UtcTicks, fact.RecordedAt.UtcTicks)))
            {
                return null;
            }
            var at = merged.Count;
            while (at > 0 && Compare(merged[at - 1], fact) > 0)
            {
                at--;
            }
            merged.Insert(at, fact);
        }
        return merged;
    }

    private static int Compare(UpdateFact a, UpdateFact b)
    {
        var byReported = a.ReportedAt.UtcTicks.CompareTo(b.ReportedAt.UtcTicks);
        return byReported != 0 ? byReported : a.RecordedAt.UtcTicks.CompareTo(b.RecordedAt.UtcTicks);
    }

    private sealed class Writer(int capacity)
    {
        private byte[] _buffer = new byte[capacity];
        private int _length;

        public void Byte(byte value)
        {
            if (_length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            _buffer[_length++] = value;
        }

        public void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                Byte((byte)(value | 0x80));
                value >>= 7;
            }
            Byte((byte)value);
        }

        public void Signed(long value) => Varint((ulong)((value << 1) ^ (value >> 63)));

        /// <summary>A whole number below 2^52 as a varint (low bit 0); any other value as its 8 bytes (after a 1).</summary>
        public void Number(double? value)
        {
            if (value is not { } v)
            {
                return;
            }
            if (Math.Abs(v) < 4_503_599_627_370_496d && Math.Floor(v) == v && !(v == 0 && double.IsNegative(v)))
            {
                var whole = (long)v;
                Varint((ulong)((whole << 1) ^ (whole >> 63)) << 1);
                return;
            }
            Byte(1);
            Span<byte> bits = stackalloc byte[8];
            BinaryPrimitives.WriteDoubleLittleEndian(bits, v);
            foreach (var b in bits)
            {
                Byte(b);
            }
        }

        public void Enum<T>(T? value) where T : struct, System.Enum
        {
            if (value is { } v)
            {
                Byte(Convert.ToByte(v, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        public byte[] ToArray() => _buffer[.._length];
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public byte Byte() => _bytes[_at++];

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        public long Signed()
        {
            var raw = Varint();
            return (long)(raw >> 1) ^ -(long)(raw & 1);
        }

        public double Number()
        {
            var head = Varint();
            if ((head & 1) == 0)
            {
                var zigzag = head >> 1;
                return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            }
            var value = BinaryPrimitives.ReadDoubleLittleEndian(_bytes.Slice(_at, 8));
            _at += 8;
            return value;
        }
    }
}
