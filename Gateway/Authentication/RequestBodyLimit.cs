namespace Ainur.Gateway.Authentication;

/// <summary>
/// Endpoint metadata: a signed endpoint that takes bodies larger than <c>Ainur:Gateway:MaxRequestBodyBytes</c> (module
/// uploads) reads up to <paramref name="Bytes"/> instead.
/// </summary>
public sealed record RequestBodyLimit(int Bytes);
