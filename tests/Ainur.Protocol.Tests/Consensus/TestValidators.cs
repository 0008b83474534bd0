using System.Collections.Concurrent;
using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// N validators with fixed keys (seeded, so every run signs the same bytes), their configs, and builders for signed
/// proposals, votes, blocks and transfers. Keys live for the whole test run, shared by all tests.
/// </summary>
internal sealed class TestValidators
{
    public const string ChainId = "ainur-consensus-test";

    /// <summary>Block 1's previous hash.</summary>
    public static readonly Hash32 GenesisHash = Blake2b.Hash(HashDomain.Genesis, "consensus-test-genesis"u8);

    /// <summary>Base timeouts 100 ms, +50 ms per round, rebroadcast every 200 ms.</summary>
    public static readonly TimeoutSettings Timeouts =
        new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));

    private static readonly ConcurrentDictionary<int, TestValidators> BySize = new();
    private static readonly Lazy<ImmutableArray<SignedTransaction>> TransferPool = new(CreateTransfers);

    private TestValidators(int count)
    {
        Keys = [.. Enumerable.Range(0, count).Select(i => KeyFromSeed(100 + i))];
        Set = new ValidatorSet([.. Keys.Select(k => k.Did)]);
    }

    public ImmutableArray<AgentKey> Keys { get; }

    public ValidatorSet Set { get; }

    public int Count => Keys.Length;

    /// <summary>Signed transfers between four client accounts, each with its own nonce: distinct transactions.</summary>
    public static ImmutableArray<SignedTransaction> Transfers => TransferPool.Value;

    public static TestValidators Of(int count) => BySize.GetOrAdd(count, n => new TestValidators(n));

    public ConsensusConfig Config(int self) => new(ChainId, Set, self, Timeouts);

    public ConsensusContext Context(int self, Func<Block, bool>? isValid = null) => new(Config(self), Keys[self], isValid ?? (_ => true));

    public Vote Vote(int signer, VoteType type, long height, int round, Hash32? blockHash) =>
        new(type, height, round, blockHash, signer, Keys[signer].Sign(Ainur.Protocol.Consensus.Vote.SigningBytes(ChainId, type, height, round, blockHash)));

    public Vote Prevote(int signer, long height, int round, Hash32? blockHash) => Vote(signer, VoteType.Prevote, height, round, blockHash);

    public Vote Precommit(int signer, long height, int round, Hash32? blockHash) => Vote(signer, VoteType.Precommit, height, round, blockHash);

    /// <summary>A proposal signed by the round's proposer (or by <paramref name="signer"/>).</summary>
    public Proposal Proposal(Block block, int round, int validRound = -1, int? signer = null)
    {
        var proposer = signer ?? Set.Proposer(block.Height, round);
        var signature = Keys[proposer].Sign(Ainur.Protocol.Consensus.Proposal.SigningBytes(ChainId, block.Height, round, validRound, block.Hash));
        return new Proposal(block.Height, round, validRound, block, proposer, signature);
    }

    /// <summary>A well-formed block; <paramref name="time"/> makes otherwise equal blocks differ.</summary>
    public static Block Block(long height, int round, int proposer, Hash32 previous, IReadOnlyList<SignedTransaction> transactions, long time = 0)
    {
        var header = new BlockHeader(ChainId, height, round, previous, Ainur.Protocol.Ledger.Blocks.Block.TxRootOf(transactions),
            Hash32.Zero, proposer, time, transactions.Count);
        return new Block(header, [.. transactions]);
    }

    /// <summary>A block of <paramref name="height"/> with one transfer, distinct per <paramref name="time"/>.</summary>
    public static Block SomeBlock(long height, long time = 0, int proposer = 0) =>
        Block(height, 0, proposer, GenesisHash, [Transfers[0]], time);

    private static AgentKey KeyFromSeed(int seed)
    {
        var bytes = new byte[AgentKey.SeedLength];
        bytes.AsSpan().Fill((byte)seed);
        return AgentKey.FromSeed(bytes);
    }

    private static ImmutableArray<SignedTransaction> CreateTransfers()
    {
        var clients = Enumerable.Range(0, 4).Select(i => KeyFromSeed(200 + i)).ToArray();
        return [.. Enumerable.Range(0, 256).Select(i =>
        {
            var from = clients[i % clients.Length];
            var to = clients[(i + 1) % clients.Length];
            return SignedTransaction.Sign(new Transfer(from.Did, to.Did, 1 + (i % 7), i + 1), from, ChainId);
        })];
    }
}
