using System.Numerics;

namespace Ainur.LoadTests;

/// <summary>
/// Latencies in microseconds, HdrHistogram-style: exact below 64 µs, then 64 linear buckets per power of two
/// (at most ~1.6% error). Fixed size, no allocation while recording; one per worker, merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 6;
    private const int SubBuckets = 1 << SubBits;

    private readonly long[] _counts = new long[(64 - SubBits + 1) * SubBuckets];

    public long Count { get; private set; }

    public long MaxMicros { get; private set; }

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        _counts[Index(micros)]++;
        Count++;
        MaxMicros = Math.Max(MaxMicros, micros);
    }

    /// <summary>One histogram of all that <paramref name="parts"/> recorded.</summary>
    public static LatencyHistogram Merge(IEnumerable<LatencyHistogram> parts)
    {
        var all = new LatencyHistogram();
        foreach (var part in parts)
        {
            all.Add(part);
        }

        return all;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0..1), in microseconds: the middle of its bucket.</summary>
    public double PercentileMicros(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(Middle(i), MaxMicros);
            }
        }

        return MaxMicros;
    }

    private static int Index(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = magnitude - SubBits;
        return ((shift + 1) << SubBits) + (int)((value >> shift) & (SubBuckets - 1));
    }

    private static double Middle(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index >> SubBits) - 1;
        var lower = (long)(SubBuckets + (index & (SubBuckets - 1))) << shift;
        return lower + (((1L << shift) - 1) / 2.0);
    }
}
