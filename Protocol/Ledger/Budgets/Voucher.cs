using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Ledger.Budgets;

/// <summary>
/// A budget owner's consent to pay at most <paramref name="MaxPrice"/> credits of budget <paramref name="BudgetId"/>
/// for task <paramref name="TaskId"/>: the owner's Ed25519 signature over <see cref="SignedBytes"/>. The ledger pays a
/// voucher at most once (<c>VoucherSettle</c>), and never more than its price or what the budget holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Voucher")]
public sealed record Voucher(
    [property: Id(0)] Hash32 BudgetId,
    [property: Id(1)] Hash32 TaskId,
    [property: Id(2)] long MaxPrice)
{
    /// <summary>Length of a voucher's Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    // Its own context string, so a voucher's signature can never pass for a transaction's (or the reverse).
    private const string SigningContext = "ainur/voucher/v1";

    /// <summary>The bytes the owner signs: the context string, the chain id, budget id, task id and max price.</summary>
    public byte[] SignedBytes(string chainId)
    {
        ArgumentNullException.ThrowIfNull(chainId);
        return new CanonicalWriter(128).Text(SigningContext).Text(chainId).Hash(BudgetId).Hash(TaskId).I64(MaxPrice).ToArray();
    }

    /// <summary>The owner's 64-byte signature of this voucher for chain <paramref name="chainId"/>.</summary>
    public byte[] Sign(AgentKey owner, string chainId)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return owner.Sign(SignedBytes(chainId));
    }

    /// <summary>True when <paramref name="signature"/> is <paramref name="owner"/>'s over this voucher for chain <paramref name="chainId"/>. Never throws.</summary>
    public bool Verify(Did owner, ReadOnlySpan<byte> signature, string chainId) =>
        chainId is not null && signature.Length == SignatureLength && SignatureMemo.Verify(owner, SignedBytes(chainId), signature);
}
