using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Tests.Ledger;

/// <summary>A small ledger for tests: five funded users, an orchestrator, a treasury and four validators, fixed keys.</summary>
internal static class TestLedger
{
    public const string ChainId = "ainur-test";
    public const long Allocation = 1_000;
    public const int UnbondingBlocks = 2;

    public static readonly AgentKey[] Users = [.. Enumerable.Range(1, 5).Select(KeyFrom)];
    public static readonly AgentKey Orchestrator = KeyFrom(50);
    public static readonly AgentKey Treasury = KeyFrom(51);
    public static readonly AgentKey[] Validators = [.. Enumerable.Range(60, 4).Select(KeyFrom)];

    public static readonly Genesis TestGenesis = new(
        ChainId, 1_700_000_000_000, new ValidatorSet([.. Validators.Select(v => v.Did)]), Orchestrator.Did, Treasury.Did,
        UnbondingBlocks, [.. Users.Select(u => new GenesisAllocation(u.Did, Allocation))]);

    public static AgentKey Alice => Users[0];

    public static AgentKey Bob => Users[1];

    public static AgentKey Carol => Users[2];

    public static LedgerState Start() => LedgerState.FromGenesis(TestGenesis);

    public static AgentKey KeyFrom(int seed) => AgentKey.FromSeed(Enumerable.Repeat((byte)seed, AgentKey.SeedLength).ToArray());

    public static Hash32 EscrowId(int n) => Blake2b.Content(BitConverter.GetBytes(n));

    public static SignedTransaction Transfer(AgentKey from, AgentKey to, long amount, long nonce, string chainId = ChainId) =>
        SignedTransaction.Sign(new Transfer(from.Did, to.Did, amount, nonce), from, chainId);

    public static SignedTransaction Stake(AgentKey account, long amount, long nonce) =>
        SignedTransaction.Sign(new Stake(account.Did, amount, nonce), account, ChainId);

    public static SignedTransaction Unstake(AgentKey account, long amount, long nonce) =>
        SignedTransaction.Sign(new Unstake(account.Did, amount, nonce), account, ChainId);

    public static SignedTransaction Lock(AgentKey payer, Hash32 id, long amount, long expiry = long.MaxValue) =>
        SignedTransaction.Sign(new EscrowLock(payer.Did, id, amount, expiry), payer, ChainId);

    public static SignedTransaction Batch(long sequence, params ProtocolOp[] operations) => BatchBy(Orchestrator, sequence, operations);

    public static SignedTransaction BatchBy(AgentKey signer, long sequence, params ProtocolOp[] operations) =>
        SignedTransaction.Sign(new ProtocolBatch(signer.Did, sequence, [.. operations]), signer, ChainId);

    public static int ProposerAfter(LedgerState state, int round = 0) => state.Genesis.Validators.Proposer(state.Height + 1, round);

    /// <summary>Builds the next block from <paramref name="candidates"/>; the test fails if any is left out.</summary>
    public static BuiltBlock Next(LedgerState state, params SignedTransaction[] candidates)
    {
        var built = BlockBuilder.Build(state, candidates, int.MaxValue, 0, ProposerAfter(state), state.Height * 1000);
        Assert.True(built.Rejected.IsEmpty, string.Join("; ", built.Rejected.Select(r => r.Reason.Message)));
        return built;
    }

    /// <summary>The state after a block holding exactly <paramref name="transactions"/>, all of which must be valid.</summary>
    public static LedgerState Apply(LedgerState state, params SignedTransaction[] transactions) => Next(state, transactions).After;

    /// <summary>The state after <paramref name="count"/> empty blocks.</summary>
    public static LedgerState Skip(LedgerState state, int count)
    {
        for (var i = 0; i < count; i++)
        {
            state = Apply(state);
        }

        return state;
    }

    /// <summary>The rejection of <paramref name="transaction"/> applied as the next block's first transaction.</summary>
    public static TxRejection? Try(LedgerState state, SignedTransaction transaction) =>
        LedgerBatch.Begin(state).TryApply(transaction, signatureChecked: false);

    /// <summary>A block whose header matches its transactions but whose state root is not checked for validity.</summary>
    public static Block Unchecked(LedgerState before, ImmutableArray<SignedTransaction> transactions, Hash32 stateRoot) =>
        new(new BlockHeader(ChainId, before.Height + 1, 0, before.LastBlockHash, Block.TxRootOf(transactions), stateRoot,
            ProposerAfter(before), before.TimeUnixMs, transactions.Length), transactions);
}
