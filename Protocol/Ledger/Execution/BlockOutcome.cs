using Ainur.Protocol.Ledger.State;
using Orleans;

namespace Ainur.Protocol.Ledger.Execution;

/// <summary>
/// Why a block was refused: the first <paramref name="Check"/> that failed, the index of the transaction concerned
/// (-1 for header checks) with its <paramref name="Rejection"/> when a transaction failed, and a message for people.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BlockFailure")]
public sealed record BlockFailure(
    [property: Id(0)] BlockCheck Check,
    [property: Id(1)] int TxIndex,
    [property: Id(2)] TxRejection? Rejection,
    [property: Id(3)] string Message);

/// <summary>The result of executing a block: the state after it, or the first failure (exactly one is set).</summary>
public sealed class BlockOutcome
{
    private BlockOutcome(LedgerState? after, BlockFailure? failure)
    {
        After = after;
        Failure = failure;
    }

    /// <summary>The state after the block; null when it failed.</summary>
    public LedgerState? After { get; }

    /// <summary>Why the block was refused; null when it is valid.</summary>
    public BlockFailure? Failure { get; }

    /// <summary>True when the block is valid and <see cref="After"/> is set.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(After))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid => After is not null;

    internal static BlockOutcome Valid(LedgerState after) => new(after, null);

    internal static BlockOutcome Invalid(BlockCheck check, string message, int txIndex = -1, TxRejection? rejection = null) =>
        new(null, new BlockFailure(check, txIndex, rejection, message));
}
