namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// The checks block execution makes, in the order it makes them (<see cref="Time"/> comes right after
/// <see cref="TxRoot"/>: it was added later); values never change.
/// </summary>
public enum BlockCheck : byte
{
    /// <summary>The header's chain id is the genesis chain id.</summary>
    ChainId = 1,

    /// <summary>The header's height is one above the state's.</summary>
    Height = 2,

    /// <summary>The header's previous hash is the state's last block hash.</summary>
    PreviousHash = 3,

    /// <summary>The round is not negative and the proposer is the validator set's proposer for (height, round).</summary>
    Proposer = 4,

    /// <summary>The header's transaction count is the number of transactions.</summary>
    TxCount = 5,

    /// <summary>The header's transaction root is the Merkle root of the transactions.</summary>
    TxRoot = 6,

    /// <summary>Every transaction is validly signed by its signer for this chain.</summary>
    Signature = 7,

    /// <summary>Every transaction is valid against the state its predecessors left.</summary>
    Transaction = 8,

    /// <summary>The header's state root is the root after applying the block.</summary>
    StateRoot = 9,

    /// <summary>The header's time is not before the last block's.</summary>
    Time = 10,
}
