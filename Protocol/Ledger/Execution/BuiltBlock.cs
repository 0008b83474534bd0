using System.Collections.Immutable;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Orleans;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>A candidate the block builder left out, and why.</summary>
[GenerateSerializer, Immutable, Alias("ainur.RejectedTransaction")]
public sealed record RejectedTransaction([property: Id(0)] SignedTransaction Transaction, [property: Id(1)] TxRejection Reason);

/// <summary>
/// What <see cref="BlockBuilder.Build"/> made: the <paramref name="Block"/>, the state <paramref name="After"/> it (its
/// last block hash is the block's hash), and the candidates it examined and left out, in the order examined.
/// Candidates it did not reach (the block was full) are in neither list.
/// </summary>
public sealed record BuiltBlock(Block Block, LedgerState After, ImmutableArray<RejectedTransaction> Rejected);
