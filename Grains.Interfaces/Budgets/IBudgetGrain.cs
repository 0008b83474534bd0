using System.Collections.Immutable;
using Ainur.Grains.Interfaces.Tasks;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Budgets;

/// <summary>
/// One budget on the ledger (key: the budget id in hex), the single writer of its reservations: each budget-paid task
/// reserves its maxPrice here, against the budget as last finalized minus what is reserved or settled since, durably
/// and without waiting for a block. Settling pays the task's voucher through the orchestrator (at most once: the ledger
/// marks a voucher spent); a refund releases the reservation. One reminder returns the budget to its owner once it is
/// closing with nothing reserved, or past its expiry, and wakes the tasks it holds reservations for after a restart.
/// </summary>
[Alias("ainur.IBudgetGrain")]
public interface IBudgetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Reserves <paramref name="request"/>'s maxPrice for its task, or says why not (null: reserved, now or before).
    /// Durable when it answers; reservations that arrive together share one write.
    /// </summary>
    [Alias("Reserve")]
    Task<BudgetRefusal?> ReserveAsync(ReserveRequest request);

    /// <summary>
    /// Applies <paramref name="unit"/> (the task's settlement: its voucher's payment, its bond's close; possibly empty)
    /// through the orchestrator and drops the task's reservation. Idempotent: a unit already applied (the voucher spent,
    /// the escrows closed), or a reservation already gone, counts as done.
    /// </summary>
    [Alias("Settle")]
    Task<CloseOutcome> SettleAsync(Hash32 taskId, ImmutableArray<ProtocolOp> unit);

    /// <summary>Starts the budget's reminder (after its open is final) and reads the ledger again (after a top-up or close).</summary>
    [Alias("Activate")]
    Task ActivateAsync();

    /// <summary>What this node holds on the budget: reservations and how many tasks it settled or released.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<BudgetUsage> GetAsync();
}

/// <summary>A budget task's reservation request: the client's voucher signature over (budget, task, maxPrice), and the task's deadline (Unix ms).</summary>
[GenerateSerializer, Immutable, Alias("ainur.ReserveRequest")]
public sealed record ReserveRequest(
    [property: Id(0)] Hash32 TaskId,
    [property: Id(1)] Did Client,
    [property: Id(2)] long MaxPrice,
    [property: Id(3)] byte[] Signature,
    [property: Id(4)] long Deadline)
{
    /// <summary>The request for <paramref name="terms"/> paid by <paramref name="voucher"/>.</summary>
    public static ReserveRequest For(TaskTerms terms, TaskVoucher voucher)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(voucher);
        return new ReserveRequest(terms.TaskId(), terms.Client, terms.MaxPrice, voucher.Signature, terms.Deadline);
    }
}

/// <summary>Why a budget refused a reservation: a stable code (see <see cref="BudgetRefusals"/>) and a reason for people.</summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetRefusal")]
public sealed record BudgetRefusal([property: Id(0)] string Code, [property: Id(1)] string Reason);

/// <summary>The codes of <see cref="BudgetRefusal"/>.</summary>
public static class BudgetRefusals
{
    /// <summary>No such budget is final on the ledger.</summary>
    public const string NotFound = "budget-not-found";

    /// <summary>The budget is closing (or returned): it takes no new tasks.</summary>
    public const string Closing = "budget-closing";

    /// <summary>The budget expires too soon (in heights) to settle a new task.</summary>
    public const string Expired = "budget-expired";

    /// <summary>What the budget holds, less what is reserved, is short of maxPrice.</summary>
    public const string Exceeded = "budget-exceeded";

    /// <summary>The voucher is not the budget owner's signature over (budget, task, maxPrice), or the task's client is not the owner.</summary>
    public const string InvalidVoucher = "invalid-voucher";
}

/// <summary>
/// What this node holds on a budget: reserved tasks and credits, tasks settled (paid by voucher) and released
/// (refunded), and whether the budget was returned to its owner.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BudgetUsage")]
public sealed record BudgetUsage(
    [property: Id(0)] int ReservedTasks,
    [property: Id(1)] long ReservedAmount,
    [property: Id(2)] long SettledTasks,
    [property: Id(3)] long ReleasedTasks,
    [property: Id(4)] bool Returned);
