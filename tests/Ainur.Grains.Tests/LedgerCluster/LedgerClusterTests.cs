using Ainur.Grains.Interfaces.Ledger;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Execution;
using Ainur.Protocol.Ledger.State;

namespace Ainur.Grains.Tests.LedgerCluster;

/// <summary>Four validators on two silos finalize client transfers with proofs, and halt without forking when more than f are off.</summary>
[Collection(LedgerClusterCollection.Name)]
public sealed class LedgerClusterTests(LedgerClusterFixture fixture)
{
    private static readonly TimeSpan Finality = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Transfers_AreFinal_WithProofsThatVerify_AndAllValidatorsStoreTheSameChain()
    {
        var ct = TestContext.Current.CancellationToken;
        var transfers = Enumerable.Range(0, 20).Select(_ => fixture.NextTransfer()).ToList();

        var statuses = await fixture.SubmitAllAndWaitAsync(transfers, Finality, ct);

        Assert.All(statuses, s => Assert.Equal(TxState.Final, s.State));
        var validators = new ValidatorSet([.. fixture.Secrets.ValidatorSeeds.Select(seed => AgentKey.FromSeed(seed).Did)]);
        Assert.Equal(validators, (await fixture.Query.GetValidatorsAsync()).Validators);
        foreach (var transfer in transfers)
        {
            var view = await fixture.Query.GetTransactionAsync(transfer.Id);
            Assert.NotNull(view.Proof);
            Assert.Equal(transfer, view.Proof.Transaction);
            Assert.Null(view.Proof.Verify(validators, fixture.Secrets.ChainId));
        }

        var silos = (await LedgerChain.WaitForSpreadAsync(fixture, 2, ct)).Select(s => s.Silo).Distinct().Count();
        Assert.Equal(2, silos);
        LedgerChain.AssertNoFork(await LedgerChain.StoredHashesAsync(fixture, ct));
    }

    [Fact]
    public async Task MoreThanFValidatorsOff_FinalityHalts_WithoutFork_AndResumesWhenTheyReturn()
    {
        var ct = TestContext.Current.CancellationToken;
        await LedgerChain.WaitForSpreadAsync(fixture, 2, ct);
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(fixture.NextTransfer(), Finality, ct)).State);
        var before = await LedgerChain.StoredHashesAsync(fixture, ct);
        var head = (await fixture.Mempool.GetHeadAsync()).Height;

        await fixture.Validator(1).SetOnlineAsync(false);
        await fixture.Validator(2).SetOnlineAsync(false);
        try
        {
            var stuck = fixture.NextTransfer();
            var whileHalted = await fixture.SubmitAndWaitAsync(stuck, TimeSpan.FromSeconds(4), ct);
            Assert.Equal(TxState.Pending, whileHalted.State);
            Assert.Equal(head, (await fixture.Mempool.GetHeadAsync()).Height);

            await fixture.Validator(1).SetOnlineAsync(true);
            await fixture.Validator(2).SetOnlineAsync(true);
            Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(stuck, Finality, ct)).State);
        }
        finally
        {
            await fixture.Validator(1).SetOnlineAsync(true);
            await fixture.Validator(2).SetOnlineAsync(true);
        }

        var after = await LedgerChain.StoredHashesAsync(fixture, ct);
        LedgerChain.AssertUnchanged(before, after);
        LedgerChain.AssertNoFork(after);
        Assert.All(await LedgerChain.StatusesAsync(fixture), s => Assert.Equal(0, s.Equivocations));
    }

    [Fact]
    public async Task ARejectionReportedForAHeightAlreadyFinal_IsIgnored_AndTheTransactionStillBecomesFinal()
    {
        var ct = TestContext.Current.CancellationToken;
        await LedgerChain.WaitForSpreadAsync(fixture, 2, ct);
        Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(fixture.NextTransfer(), Finality, ct)).State);

        // Halted, so both transactions wait in the pool when the reports arrive.
        await fixture.Validator(1).SetOnlineAsync(false);
        await fixture.Validator(2).SetOnlineAsync(false);
        try
        {
            var head = (await fixture.Mempool.GetHeadAsync()).Height;
            var stale = fixture.NextTransfer();
            var current = fixture.NextTransfer();
            await fixture.Mempool.SubmitManyAsync([stale, current]);
            var refusal = new TxRejection(TxRejectionCodes.InsufficientBalance, "judged on an old state");
            await fixture.Mempool.RejectedAsync(head, [new RejectedTransaction(stale, refusal)]);
            await fixture.Mempool.RejectedAsync(head + 100, [new RejectedTransaction(current, refusal)]); // any height not final yet

            Assert.Equal(TxState.Rejected, (await fixture.Mempool.WaitAsync(current.Id, TimeSpan.FromSeconds(1))).State);
            Assert.Equal(TxState.Pending, (await fixture.Mempool.WaitAsync(stale.Id, TimeSpan.FromSeconds(1))).State);

            await fixture.Validator(1).SetOnlineAsync(true);
            await fixture.Validator(2).SetOnlineAsync(true);
            Assert.Equal(TxState.Final, (await fixture.SubmitAndWaitAsync(stale, Finality, ct)).State);
        }
        finally
        {
            await fixture.Validator(1).SetOnlineAsync(true);
            await fixture.Validator(2).SetOnlineAsync(true);
        }
    }

    [Fact]
    public async Task OneValidatorOff_ChainGoesOn_AndWhenBackItCatchesUpToTheSameChain()
    {
        var ct = TestContext.Current.CancellationToken;
        await LedgerChain.WaitForSpreadAsync(fixture, 2, ct);
        await fixture.Validator(3).SetOnlineAsync(false);
        long behind;
        try
        {
            behind = (await fixture.Validator(3).GetStatusAsync()).FinalizedHeight;
            var whileOff = await fixture.SubmitAllAndWaitAsync([.. Enumerable.Range(0, 5).Select(_ => fixture.NextTransfer())], Finality, ct);
            Assert.All(whileOff, s => Assert.Equal(TxState.Final, s.State));
            Assert.Equal(behind, (await fixture.Validator(3).GetStatusAsync()).FinalizedHeight);
        }
        finally
        {
            await fixture.Validator(3).SetOnlineAsync(true);
        }

        var head = (await fixture.Mempool.GetHeadAsync()).Height;
        Assert.True(head > behind);
        var deadline = DateTimeOffset.UtcNow + Finality;
        while ((await fixture.Validator(3).GetStatusAsync()).FinalizedHeight < head && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        Assert.True((await fixture.Validator(3).GetStatusAsync()).FinalizedHeight >= head);
        var chains = await LedgerChain.StoredHashesAsync(fixture, ct);
        LedgerChain.AssertNoFork(chains);
        Assert.True(chains[3].Count >= head);
    }
}
