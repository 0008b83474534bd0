using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Ledger.Transactions;

/// <summary>
/// A transaction body and its signer's Ed25519 signature over <see cref="SigningBytes"/>. Immutable; its
/// <see cref="Encoded"/> form (body bytes, then the 64-byte signature) is what a block's Merkle leaf hashes and what
/// travels and is stored. <see cref="Id"/> hashes the body alone, so it names the transaction before it is signed.
/// </summary>
[Immutable]
public sealed class SignedTransaction : IEquatable<SignedTransaction>
{
    /// <summary>Length of an Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    private const string SigningContext = "ainur/tx/v1";

    private readonly byte[] _encoded;
    private readonly int _bodyLength;

    private SignedTransaction(TxBody body, byte[] encoded, int bodyLength)
    {
        Body = body;
        _encoded = encoded;
        _bodyLength = bodyLength;
        Id = Blake2b.Hash(HashDomain.TransactionId, encoded.AsSpan(0, bodyLength));
    }

    /// <summary>What the transaction does.</summary>
    public TxBody Body { get; }

    /// <summary>The transaction id: Blake2b-256 of the body's canonical bytes.</summary>
    public Hash32 Id { get; }

    /// <summary>The signature over <see cref="SigningBytes"/>.</summary>
    public ReadOnlySpan<byte> Signature => _encoded.AsSpan(_bodyLength);

    /// <summary>Canonical bytes: body, then signature. A copy is never needed: callers must not cast it back to an array.</summary>
    public ReadOnlyMemory<byte> Encoded => _encoded;

    /// <summary>The bytes the signer signs: a context string, the chain id, and the body's canonical bytes.</summary>
    public static byte[] SigningBytes(string chainId, TxBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var writer = new CanonicalWriter(128);
        body.WriteTo(writer);
        return SigningBytes(chainId, writer.Written);
    }

    private static byte[] SigningBytes(string chainId, ReadOnlySpan<byte> body) =>
        new CanonicalWriter(body.Length + 64).Text(SigningContext).Text(chainId).Raw(body).ToArray();

    /// <summary>Signs <paramref name="body"/> for chain <paramref name="chainId"/>.</summary>
    /// <exception cref="ArgumentException">The key is not the body's signer.</exception>
    public static SignedTransaction Sign(TxBody body, AgentKey key, string chainId)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Did != body.Signer)
        {
            throw new ArgumentException($"This {body.Kind} must be signed by {body.Signer}, not {key.Did}.", nameof(key));
        }

        return FromParts(body, key.Sign(SigningBytes(chainId, body)));
    }

    /// <summary>Assembles a transaction from a body and a signature made elsewhere (not checked here: see <see cref="VerifySignature"/>).</summary>
    /// <exception cref="ArgumentException">The signature is not 64 bytes.</exception>
    public static SignedTransaction FromParts(TxBody body, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (signature.Length != SignatureLength)
        {
            throw new ArgumentException("An Ed25519 signature is 64 bytes.", nameof(signature));
        }

        var writer = new CanonicalWriter(128);
        body.WriteTo(writer);
        var bodyLength = writer.Written.Length;
        writer.Raw(signature);
        return new SignedTransaction(body, writer.ToArray(), bodyLength);
    }

    /// <summary>Decodes <see cref="Encoded"/> bytes, which must hold exactly one transaction.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static SignedTransaction Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var transaction = ReadFrom(ref reader);
        reader.EnsureEnd();
        return transaction;
    }

    /// <summary>Reads one transaction from a longer input (as in a block).</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static SignedTransaction ReadFrom(ref CanonicalReader reader)
    {
        var start = reader.Position;
        var body = TxBody.ReadFrom(ref reader);
        var bodyLength = reader.Position - start;
        reader.Raw(SignatureLength);

        // The decoders accept only canonical bytes, so the bytes read are the encoding: no need to write them again.
        return new SignedTransaction(body, reader.ReadSince(start).ToArray(), bodyLength);
    }

    /// <summary>True when the signature is the body signer's valid signature for chain <paramref name="chainId"/>. Never throws.</summary>
    public bool VerifySignature(string chainId) => SignatureMemo.Verify(Body.Signer, SigningBytes(chainId, _encoded.AsSpan(0, _bodyLength)), Signature);

    /// <summary>Writes <see cref="Encoded"/> (self-delimiting: the body's fields determine its length).</summary>
    public void WriteTo(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Raw(_encoded);
    }

    /// <inheritdoc/>
    public bool Equals(SignedTransaction? other) => other is not null && _encoded.AsSpan().SequenceEqual(other._encoded);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SignedTransaction);

    /// <inheritdoc/>
    public override int GetHashCode() => Id.GetHashCode();
}

/// <summary>The Orleans wire and storage form of a <see cref="SignedTransaction"/>: its canonical bytes.</summary>
[GenerateSerializer, Immutable, Alias("ainur.SignedTransaction")]
public readonly record struct SignedTransactionSurrogate([property: Id(0)] byte[] Encoded);

/// <summary>Converts a <see cref="SignedTransaction"/> to and from its canonical bytes; bad bytes fail loudly.</summary>
[RegisterConverter]
public sealed class SignedTransactionSurrogateConverter : IConverter<SignedTransaction, SignedTransactionSurrogate>
{
    /// <inheritdoc/>
    public SignedTransaction ConvertFromSurrogate(in SignedTransactionSurrogate surrogate) => SignedTransaction.Decode(surrogate.Encoded);

    /// <inheritdoc/>
    public SignedTransactionSurrogate ConvertToSurrogate(in SignedTransaction value) => new(value.Encoded.ToArray());
}
