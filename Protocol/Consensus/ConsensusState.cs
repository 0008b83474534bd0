using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Consensus;

/// <summary>
/// One validator's Tendermint state (Algorithm 1, lines 1-9) and message log for its current height. Immutable:
/// <see cref="Tendermint.Step"/> returns a new one. Memory is bounded against Byzantine validators: messages of rounds
/// more than <see cref="Tendermint.RoundWindow"/> ahead are kept only as a per-validator round number, at most one
/// vote per (validator, round, type) is kept, messages for the next height are buffered up to
/// <see cref="Tendermint.FutureMessagesPerValidator"/> per validator, and evidence up to <see cref="Tendermint.MaxEvidence"/>.
/// The state is not persisted: a restarted validator starts from <see cref="Initial"/> with its persisted
/// <see cref="SigningGuard"/>.
/// </summary>
public sealed record ConsensusState
{
    private ConsensusState()
    {
    }

    /// <summary>h_p: the height being decided.</summary>
    public long Height { get; init; }

    /// <summary>round_p.</summary>
    public int Round { get; init; }

    /// <summary>step_p.</summary>
    public SignStep Step { get; init; } = SignStep.Propose;

    /// <summary>False until <see cref="Start"/> or a valid message of this height starts round <see cref="Round"/>.</summary>
    public bool Started { get; init; }

    /// <summary>
    /// lockedValue_p by hash (null: nil). After a restart only the hash is known (from the guard); then the validator
    /// prevotes only for a proposal of this hash, or nil (lines 22-25 with lockedValue known by hash).
    /// </summary>
    public Hash32? LockedBlockHash { get; init; }

    /// <summary>lockedValue_p when its block is known.</summary>
    public Block? LockedValue { get; init; }

    /// <summary>lockedRound_p; -1 when unlocked.</summary>
    public int LockedRound { get; init; } = -1;

    /// <summary>validValue_p (not persisted: losing it costs liveness only).</summary>
    public Block? ValidValue { get; init; }

    /// <summary>validRound_p; -1 when none.</summary>
    public int ValidRound { get; init; } = -1;

    /// <summary>The last point this validator signed (restored or new); it never signs at or before it again except the same message.</summary>
    public SigningGuard? Guard { get; init; }

    /// <summary>The last decision this core made (decision_p[h_p - 1]); its precommits are re-sent to validators still on that height.</summary>
    public Decision? LastDecision { get; init; }

    /// <summary>Equivocations seen, oldest first, at most <see cref="Tendermint.MaxEvidence"/> (older ones are dropped).</summary>
    public ImmutableList<Equivocation> Evidence { get; init; } = [];

    /// <summary>Messages dropped because their signature, signer, height, round or block was wrong (a metric).</summary>
    public long InvalidMessages { get; init; }

    /// <summary>The message log of this height, by round, for rounds up to <see cref="Round"/> + <see cref="Tendermint.RoundWindow"/>.</summary>
    internal ImmutableSortedDictionary<int, RoundMessages> Rounds { get; init; } = ImmutableSortedDictionary<int, RoundMessages>.Empty;

    /// <summary>The "for the first time" flags of lines 34, 36 and 47 for <see cref="Round"/>.</summary>
    internal RoundFlags Flags { get; init; }

    /// <summary>Per validator, the highest round of a verified message of this height (-1: none); line 55 counts these.</summary>
    internal ImmutableArray<int> MaxRoundBySigner { get; init; }

    /// <summary>Per validator, the highest height of a verified message from a later height (0: none); catch-up counts these.</summary>
    internal ImmutableArray<long> MaxHeightBySigner { get; init; }

    /// <summary>Verified messages of height <see cref="Height"/> + 1 (or, right after a decision, of <see cref="Height"/>), replayed at that height.</summary>
    internal ImmutableList<ConsensusMessage> FutureMessages { get; init; } = [];

    /// <summary>valid(v) answers of this height, by block hash.</summary>
    internal ImmutableDictionary<Hash32, bool> Validity { get; init; } = ImmutableDictionary<Hash32, bool>.Empty;

    /// <summary>A rebroadcast timer of this height is pending.</summary>
    internal bool TickPending { get; init; }

    /// <summary>A message of an earlier height arrived since the last tick: someone may need our last decision's precommits.</summary>
    internal bool LaggingPeerSeen { get; init; }

    /// <summary>A catch-up request was emitted at this height outside a tick.</summary>
    internal bool CatchUpRequested { get; init; }

    /// <summary>
    /// The state of a validator (re)starting at <paramref name="height"/> (lines 1-9), not started. With a
    /// <paramref name="restored"/> guard it never signs at or before the guard's point except byte-identical
    /// re-sends, and, when the guard is of this height, it resumes at the guard's round and keeps the guard's lock.
    /// </summary>
    /// <exception cref="ArgumentException">The configuration is invalid or the height is below 1.</exception>
    public static ConsensusState Initial(ConsensusConfig config, long height, SigningGuard? restored)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Validate() is { } problems)
        {
            throw new ArgumentException(problems, nameof(config));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        return new ConsensusState
        {
            Guard = restored,
            MaxHeightBySigner = ImmutableArray.Create(new long[config.Validators.Count]),
        }.AtHeight(height, config.Validators.Count);
    }

    /// <summary>This state moved to a fresh <paramref name="height"/> (line 53): log, lock and valid value reset; guard, evidence and metrics kept.</summary>
    internal ConsensusState AtHeight(long height, int validators)
    {
        var resume = Guard is { } guard && guard.Height == height ? guard : null;
        var noRound = new int[validators];
        Array.Fill(noRound, -1);
        return this with
        {
            Height = height,
            Round = resume?.Round ?? 0,
            Step = SignStep.Propose,
            Started = false,
            LockedRound = resume?.LockedRound ?? -1,
            LockedBlockHash = resume?.LockedBlockHash,
            LockedValue = null,
            ValidValue = null,
            ValidRound = -1,
            Rounds = ImmutableSortedDictionary<int, RoundMessages>.Empty,
            Flags = default,
            MaxRoundBySigner = ImmutableArray.Create(noRound),
            Validity = ImmutableDictionary<Hash32, bool>.Empty,
            TickPending = false,
            LaggingPeerSeen = false,
            CatchUpRequested = false,
        };
    }
}

/// <summary>Lines 34, 36 and 47 fire once per round: these remember that they did.</summary>
internal readonly record struct RoundFlags(bool PrevoteTimerSet, bool ValidValueSet, bool PrecommitTimerSet);
