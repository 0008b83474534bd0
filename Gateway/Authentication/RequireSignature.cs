namespace Ainur.Gateway.Authentication;

/// <summary>Endpoint metadata: the request must carry a valid, fresh, unreplayed HTTP message signature.</summary>
public sealed class RequireSignatureMetadata
{
    /// <summary>The one instance endpoints carry.</summary>
    public static readonly RequireSignatureMetadata Instance = new();
}

/// <summary>Marks endpoints as signed; every mutating endpoint of the API is.</summary>
public static class RequireSignatureExtensions
{
    /// <summary>Requires an HTTP message signature (RFC 9421, ed25519, keyid = the caller's DID) on this endpoint.</summary>
    public static TBuilder RequireSignature<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(RequireSignatureMetadata.Instance);
}
