using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Ledger;
using Ainur.Grains.Ledger.Storage;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Proofs;
using Orleans.Concurrency;

namespace Ainur.Grains.Ledger.Queries;

/// <summary>
/// Read side of the ledger (see <see cref="ILedgerQueryGrain"/>). Blocks come from the validators' stored copies (any
/// copy serves: a final block is the same everywhere); accounts from the validator with the highest finalized height
/// among those that answer in time.
/// </summary>
[StatelessWorker]
public sealed class LedgerQueryGrain(LedgerSettings settings, ILedgerStore store) : Grain, ILedgerQueryGrain
{
    /// <inheritdoc/>
    public async Task<FinalizedBlock?> GetBlockAsync(long height)
    {
        for (var validator = 0; validator < settings.Validators.Count; validator++)
        {
            if (await store.GetBlockAsync(settings.ChainId, validator, height, CancellationToken.None) is { } block)
            {
                return block;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task<TransactionView> GetTransactionAsync(Hash32 transactionId)
    {
        var status = await GrainFactory.GetGrain<IMempoolGrain>(0).WaitAsync(transactionId, TimeSpan.Zero);
        if (status.State != TxState.Final)
        {
            return new TransactionView(status, null);
        }

        var block = await GetBlockAsync(status.Height);
        return block is null
            ? new TransactionView(status with { State = TxState.Pending }, null)
            : new TransactionView(status, PaymentProof.For(block, status.Position));
    }

    /// <inheritdoc/>
    public Task<AccountSnapshot> GetAccountAsync(Did account) => MostAdvancedAsync(v => v.GetAccountAsync(account), a => a.Height);

    /// <inheritdoc/>
    public Task<EscrowSnapshot> GetEscrowAsync(Hash32 escrowId) => MostAdvancedAsync(v => v.GetEscrowAsync(escrowId), e => e.Height);

    /// <inheritdoc/>
    public Task<BudgetSnapshot> GetBudgetAsync(Hash32 budgetId) => MostAdvancedAsync(v => v.GetBudgetAsync(budgetId), b => b.Height);

    /// <inheritdoc/>
    public async Task<bool> IsVoucherSpentAsync(Hash32 budgetId, Hash32 taskId) =>
        (await MostAdvancedAsync(v => v.GetVoucherAsync(budgetId, taskId), s => s.Height)).Spent;

    /// <inheritdoc/>
    public async Task<ValidatorsView> GetValidatorsAsync()
    {
        var statuses = await Task.WhenAll(Enumerable.Range(0, settings.Validators.Count).Select(i => PeerCall.TryAsync(GrainFactory.GetGrain<IValidatorGrain>(i).GetStatusAsync())));
        return new ValidatorsView(settings.ChainId, settings.Validators, [.. statuses.OfType<ValidatorStatus>()]);
    }

    /// <summary>Asks every validator and keeps the answer from the most advanced one that answered.</summary>
    private async Task<T> MostAdvancedAsync<T>(Func<IValidatorGrain, Task<T>> read, Func<T, long> height)
        where T : class
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, settings.Validators.Count).Select(i => PeerCall.TryAsync(read(GrainFactory.GetGrain<IValidatorGrain>(i)))));
        return answers.Where(a => a is not null).MaxBy(a => height(a!))
            ?? throw new LedgerUnavailableException("No validator answered.");
    }
}
