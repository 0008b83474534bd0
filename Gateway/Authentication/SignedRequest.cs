using Ainur.Protocol.Identity;

namespace Ainur.Gateway.Authentication;

/// <summary>
/// What signature authentication established, as a request feature: the signer's DID and the exact body bytes whose
/// digest the signature covers (handlers parse these bytes, never the stream again).
/// </summary>
public sealed record SignedRequest(Did Signer, ReadOnlyMemory<byte> Body);
