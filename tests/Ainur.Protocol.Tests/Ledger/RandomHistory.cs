using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using CsCheck;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

/// <summary>
/// One random step of a ledger history; <see cref="RandomHistory.Materialize"/> turns it into a transaction (valid or
/// not, against the state it meets) or, for <see cref="StepKind.EndBlock"/>, into the end of the current block.
/// </summary>
internal sealed record Step(StepKind Kind, int A, int B, long Amount, int NonceSkew, int Noise);

internal enum StepKind
{
    Transfer,
    Stake,
    Unstake,
    Lock,
    Batch,
    Replay,
    Forge,
    EndBlock,
}

/// <summary>What a step's transaction must do: anything the rules decide, or be rejected with a given code.</summary>
internal sealed record Materialized(SignedTransaction Transaction, string? MustFailWith, bool MustFail);

/// <summary>A random history: the blocks it produced and the state after each (index = height).</summary>
internal sealed record History(IReadOnlyList<Block> Blocks, IReadOnlyList<LedgerState> States);

internal static class RandomHistory
{
    private const int EscrowIds = 5;

    private static readonly StepKind[] Weights =
    [
        StepKind.Transfer, StepKind.Transfer, StepKind.Transfer, StepKind.Transfer, StepKind.Stake, StepKind.Stake,
        StepKind.Unstake, StepKind.Unstake, StepKind.Lock, StepKind.Lock, StepKind.Batch, StepKind.Batch, StepKind.Batch,
        StepKind.Replay, StepKind.Forge, StepKind.EndBlock, StepKind.EndBlock, StepKind.EndBlock,
    ];

    public static readonly Gen<Step> Steps = Gen.Select(
        Gen.Int[0, Weights.Length - 1], Gen.Int[0, Users.Length - 1], Gen.Int[0, Users.Length - 1], Gen.Long[-2, 400], Gen.Int[-1, 3], Gen.Int[0, 99],
        (kind, a, b, amount, skew, noise) => new Step(Weights[kind], a, b, amount, skew, noise));

    public static readonly Gen<Step[]> Histories = Steps.Array[5, 70];

    /// <summary>
    /// Runs <paramref name="steps"/> from genesis through a <see cref="LedgerBatch"/>, asserting every step's
    /// expectation and, at each block end, that the builder makes the same block and root and the invariants hold.
    /// </summary>
    public static History Run(Step[] steps)
    {
        var states = new List<LedgerState> { Start() };
        var blocks = new List<Block>();
        // Block n has time n (ms): locks expire around it (see Materialize).
        var batch = LedgerBatch.Begin(states[^1], states.Count);
        var pending = new List<SignedTransaction>();
        var applied = new List<SignedTransaction>();
        foreach (var step in steps.Append(new Step(StepKind.EndBlock, 0, 0, 0, 0, 0)))
        {
            if (step.Kind == StepKind.EndBlock)
            {
                var root = batch.ComputeStateRoot();
                var built = BlockBuilder.Build(states[^1], pending, int.MaxValue, 0, ProposerAfter(states[^1]), states.Count, verified: _ => true);
                Assert.Equal(pending, built.Block.Transactions);
                Assert.Equal(root, built.After.StateRoot);
                LedgerInvariants.Check(built.After);
                states.Add(built.After);
                blocks.Add(built.Block);
                batch = LedgerBatch.Begin(built.After, states.Count);
                pending.Clear();
                continue;
            }

            if (Materialize(step, batch, applied) is not { } next)
            {
                continue;
            }

            var rejection = batch.TryApply(next.Transaction, signatureChecked: false);
            Assert.True(!next.MustFail || rejection is not null, $"{step} must be rejected");
            Assert.True(next.MustFailWith is null || next.MustFailWith == rejection?.Code, $"{step} gave {rejection?.Code}, not {next.MustFailWith}");
            if (rejection is null)
            {
                pending.Add(next.Transaction);
                applied.Add(next.Transaction);
            }
        }

        return new History(blocks, states);
    }

    /// <summary>
    /// The transaction a step stands for, given what <paramref name="view"/> holds now (nonces are the last used plus
    /// the step's skew, so some are stale); null when a step has nothing to do (a replay with nothing applied yet).
    /// </summary>
    public static Materialized? Materialize(Step step, LedgerBatch view, IReadOnlyList<SignedTransaction> applied)
    {
        var signer = Users[step.A];
        var other = Users[step.B];
        var nonce = view.GetAccount(signer.Did).Nonce + step.NonceSkew;
        return step.Kind switch
        {
            StepKind.Transfer => Free(Transfer(signer, other, step.Amount, nonce)),
            StepKind.Stake => Free(Stake(signer, step.Amount, nonce)),
            StepKind.Unstake => Free(Unstake(signer, step.Amount / 8, nonce)),
            StepKind.Lock => Free(Lock(signer, EscrowId(step.Noise % EscrowIds), step.Amount, view.TimeUnixMs + step.NonceSkew)),
            StepKind.Batch => MaterializeBatch(step, view),
            StepKind.Replay => applied.Count == 0 ? null : new Materialized(applied[step.Noise % applied.Count], null, MustFail: true),
            StepKind.Forge => Forge(step, Transfer(signer, other, 1, nonce)),
            _ => null,
        };
    }

    private static Materialized Free(SignedTransaction transaction) => new(transaction, null, MustFail: false);

    // One to three operations on a small pool of escrow ids and the users' stakes; a few batches are signed by a user.
    private static Materialized MaterializeBatch(Step step, LedgerBatch view)
    {
        var operations = Enumerable.Range(0, 1 + (step.Noise % 7 / 4) + (step.Noise % 7 / 6)).Select(i => (((step.Noise / 3) + i) % 4) switch
        {
            0 => new EscrowRelease(EscrowId((step.Noise + i) % EscrowIds), Users[step.B].Did, step.Amount / 2, step.Amount % 7),
            1 => new EscrowRefund(EscrowId((step.Noise + (3 * i)) % EscrowIds)),
            2 => Payout(step, i),
            _ => (ProtocolOp)new Slash(Users[step.A].Did, step.Amount / 10, Users[step.B].Did, step.Amount / 30),
        }).ToArray();
        var sequence = view.OrchestratorSequence + (step.NonceSkew < 0 ? 0 : 1 + step.NonceSkew);
        return step.Noise < 10
            ? new Materialized(BatchBy(Users[step.A], sequence, operations), TxRejectionCodes.NotOrchestrator, MustFail: true)
            : Free(Batch(sequence, operations));
    }

    // Zero to four payouts to consecutive users (zero: always rejected), each a share of the step's amount, which may
    // be negative (rejected) or, summed with the fee, more than the escrow holds (rejected).
    private static EscrowPayout Payout(Step step, int i) => new(
        EscrowId((step.Noise + (2 * i)) % EscrowIds),
        [.. Enumerable.Range(0, (step.Noise + i) % 5).Select(j => new Payout(Users[(step.B + j) % Users.Length].Did, step.Amount / (3 + j)))],
        step.Amount % 5);

    // A signature bit flipped, a body byte flipped (skipped when the bytes no longer decode), or a signature for another chain.
    private static Materialized? Forge(Step step, SignedTransaction genuine)
    {
        var bytes = genuine.Encoded.ToArray();
        var bodyLength = bytes.Length - SignedTransaction.SignatureLength;
        SignedTransaction forged;
        switch (step.Noise % 3)
        {
            case 0:
                bytes[bodyLength + (step.Noise % SignedTransaction.SignatureLength)] ^= (byte)(1 << (step.B % 8));
                forged = SignedTransaction.Decode(bytes);
                break;
            case 1:
                bytes[step.Noise % bodyLength] ^= (byte)(1 << (step.B % 8));
                try
                {
                    forged = SignedTransaction.Decode(bytes);
                }
                catch (FormatException)
                {
                    return null;
                }

                break;
            default:
                forged = SignedTransaction.Sign(genuine.Body, Users[step.A], "another-chain");
                break;
        }

        return new Materialized(forged, TxRejectionCodes.BadSignature, MustFail: true);
    }
}

/// <summary>What must hold after every block.</summary>
internal static class LedgerInvariants
{
    public static void Check(LedgerState state)
    {
        Assert.Equal(state.Genesis.TotalSupply, state.Total());
        foreach (var (did, account) in state.Accounts)
        {
            Assert.True(account.Balance >= 0 && account.Stake >= 0 && account.Nonce >= 0, $"{did}: {account}");
            Assert.NotEqual(Account.Empty, account);
            var releaseAfter = state.Height;
            foreach (var entry in account.Unbonding)
            {
                Assert.True(entry.Amount > 0 && entry.ReleaseHeight > releaseAfter, $"{did}: unbonding {entry} at height {state.Height}");
                releaseAfter = entry.ReleaseHeight;
            }
        }

        foreach (var escrow in state.Escrows)
        {
            Assert.True(escrow.Amount > 0 && escrow.LockedAtHeight >= 1 && escrow.LockedAtHeight <= state.Height, escrow.ToString());
            Assert.True(escrow.Status == EscrowStatus.Locked ? escrow.ClosedAtHeight == 0 : escrow.ClosedAtHeight >= escrow.LockedAtHeight, escrow.ToString());
        }
    }
}
