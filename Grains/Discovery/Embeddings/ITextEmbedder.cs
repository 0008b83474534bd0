namespace Ainur.Grains.Discovery.Embeddings;

/// <summary>Turns texts into unit-length sentence embeddings of <see cref="Dimensions"/> floats; safe to call from many threads.</summary>
public interface ITextEmbedder
{
    /// <summary>The length of every embedding.</summary>
    int Dimensions { get; }

    /// <summary>One embedding per text, in order; the caller's thread is not held while they are computed.</summary>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
