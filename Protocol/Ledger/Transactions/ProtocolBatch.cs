using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Ledger.Transactions;

/// <summary>
/// Protocol operations under one signature of the orchestrator (<paramref name="Orchestrator"/> must be the genesis'
/// orchestrator). <paramref name="Sequence"/> must exceed the orchestrator's last used one, as a nonce. The batch
/// is all or nothing: every operation must be valid in order, or the whole transaction is rejected.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.ProtocolBatch")]
public sealed record ProtocolBatch(
    [property: Id(0)] Did Orchestrator,
    [property: Id(1)] long Sequence,
    [property: Id(2)] ImmutableArray<ProtocolOp> Operations) : TxBody
{
    /// <inheritdoc/>
    public override TxKind Kind => TxKind.ProtocolBatch;

    /// <inheritdoc/>
    public override Did Signer => Orchestrator;

    /// <summary>Equality by content (records compare arrays by reference otherwise).</summary>
    public bool Equals(ProtocolBatch? other) =>
        other is not null && Orchestrator == other.Orchestrator && Sequence == other.Sequence
        && Operations.AsSpan().SequenceEqual(other.Operations.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Orchestrator, Sequence, Operations.Length);

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer)
    {
        writer.Did(Orchestrator).I64(Sequence).I32(Operations.Length);
        foreach (var op in Operations)
        {
            op.WriteTo(writer);
        }
    }

    internal static ProtocolBatch ReadFields(ref CanonicalReader reader)
    {
        var orchestrator = reader.Did();
        var sequence = reader.I64();
        var count = reader.Count(1 + Hash32.Length);
        var ops = ImmutableArray.CreateBuilder<ProtocolOp>(count);
        for (var i = 0; i < count; i++)
        {
            ops.Add(ProtocolOp.ReadFrom(ref reader));
        }

        return new ProtocolBatch(orchestrator, sequence, ops.MoveToImmutable());
    }
}

/// <summary>One protocol operation inside a <see cref="ProtocolBatch"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.ProtocolOp")]
public abstract record ProtocolOp
{
    /// <summary>The operation's kind byte.</summary>
    public abstract ProtocolOpKind Kind { get; }

    /// <summary>Writes the kind byte and the fields.</summary>
    public void WriteTo(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.U8((byte)Kind);
        WriteFields(writer);
    }

    /// <summary>Reads one operation.</summary>
    /// <exception cref="FormatException">Unknown kind or malformed fields.</exception>
    public static ProtocolOp ReadFrom(ref CanonicalReader reader) => (ProtocolOpKind)reader.U8() switch
    {
        ProtocolOpKind.EscrowRelease => new EscrowRelease(reader.Hash(), reader.Did(), reader.I64(), reader.I64()),
        ProtocolOpKind.EscrowRefund => new EscrowRefund(reader.Hash()),
        ProtocolOpKind.Slash => new Slash(reader.Did(), reader.I64(), reader.Did(), reader.I64()),
        ProtocolOpKind.EscrowPayout => EscrowPayout.ReadFields(ref reader),
        ProtocolOpKind.VoucherSettle => VoucherSettle.ReadFields(ref reader),
        ProtocolOpKind.BudgetReturn => new BudgetReturn(reader.Hash()),
        var kind => throw new FormatException($"Unknown protocol operation kind {(byte)kind}."),
    };

    /// <summary>Writes the fields after the kind byte.</summary>
    protected abstract void WriteFields(CanonicalWriter writer);
}

/// <summary>Protocol operation kinds; byte values never change.</summary>
public enum ProtocolOpKind : byte
{
    /// <summary>Pays out a locked escrow.</summary>
    EscrowRelease = 1,

    /// <summary>Returns a locked escrow to its payer.</summary>
    EscrowRefund = 2,

    /// <summary>Takes stake from a misbehaving account.</summary>
    Slash = 3,

    /// <summary>Pays out a locked escrow to several payees.</summary>
    EscrowPayout = 4,

    /// <summary>Pays a task from a budget, on the owner's voucher.</summary>
    VoucherSettle = 5,

    /// <summary>Returns what a closing or expired budget holds to its owner and ends it.</summary>
    BudgetReturn = 6,
}

/// <summary>
/// Closes a locked escrow: <paramref name="PayeeAmount"/> to <paramref name="Payee"/>, <paramref name="Fee"/> to the
/// genesis' treasury, and the rest of the locked amount back to the payer. PayeeAmount + Fee must not exceed it.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.EscrowRelease")]
public sealed record EscrowRelease(
    [property: Id(0)] Hash32 EscrowId,
    [property: Id(1)] Did Payee,
    [property: Id(2)] long PayeeAmount,
    [property: Id(3)] long Fee) : ProtocolOp
{
    /// <inheritdoc/>
    public override ProtocolOpKind Kind => ProtocolOpKind.EscrowRelease;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Hash(EscrowId).Did(Payee).I64(PayeeAmount).I64(Fee);
}

/// <summary>Closes a locked escrow by returning all of it to the payer.</summary>
[GenerateSerializer, Immutable, Alias("ainur.EscrowRefund")]
public sealed record EscrowRefund([property: Id(0)] Hash32 EscrowId) : ProtocolOp
{
    /// <inheritdoc/>
    public override ProtocolOpKind Kind => ProtocolOpKind.EscrowRefund;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Hash(EscrowId);
}

/// <summary>
/// Takes <paramref name="Amount"/> credits of <paramref name="Account"/>'s stake (then, if the stake is short, of its
/// unbonding entries, latest first): <paramref name="BeneficiaryShare"/> goes to <paramref name="Beneficiary"/>
/// (the injured client), the rest to the treasury. Fails if the account holds less than Amount at stake and unbonding.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Slash")]
public sealed record Slash(
    [property: Id(0)] Did Account,
    [property: Id(1)] long Amount,
    [property: Id(2)] Did Beneficiary,
    [property: Id(3)] long BeneficiaryShare) : ProtocolOp
{
    /// <inheritdoc/>
    public override ProtocolOpKind Kind => ProtocolOpKind.Slash;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(Account).I64(Amount).Did(Beneficiary).I64(BeneficiaryShare);
}

/// <summary>
/// Closes a locked escrow as released, paying several payees at once (a dispute bond the agent wins goes to the agent
/// and to the verifiers): each <see cref="Payout"/> to its payee, <paramref name="Fee"/> to the genesis' treasury, and
/// the rest of the locked amount back to the payer. Every amount is at least 0; there are 1 to <see cref="MaxPayouts"/>
/// payouts (a payee may appear more than once); the payouts plus the fee must not exceed the locked amount. Canonical
/// fields after the kind byte: escrow id, payout count, (payee, amount) per payout in order, fee.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.EscrowPayout")]
public sealed record EscrowPayout(
    [property: Id(0)] Hash32 EscrowId,
    [property: Id(1)] ImmutableArray<Payout> Payouts,
    [property: Id(2)] long Fee) : ProtocolOp
{
    /// <summary>The most payouts one operation may carry.</summary>
    public const int MaxPayouts = 64;

    /// <inheritdoc/>
    public override ProtocolOpKind Kind => ProtocolOpKind.EscrowPayout;

    /// <summary>Equality by content (records compare arrays by reference otherwise).</summary>
    public bool Equals(EscrowPayout? other) =>
        other is not null && EscrowId == other.EscrowId && Fee == other.Fee
        && Payouts.AsSpan().SequenceEqual(other.Payouts.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(EscrowId, Fee, Payouts.Length);

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer)
    {
        writer.Hash(EscrowId).I32(Payouts.Length);
        foreach (var payout in Payouts)
        {
            writer.Did(payout.Payee).I64(payout.Amount);
        }

        writer.I64(Fee);
    }

    internal static EscrowPayout ReadFields(ref CanonicalReader reader)
    {
        var escrowId = reader.Hash();
        var count = reader.Count(32 + sizeof(long));
        var payouts = ImmutableArray.CreateBuilder<Payout>(count);
        for (var i = 0; i < count; i++)
        {
            payouts.Add(new Payout(reader.Did(), reader.I64()));
        }

        return new EscrowPayout(escrowId, payouts.MoveToImmutable(), reader.I64());
    }
}

/// <summary><paramref name="Amount"/> whole credits of an <see cref="EscrowPayout"/> for <paramref name="Payee"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.Payout")]
public sealed record Payout([property: Id(0)] Did Payee, [property: Id(1)] long Amount);
