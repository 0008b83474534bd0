namespace Ainur.Protocol.Discovery;

/// <summary>Plain vector arithmetic for embeddings: cosine similarity of unit vectors, and exact (brute-force) nearest neighbours.</summary>
public static class Vectors
{
    /// <summary>The dot product; for unit vectors, their cosine similarity.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Vectors of different lengths.", nameof(b));
        }

        var sum = 0f;
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var lanes = System.Numerics.Vector<float>.Count;
            var acc = System.Numerics.Vector<float>.Zero;
            for (; i <= a.Length - lanes; i += lanes)
            {
                acc += new System.Numerics.Vector<float>(a[i..]) * new System.Numerics.Vector<float>(b[i..]);
            }

            sum = System.Numerics.Vector.Sum(acc);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>A copy of <paramref name="vector"/> scaled to length 1 (a zero vector stays zero).</summary>
    public static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var norm = MathF.Sqrt(Dot(vector, vector));
        var result = vector.ToArray();
        if (norm > 0 && float.IsFinite(norm))
        {
            for (var i = 0; i < result.Length; i++)
            {
                result[i] /= norm;
            }
        }

        return result;
    }

    /// <summary>
    /// The indexes of the <paramref name="k"/> vectors of <paramref name="vectors"/> most similar to
    /// <paramref name="query"/> (by dot product), best first, ties by lower index: the exact answer an approximate index is measured against.
    /// </summary>
    public static int[] TopK(ReadOnlySpan<float> query, IReadOnlyList<float[]> vectors, int k)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var best = new PriorityQueue<int, (float Score, int Index)>(Comparer<(float Score, int Index)>.Create(
            (x, y) => x.Score != y.Score ? x.Score.CompareTo(y.Score) : y.Index.CompareTo(x.Index)));
        for (var i = 0; i < vectors.Count; i++)
        {
            var score = Dot(query, vectors[i]);
            if (best.Count < k)
            {
                best.Enqueue(i, (score, i));
            }
            else if (k > 0 && best.TryPeek(out _, out var worst) && (score > worst.Score || (score == worst.Score && i < worst.Index)))
            {
                best.EnqueueDequeue(i, (score, i));
            }
        }

        var result = new int[best.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = best.Dequeue();
        }

        return result;
    }
}
