using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>What the mempool did with a submission.</summary>
public enum SubmitStatus
{
    /// <summary>New and pending.</summary>
    Accepted = 0,

    /// <summary>Already pending (the same bytes, or the same id): nothing changed.</summary>
    Duplicate = 1,

    /// <summary>The pool is full: try again later (backpressure).</summary>
    Full = 2,
}

/// <summary>The outcome of one submission; the transaction id is returned in every case.</summary>
[GenerateSerializer, Immutable, Alias("ainur.SubmitResult")]
public sealed record SubmitResult([property: Id(0)] Hash32 TransactionId, [property: Id(1)] SubmitStatus Status);

/// <summary>Where a transaction stands.</summary>
public enum TxState
{
    /// <summary>Neither pending nor known final (never seen, or lost from the pool before finality: resubmit it).</summary>
    Unknown = 0,

    /// <summary>In the pool, not yet final.</summary>
    Pending = 1,

    /// <summary>In a finalized block (durable; <see cref="TxStatus.Height"/> and <see cref="TxStatus.Position"/> are set).</summary>
    Final = 2,

    /// <summary>Invalid against the ledger when a block was built (<see cref="TxStatus.Rejection"/> says why); never applied.</summary>
    Rejected = 3,
}

/// <summary>A transaction's status; height and position are set when final, rejection when rejected.</summary>
[GenerateSerializer, Immutable, Alias("ainur.TxStatus")]
public sealed record TxStatus(
    [property: Id(0)] Hash32 TransactionId,
    [property: Id(1)] TxState State,
    [property: Id(2)] long Height,
    [property: Id(3)] int Position,
    [property: Id(4)] TxRejection? Rejection);

/// <summary>The finalized head and the pool's size.</summary>
[GenerateSerializer, Immutable, Alias("ainur.MempoolHead")]
public sealed record MempoolHead([property: Id(0)] long Height, [property: Id(1)] int Pending);
