using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Grains.Tests.Ledger;

/// <summary>
/// Builds real finalized blocks for one fresh chain: transfers signed by a payer key, and commit certificates with
/// precommit signatures from a quorum of the chain's validator keys. Each <see cref="Next"/> links to the last block.
/// Not thread-safe.
/// </summary>
internal sealed class TestChain : IDisposable
{
    private readonly AgentKey[] _validatorKeys;
    private readonly AgentKey _payer = AgentKey.Generate();
    private readonly AgentKey _payee = AgentKey.Generate();
    private long _nonce;

    public TestChain(int validators = 4)
    {
        _validatorKeys = [.. Enumerable.Range(0, validators).Select(_ => AgentKey.Generate())];
        Validators = new ValidatorSet([.. _validatorKeys.Select(k => k.Did)]);
    }

    /// <summary>A chain id no other test uses, so tests can share a database.</summary>
    public string ChainId { get; } = $"test-{Guid.NewGuid():N}";

    public ValidatorSet Validators { get; }

    /// <summary>The last block <see cref="Next"/> made; null before the first.</summary>
    public FinalizedBlock? Last { get; private set; }

    /// <summary>The next block on top of <see cref="Last"/>, with <paramref name="transfers"/> fresh transfers.</summary>
    public FinalizedBlock Next(int transfers = 3)
    {
        Last = Make(Last is null ? 1 : Last.Height + 1, Last?.Block.Hash ?? Hash32.Zero, transfers, round: 0, variant: 0);
        return Last;
    }

    /// <summary>A different block at <paramref name="block"/>'s height on the same previous block: a fork of it.</summary>
    public FinalizedBlock Sibling(FinalizedBlock block, int variant = 1) =>
        Make(block.Height, block.Block.Header.PreviousHash, block.Block.Transactions.Length, round: 0, variant);

    /// <summary>A block at <paramref name="height"/> on <paramref name="previous"/>; <paramref name="variant"/> varies its time, hence its hash.</summary>
    public FinalizedBlock Make(long height, Hash32 previous, int transfers, int round, int variant)
    {
        var transactions = Enumerable.Range(0, transfers)
            .Select(_ => SignedTransaction.Sign(new Transfer(_payer.Did, _payee.Did, 1 + (_nonce % 7), ++_nonce), _payer, ChainId))
            .ToImmutableArray();
        var header = new BlockHeader(
            ChainId, height, round, previous, Block.TxRootOf(transactions), Hash32.Zero,
            Validators.Proposer(height, round), 1_767_225_600_000 + (height * 1000) + variant, transactions.Length);
        var block = new Block(header, transactions);
        return new FinalizedBlock(block, Certify(block, round, Enumerable.Range(0, Validators.Quorum)));
    }

    /// <summary>A certificate for <paramref name="block"/> at <paramref name="round"/> signed by <paramref name="signers"/> (ascending).</summary>
    public CommitCertificate Certify(Block block, int round, IEnumerable<int> signers)
    {
        var signing = Vote.SigningBytes(ChainId, VoteType.Precommit, block.Height, round, block.Hash);
        return new CommitCertificate(
            block.Height, round, block.Hash, [.. signers.Select(i => new CommitSignature(i, _validatorKeys[i].Sign(signing)))]);
    }

    public void Dispose()
    {
        foreach (var key in _validatorKeys) key.Dispose();
        _payer.Dispose();
        _payee.Dispose();
    }
}
