using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tests.Tasks;

/// <summary>
/// A settlement unit sent again (a retry after a crash, a second orchestrator activation) applies at most once: the
/// escrow it closes closes once, and the unit is all or nothing, so the slash inside it is not taken twice either.
/// </summary>
[Collection(TaskWorldCollection.Name)]
public sealed class SettlementOnceTests(TaskWorld world)
{
    [Fact]
    public async Task A_unit_sent_twice_moves_money_once_and_the_escrow_counts_the_retry_as_done()
    {
        var client = await world.NewAccountAsync();
        var agent = await world.EnlistAsync("once.settle", stake: 50);
        var taskId = Blake2b.Content(Guid.NewGuid().ToByteArray());
        var escrow = world.Grains.GetGrain<IEscrowGrain>(taskId.ToString());
        var paymentLock = SignedTransaction.Sign(new EscrowLock(client.Did, TaskEscrows.Payment(taskId), 100, DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds()), client, world.Secrets.ChainId);
        Assert.Equal(HoldState.Locked, (await escrow.LockAsync(HoldKind.Payment, paymentLock, TimeSpan.FromSeconds(20))).State);
        var clientBefore = (await world.AccountAsync(client.Did)).Account;
        var agentBefore = (await world.AccountAsync(agent.Did)).Account;

        ProtocolOp[] unit = [new EscrowRefund(TaskEscrows.Payment(taskId)), new Slash(agent.Did, 10, client.Did, 5)];
        var orchestrator = world.Grains.GetGrain<IOrchestratorGrain>(0);
        var first = await orchestrator.ExecuteAsync([.. unit]);
        var second = await orchestrator.ExecuteAsync([.. unit]);

        Assert.True(first.Final, first.Reason);
        Assert.False(second.Final);
        Assert.Contains(TxRejectionCodes.EscrowClosed, second.Reason);
        Assert.Equal(clientBefore.Balance + 100 + 5, (await world.AccountAsync(client.Did)).Account.Balance);
        Assert.Equal(agentBefore.Stake - 10, (await world.AccountAsync(agent.Did)).Account.Stake);

        // The escrow grain never saw the first close: sending its unit now is refused by the ledger, and the escrow
        // counts it as done because the ledger shows the escrow refunded.
        var closed = await escrow.CloseAsync([.. unit], [new HoldClose(HoldKind.Payment, HoldState.Refunded)]);
        Assert.True(closed.Closed, closed.Reason);
        Assert.Equal(agentBefore.Stake - 10, (await world.AccountAsync(agent.Did)).Account.Stake);
        Assert.Equal(EscrowStatus.Refunded, (await world.Grains.GetGrain<ILedgerQueryGrain>(0).GetEscrowAsync(TaskEscrows.Payment(taskId))).Escrow?.Status);
    }
}
