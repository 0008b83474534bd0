using System.Text.Json.Serialization;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Gateway.Apis;

/// <summary>
/// A block header on the wire: hashes are 64 lower-case hex digits, <see cref="Proposer"/> a validator index,
/// <see cref="Time"/> the proposer's clock (also as <see cref="TimeUnixMs"/>, the value the header hash covers).
/// </summary>
public sealed record BlockHeaderView(
    string ChainId,
    long Height,
    int Round,
    string Hash,
    string PreviousHash,
    string TxRoot,
    string StateRoot,
    int Proposer,
    DateTimeOffset Time,
    long TimeUnixMs,
    int TxCount)
{
    /// <summary>The view of a header.</summary>
    public static BlockHeaderView From(BlockHeader header) => new(
        header.ChainId,
        header.Height,
        header.Round,
        header.Hash.ToString(),
        header.PreviousHash.ToString(),
        header.TxRoot.ToString(),
        header.StateRoot.ToString(),
        header.Proposer,
        DateTimeOffset.FromUnixTimeMilliseconds(header.TimeUnixMs),
        header.TimeUnixMs,
        header.TxCount);
}

/// <summary>A commit certificate: precommit signatures (base64 Ed25519) of more than two thirds of the validators.</summary>
public sealed record CertificateView(long Height, int Round, string BlockHash, IReadOnlyList<CommitSignatureView> Signatures)
{
    /// <summary>The view of a certificate.</summary>
    public static CertificateView From(CommitCertificate certificate) => new(
        certificate.Height,
        certificate.Round,
        certificate.BlockHash.ToString(),
        [.. certificate.Signatures.Select(s => new CommitSignatureView(s.Validator, Convert.ToBase64String(s.Signature)))]);
}

/// <summary>One validator's precommit signature, by validator index.</summary>
public sealed record CommitSignatureView(int Validator, string Signature);

/// <summary>A finalized block: header, transactions in order, and the commit certificate that makes it final.</summary>
public sealed record BlockView(BlockHeaderView Header, IReadOnlyList<LedgerTransactionView> Transactions, CertificateView Certificate)
{
    /// <summary>The view of a finalized block.</summary>
    public static BlockView From(FinalizedBlock finalized) => new(
        BlockHeaderView.From(finalized.Block.Header),
        [.. finalized.Block.Transactions.Select(LedgerTransactionView.From)],
        CertificateView.From(finalized.Certificate));
}

/// <summary>A finalized block as the block stream sends it: header, transaction ids in order, certificate.</summary>
public sealed record BlockSummaryView(BlockHeaderView Header, IReadOnlyList<string> TransactionIds, CertificateView Certificate)
{
    /// <summary>The summary of a finalized block.</summary>
    public static BlockSummaryView From(FinalizedBlock finalized) => new(
        BlockHeaderView.From(finalized.Block.Header),
        [.. finalized.Block.Transactions.Select(t => t.Id.ToString())],
        CertificateView.From(finalized.Certificate));
}

/// <summary>
/// A signed transaction: its id (hex), kind, decoded fields (DIDs, whole credits, hex hashes) and its canonical bytes
/// (base64: body then signature), which are what the signature, the id and the block's Merkle leaf cover.
/// </summary>
public sealed record LedgerTransactionView(string Id, TxKind Kind, TxFields Fields, string Encoded)
{
    /// <summary>The view of a transaction.</summary>
    public static LedgerTransactionView From(SignedTransaction transaction) =>
        new(transaction.Id.ToString(), transaction.Body.Kind, TxFields.Of(transaction.Body), Convert.ToBase64String(transaction.Encoded.Span));
}

/// <summary>A transaction body's fields; which ones depends on the transaction's kind.</summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(TransferFields))]
[JsonDerivedType(typeof(StakeFields))]
[JsonDerivedType(typeof(EscrowLockFields))]
[JsonDerivedType(typeof(ProtocolBatchFields))]
[JsonDerivedType(typeof(BudgetOpenFields))]
[JsonDerivedType(typeof(BudgetTopUpFields))]
[JsonDerivedType(typeof(BudgetCloseFields))]
public abstract record TxFields
{
    /// <summary>The fields of <paramref name="body"/>.</summary>
    public static TxFields Of(TxBody body) => body switch
    {
        Transfer t => new TransferFields(t.From.Value, t.To.Value, t.Amount, t.Nonce),
        Stake s => new StakeFields(s.Account.Value, s.Amount, s.Nonce),
        Unstake u => new StakeFields(u.Account.Value, u.Amount, u.Nonce),
        EscrowLock e => new EscrowLockFields(e.Payer.Value, e.EscrowId.ToString(), e.Amount),
        ProtocolBatch b => new ProtocolBatchFields(b.Orchestrator.Value, b.Sequence, [.. b.Operations.Select(ProtocolOpView.From)]),
        BudgetOpen o => new BudgetOpenFields(o.Owner.Value, o.BudgetId.ToString(), o.Nonce, o.Amount, o.ExpiryHeight),
        BudgetTopUp t => new BudgetTopUpFields(t.Owner.Value, t.BudgetId.ToString(), t.Amount, t.Nonce),
        BudgetClose c => new BudgetCloseFields(c.Owner.Value, c.BudgetId.ToString()),
        _ => throw new ArgumentException($"Unknown transaction body {body.GetType().Name}.", nameof(body)),
    };
}

/// <summary>Fields of a transfer.</summary>
public sealed record TransferFields(string From, string To, long Amount, long Nonce) : TxFields;

/// <summary>Fields of a stake or an unstake.</summary>
public sealed record StakeFields(string Account, long Amount, long Nonce) : TxFields;

/// <summary>Fields of an escrow lock.</summary>
public sealed record EscrowLockFields(string Payer, string EscrowId, long Amount) : TxFields;

/// <summary>Fields of a protocol batch signed by the orchestrator.</summary>
public sealed record ProtocolBatchFields(string Orchestrator, long Sequence, IReadOnlyList<ProtocolOpView> Operations) : TxFields;

/// <summary>Fields of a budget open; <paramref name="BudgetId"/> is derived from the owner and the nonce.</summary>
public sealed record BudgetOpenFields(string Owner, string BudgetId, long Nonce, long Amount, long ExpiryHeight) : TxFields;

/// <summary>Fields of a budget top-up.</summary>
public sealed record BudgetTopUpFields(string Owner, string BudgetId, long Amount, long Nonce) : TxFields;

/// <summary>Fields of a budget close.</summary>
public sealed record BudgetCloseFields(string Owner, string BudgetId) : TxFields;

/// <summary>One operation of a protocol batch; <see cref="Kind"/> says which members are set.</summary>
public sealed record ProtocolOpView(
    ProtocolOpKind Kind,
    string? EscrowId = null,
    string? Payee = null,
    long? PayeeAmount = null,
    long? Fee = null,
    string? Account = null,
    long? Amount = null,
    string? Beneficiary = null,
    long? BeneficiaryShare = null,
    IReadOnlyList<PayoutView>? Payouts = null,
    string? BudgetId = null,
    string? TaskId = null,
    long? MaxPrice = null)
{
    /// <summary>The view of an operation.</summary>
    public static ProtocolOpView From(ProtocolOp op) => op switch
    {
        EscrowRelease r => new(op.Kind, EscrowId: r.EscrowId.ToString(), Payee: r.Payee.Value, PayeeAmount: r.PayeeAmount, Fee: r.Fee),
        EscrowRefund r => new(op.Kind, EscrowId: r.EscrowId.ToString()),
        EscrowPayout p => new(op.Kind, EscrowId: p.EscrowId.ToString(), Fee: p.Fee, Payouts: [.. p.Payouts.Select(x => new PayoutView(x.Payee.Value, x.Amount))]),
        Slash s => new(op.Kind, Account: s.Account.Value, Amount: s.Amount, Beneficiary: s.Beneficiary.Value, BeneficiaryShare: s.BeneficiaryShare),
        VoucherSettle v => new(
            op.Kind, Payee: v.Payee.Value, PayeeAmount: v.PayeeAmount, Fee: v.Fee, BudgetId: v.BudgetId.ToString(), TaskId: v.TaskId.ToString(), MaxPrice: v.MaxPrice),
        BudgetReturn r => new(op.Kind, BudgetId: r.BudgetId.ToString()),
        _ => throw new ArgumentException($"Unknown protocol operation {op.GetType().Name}.", nameof(op)),
    };
}

/// <summary>One payout of an escrow payout operation: the payee's DID and whole credits.</summary>
public sealed record PayoutView(string Payee, long Amount);
