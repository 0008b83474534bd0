using System.Collections.Immutable;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

public class BlockExecutionTests
{
    private static readonly LedgerState Before = Apply(Start(), Transfer(Alice, Bob, 1, 1));
    private static readonly BuiltBlock Built = Next(Before, Transfer(Alice, Carol, 5, 2), Stake(Bob, 10, 1), Lock(Carol, EscrowId(1), 20));

    public enum Tamper
    {
        ChainId,
        HeightUp,
        HeightDown,
        PreviousHash,
        Proposer,
        NegativeRound,
        TxCount,
        TxRoot,
        StateRoot,
    }

    [Fact]
    public void Execute_BuiltBlock_GivesTheBuildersState()
    {
        var outcome = BlockExecution.Execute(Before, Built.Block);

        Assert.True(outcome.IsValid, outcome.Failure?.Message);
        Assert.Equal(Built.After.StateRoot, outcome.After.StateRoot);
        Assert.Equal(Built.Block.Hash, outcome.After.LastBlockHash);
        Assert.Equal(2, outcome.After.Height);
    }

    [Theory]
    [InlineData(Tamper.ChainId, BlockCheck.ChainId)]
    [InlineData(Tamper.HeightUp, BlockCheck.Height)]
    [InlineData(Tamper.HeightDown, BlockCheck.Height)]
    [InlineData(Tamper.PreviousHash, BlockCheck.PreviousHash)]
    [InlineData(Tamper.Proposer, BlockCheck.Proposer)]
    [InlineData(Tamper.NegativeRound, BlockCheck.Proposer)]
    [InlineData(Tamper.TxCount, BlockCheck.TxCount)]
    [InlineData(Tamper.TxRoot, BlockCheck.TxRoot)]
    [InlineData(Tamper.StateRoot, BlockCheck.StateRoot)]
    public void Execute_TamperedHeader_FailsThatCheck(Tamper tamper, BlockCheck check)
    {
        var header = Built.Block.Header;
        var flipped = Blake2b.Content(header.StateRoot.Span);
        var tampered = tamper switch
        {
            Tamper.ChainId => header with { ChainId = "other-chain" },
            Tamper.HeightUp => header with { Height = header.Height + 1 },
            Tamper.HeightDown => header with { Height = header.Height - 1 },
            Tamper.PreviousHash => header with { PreviousHash = flipped },
            Tamper.Proposer => header with { Proposer = (header.Proposer + 1) % Validators.Length },
            Tamper.NegativeRound => header with { Round = -Validators.Length },
            Tamper.TxCount => header with { TxCount = header.TxCount + 1 },
            Tamper.TxRoot => header with { TxRoot = flipped },
            _ => header with { StateRoot = flipped },
        };
        var block = new Block(tampered, Built.Block.Transactions);

        Assert.Equal(check, BlockExecution.Execute(Before, block).Failure?.Check);
        Assert.Equal(check, BlockExecution.ApplyFinalized(Before, block).Failure?.Check);
    }

    [Fact]
    public void Execute_AnyTimeFromTheLastBlocksOn_IsLeftToConsensus()
    {
        var block = new Block(Built.Block.Header with { TimeUnixMs = 42 }, Built.Block.Transactions);

        Assert.True(BlockExecution.Execute(Before, block).IsValid);
        Assert.Equal(42, BlockExecution.Execute(Before, block).After?.TimeUnixMs);
    }

    [Fact]
    public void Execute_TimeBeforeTheLastBlocks_FailsTime()
    {
        var at5000 = BlockBuilder.Build(Before, [], 0, 0, ProposerAfter(Before), 5_000).After;
        var next = BlockBuilder.Build(at5000, [], 0, 0, ProposerAfter(at5000), 5_000).Block;

        Assert.True(BlockExecution.Execute(at5000, next).IsValid);
        var earlier = new Block(next.Header with { TimeUnixMs = 4_999 }, next.Transactions);
        Assert.Equal(BlockCheck.Time, BlockExecution.Execute(at5000, earlier).Failure?.Check);
        Assert.Equal(BlockCheck.Time, BlockExecution.ApplyFinalized(at5000, earlier).Failure?.Check);
    }

    [Fact]
    public void Execute_TransactionsReorderedOrDropped_FailsTxRootOrCount()
    {
        var txs = Built.Block.Transactions;

        Assert.Equal(BlockCheck.TxRoot, BlockExecution.Execute(Before, new Block(Built.Block.Header, [txs[1], txs[0], txs[2]])).Failure?.Check);
        Assert.Equal(BlockCheck.TxCount, BlockExecution.Execute(Before, new Block(Built.Block.Header, txs.RemoveAt(2))).Failure?.Check);
    }

    [Fact]
    public void Execute_SameBlockTwice_FailsHeight()
    {
        var after = BlockExecution.Execute(Before, Built.Block).After!;

        Assert.Equal(BlockCheck.Height, BlockExecution.Execute(after, Built.Block).Failure?.Check);
    }

    [Fact]
    public void Execute_InvalidTransaction_NamesItsIndexAndRejection()
    {
        ImmutableArray<SignedTransaction> txs = [Transfer(Bob, Carol, 1, 1), Transfer(Alice, Carol, 1, 1), Transfer(Carol, Bob, 1, 1)];

        var failure = BlockExecution.Execute(Before, Unchecked(Before, txs, Before.StateRoot)).Failure;

        Assert.Equal(BlockCheck.Transaction, failure?.Check);
        Assert.Equal(1, failure?.TxIndex);
        Assert.Equal(TxRejectionCodes.NonceNotIncreasing, failure?.Rejection?.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Execute_BadSignatures_ReportsTheLowestIndexAtAnyParallelism(int maxParallelism)
    {
        var txs = Enumerable.Range(1, 12).Select(n => Transfer(Alice, Bob, 1, n + 1)).ToArray();
        txs[5] = Forge(txs[5]);
        txs[9] = Forge(txs[9]);

        var failure = BlockExecution.Execute(Before, Unchecked(Before, [.. txs], Before.StateRoot), maxParallelism).Failure;

        Assert.Equal(BlockCheck.Signature, failure?.Check);
        Assert.Equal(5, failure?.TxIndex);
        Assert.Equal(TxRejectionCodes.BadSignature, failure?.Rejection?.Code);
    }

    [Fact]
    public void Execute_TransactionForAnotherChain_FailsSignature()
    {
        var failure = BlockExecution.Execute(Before, Unchecked(Before, [Transfer(Alice, Bob, 1, 2, chainId: "other-chain")], Before.StateRoot)).Failure;

        Assert.Equal(BlockCheck.Signature, failure?.Check);
    }

    [Fact]
    public void ApplyFinalized_TrustsTheCertificateForSignaturesButChecksTheRoot()
    {
        var forged = Forge(Transfer(Alice, Bob, 1, 2));
        var batch = LedgerBatch.Begin(Before);
        Assert.Null(batch.TryApply(forged, signatureChecked: true));
        var block = Unchecked(Before, [forged], batch.ComputeStateRoot());

        Assert.Equal(BlockCheck.Signature, BlockExecution.Execute(Before, block).Failure?.Check);
        Assert.True(BlockExecution.ApplyFinalized(Before, block).IsValid);
        Assert.Equal(BlockCheck.StateRoot, BlockExecution.ApplyFinalized(Before, Unchecked(Before, [forged], Before.StateRoot)).Failure?.Check);
    }

    [Fact]
    public void Execute_LeavesTheStateBeforeUnchanged()
    {
        var root = Before.StateRoot;
        var alice = Before.GetAccount(Alice.Did);

        BlockExecution.Execute(Before, Built.Block);

        Assert.Equal(root, Before.StateRoot);
        Assert.Equal(alice, Before.GetAccount(Alice.Did));
        Assert.Null(Before.GetEscrow(EscrowId(1)));
    }

    private static SignedTransaction Forge(SignedTransaction transaction)
    {
        var signature = transaction.Signature.ToArray();
        signature[0] ^= 1;
        return SignedTransaction.FromParts(transaction.Body, signature);
    }
}
