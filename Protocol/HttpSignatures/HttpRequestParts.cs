namespace Ainur.Protocol.HttpSignatures;

/// <summary>
/// The parts of an HTTP request that <see cref="HttpMessageSigner"/> and <see cref="HttpMessageVerifier"/> cover.
/// </summary>
/// <param name="Method">The request method as sent, e.g. <c>POST</c> (case-sensitive).</param>
/// <param name="Authority">Host and port as <c>host[:port]</c>, port omitted when it is the scheme's default; compared lower-cased.</param>
/// <param name="Path">The absolute path as on the wire, still percent-encoded; empty means <c>/</c>.</param>
/// <param name="Query">Empty, or the query with its leading <c>?</c> as on the wire (e.g. <c>?a=b</c>).</param>
/// <param name="Header">
/// Returns a header field's value by case-insensitive name, several lines combined with <c>", "</c>, or null when absent.
/// </param>
public sealed record HttpRequestParts(string Method, string Authority, string Path, string Query, Func<string, string?> Header)
{
    /// <summary>
    /// The request content. <see cref="HttpMessageVerifier"/> checks the covered <c>content-digest</c> against it,
    /// so a verifier of a request with a body must set it; empty when there is no body.
    /// </summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>
    /// The scheme the client addressed (<c>http</c> or <c>https</c>), lower case; with <see cref="Authority"/>,
    /// <see cref="Path"/> and <see cref="Query"/> it makes the <c>@target-uri</c> component. Null: <c>@target-uri</c>
    /// cannot be covered.
    /// </summary>
    public string? Scheme { get; init; }
}
