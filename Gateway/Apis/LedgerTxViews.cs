using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Ledger.Proofs;
using Ainur.Protocol.Ledger.State;

namespace Ainur.Gateway.Apis;

/// <summary>
/// Where a transaction stands. <see cref="Height"/> and <see cref="Position"/> are set when final, <see cref="Rejection"/>
/// when rejected. When final, <see cref="Proof"/> is the payment proof's canonical bytes (base64; what <c>ainur verify</c>
/// checks offline) and <see cref="ProofParts"/> the same proof for reading.
/// </summary>
public sealed record TxStatusView(
    string Id,
    TxState Status,
    long? Height = null,
    int? Position = null,
    RejectionView? Rejection = null,
    LedgerTransactionView? Transaction = null,
    string? Proof = null,
    ProofPartsView? ProofParts = null)
{
    /// <summary>The view of a status, with the proof when there is one.</summary>
    public static TxStatusView From(TxStatus status, PaymentProof? proof) => new(
        status.TransactionId.ToString(),
        status.State,
        status.State == TxState.Final ? status.Height : null,
        status.State == TxState.Final ? status.Position : null,
        status.Rejection is { } why ? RejectionView.From(why) : null,
        proof is null ? null : LedgerTransactionView.From(proof.Transaction),
        proof is null ? null : Convert.ToBase64String(proof.Encode()),
        proof is null ? null : ProofPartsView.From(proof));
}

/// <summary>Why the ledger refused a transaction: a stable code and a message for people.</summary>
public sealed record RejectionView(string Code, string Message)
{
    /// <summary>The view of a rejection.</summary>
    public static RejectionView From(TxRejection rejection) => new(rejection.Code, rejection.Message);
}

/// <summary>A payment proof's parts besides the transaction: the Merkle path, the block header and the commit certificate.</summary>
public sealed record ProofPartsView(MerklePathView Path, BlockHeaderView Header, CertificateView Certificate)
{
    /// <summary>The parts of a proof.</summary>
    public static ProofPartsView From(PaymentProof proof) => new(
        new MerklePathView(proof.Path.Index, proof.Path.Size, [.. proof.Path.Path.Select(h => h.ToString())]),
        BlockHeaderView.From(proof.Header),
        CertificateView.From(proof.Certificate));
}

/// <summary>An RFC 9162 inclusion path: leaf <see cref="Index"/> of <see cref="Size"/> leaves, sibling hashes from the leaf up.</summary>
public sealed record MerklePathView(int Index, int Size, IReadOnlyList<string> Hashes);
