using System.Text.Json.Serialization;

namespace Ainur.Protocol.Identity;

/// <summary>
/// The DID document a did:key resolves to (W3C did:key method): one Multikey verification method whose fragment is
/// the key's multibase value, usable for authentication and assertions. Derived from the DID alone, never stored.
/// </summary>
public sealed record DidDocument(
    [property: JsonPropertyName("@context")] IReadOnlyList<string> Context,
    string Id,
    IReadOnlyList<VerificationMethod> VerificationMethod,
    IReadOnlyList<string> Authentication,
    IReadOnlyList<string> AssertionMethod)
{
    /// <summary>The JSON-LD contexts of a did:key document with a Multikey method.</summary>
    public static readonly IReadOnlyList<string> Contexts = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"];

    /// <summary>Resolves <paramref name="did"/> to its document.</summary>
    public static DidDocument For(Did did)
    {
        var multibase = did.Value["did:key:".Length..];
        var methodId = $"{did.Value}#{multibase}";
        return new DidDocument(
            Contexts,
            did.Value,
            [new VerificationMethod(methodId, "Multikey", did.Value, multibase)],
            [methodId],
            [methodId]);
    }
}

/// <summary>A verification method of a <see cref="DidDocument"/>.</summary>
public sealed record VerificationMethod(string Id, string Type, string Controller, string PublicKeyMultibase);
