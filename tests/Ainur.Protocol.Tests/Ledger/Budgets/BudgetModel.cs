using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using CsCheck;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger.Budgets;

internal enum BudgetStepKind
{
    Open,
    TopUp,
    Close,
    Settle,
    ReplaySettle,
    Return,
    Transfer,
    EndBlock,
}

/// <summary>
/// How a step's voucher is signed: by the budget's owner for this chain (the only valid way), by another user, for
/// another chain, for another task, or for another max price.
/// </summary>
internal enum VoucherForgery
{
    None,
    WrongSigner,
    WrongChain,
    WrongTask,
    WrongPrice,
}

/// <summary>One random step over a few budget slots (owner, nonce) and task slots; raw numbers are read by <see cref="BudgetModel"/>.</summary>
internal sealed record BudgetStep(
    BudgetStepKind Kind, int A, int B, int Slot, int Task, long Amount, long Fee, int Skew, VoucherForgery Forgery, int Share, int Life);

/// <summary>
/// A plain model of the budget rules: what every budget holds, which vouchers were paid, balances and nonces. For each
/// step it lists every rule the step breaks (so the ledger must accept it exactly when the list is empty, and refuse it
/// with one of those codes otherwise), and it applies accepted steps the simple way, to compare with the ledger.
/// </summary>
internal sealed class BudgetModel
{
    public const int Owners = 3;
    public const int NoncesPerOwner = 2;
    public const int Tasks = 4;

    private static readonly BudgetStepKind[] Weights =
    [
        BudgetStepKind.Open, BudgetStepKind.Open, BudgetStepKind.TopUp, BudgetStepKind.Close, BudgetStepKind.Settle,
        BudgetStepKind.Settle, BudgetStepKind.Settle, BudgetStepKind.Settle, BudgetStepKind.ReplaySettle, BudgetStepKind.Return,
        BudgetStepKind.Return, BudgetStepKind.Transfer, BudgetStepKind.EndBlock, BudgetStepKind.EndBlock, BudgetStepKind.EndBlock,
    ];

    private readonly Dictionary<Hash32, ModelBudget> _budgets = [];
    private readonly Dictionary<Did, long> _balances = [];
    private readonly Dictionary<Did, long> _nonces = [];
    private readonly List<VoucherSettle> _paid = [];
    private long _sequence;

    public BudgetModel()
    {
        foreach (var user in Users)
        {
            _balances[user.Did] = Allocation;
            _nonces[user.Did] = 0;
        }

        _balances[Treasury.Did] = 0;
    }

    // Most steps aim at a budget that exists (slot picks among them), by its owner; the rest at any slot, by anyone.
    public static Gen<BudgetStep> Steps { get; } = Gen.Select(
        Gen.Int[0, Weights.Length - 1], Gen.Int[0, int.MaxValue].Array[7], Gen.Long[-1, 300], Gen.Long[-1, 30],
        (kind, r, amount, fee) => new BudgetStep(
            Weights[kind], r[0] % Users.Length, r[1] % Users.Length, r[2], r[3] % Tasks, amount, fee, (r[4] % 4) - 1,
            (r[5] % 10) < 6 ? VoucherForgery.None : (VoucherForgery)(1 + (r[5] / 10 % 4)), r[6] % 10, (r[6] / 10 % 9) - 1));

    public static Gen<BudgetStep[]> Histories { get; } = Steps.Array[10, 80];

    /// <summary>The budget id of slot <paramref name="slot"/>: owner slot / NoncesPerOwner, nonce slot % NoncesPerOwner.</summary>
    public static Hash32 BudgetOf(int slot) => BudgetIds.Of(Users[slot % (Owners * NoncesPerOwner) / NoncesPerOwner].Did, 100 + (slot % NoncesPerOwner));

    public static Hash32 TaskOf(int task) => Blake2b.Content([(byte)task]);

    public IReadOnlyDictionary<Hash32, ModelBudget> Budgets => _budgets;

    public IReadOnlyDictionary<Did, long> Balances => _balances;

    /// <summary>Every voucher settlement the ledger accepted (a voucher appears at most once).</summary>
    public IReadOnlyList<VoucherSettle> Paid => _paid;

    /// <summary>The transaction a step stands for at block <paramref name="height"/>, and every rule it breaks; null when there is none (a replay with nothing paid yet).</summary>
    public (SignedTransaction Transaction, List<string> Broken, Action Apply)? Materialize(BudgetStep step, long height)
    {
        return step.Kind switch
        {
            BudgetStepKind.Open => Open(step, height),
            BudgetStepKind.TopUp => TopUp(step, height),
            BudgetStepKind.Close => Close(step),
            BudgetStepKind.Settle => Settle(NewSettle(step), height),
            BudgetStepKind.ReplaySettle => _paid.Count == 0 ? null : Settle(_paid[step.Task * 7919 % _paid.Count], height),
            BudgetStepKind.Return => Return(step, height),
            BudgetStepKind.Transfer => Transfer(step),
            _ => null,
        };
    }

    private (SignedTransaction, List<string>, Action) Open(BudgetStep step, long height)
    {
        var owner = Users[step.Slot % (Owners * NoncesPerOwner) / NoncesPerOwner];
        var body = new BudgetOpen(owner.Did, 100 + (step.Slot % NoncesPerOwner), step.Amount, height + step.Life);
        var broken = new List<string>();
        Check(broken, body.Amount <= 0, TxRejectionCodes.BadAmount);
        Check(broken, body.ExpiryHeight <= height, TxRejectionCodes.BudgetExpired);
        Check(broken, _budgets.ContainsKey(body.BudgetId), TxRejectionCodes.BudgetExists);
        Check(broken, _balances[owner.Did] < body.Amount, TxRejectionCodes.InsufficientBalance);
        return (SignedTransaction.Sign(body, owner, ChainId), broken, () =>
        {
            _balances[owner.Did] -= body.Amount;
            _budgets[body.BudgetId] = new ModelBudget(owner.Did, body.Amount, body.ExpiryHeight);
        });
    }

    private Hash32 Target(BudgetStep step) =>
        _budgets.Count > 0 && step.Slot % 5 != 0 ? _budgets.Keys.ElementAt(step.Slot / 5 % _budgets.Count) : BudgetOf(step.Slot);

    private AgentKey SignerFor(BudgetStep step, Hash32 id) =>
        _budgets.TryGetValue(id, out var budget) && step.A != 0 ? Users.Single(u => u.Did == budget.Owner) : Users[step.A];

    private (SignedTransaction, List<string>, Action) TopUp(BudgetStep step, long height)
    {
        var id = Target(step);
        var signer = SignerFor(step, id);
        var body = new BudgetTopUp(signer.Did, id, step.Amount, _nonces[signer.Did] + step.Skew);
        var broken = new List<string>();
        Check(broken, body.Amount <= 0, TxRejectionCodes.BadAmount);
        CheckOwned(broken, id, signer.Did);
        if (_budgets.TryGetValue(id, out var budget))
        {
            Check(broken, height > budget.Expiry, TxRejectionCodes.BudgetExpired);
        }

        Check(broken, body.Nonce <= _nonces[signer.Did], TxRejectionCodes.NonceNotIncreasing);
        Check(broken, _balances[signer.Did] < body.Amount, TxRejectionCodes.InsufficientBalance);
        return (SignedTransaction.Sign(body, signer, ChainId), broken, () =>
        {
            _balances[signer.Did] -= body.Amount;
            _nonces[signer.Did] = body.Nonce;
            _budgets[id].Remaining += body.Amount;
            _budgets[id].Added += body.Amount;
        });
    }

    private (SignedTransaction, List<string>, Action) Close(BudgetStep step)
    {
        var id = Target(step);
        var signer = SignerFor(step, id);
        var broken = new List<string>();
        CheckOwned(broken, id, signer.Did);
        return (SignedTransaction.Sign(new BudgetClose(signer.Did, id), signer, ChainId), broken, () => _budgets[id].Status = BudgetStatus.Closing);
    }

    private VoucherSettle NewSettle(BudgetStep step)
    {
        var id = Target(step);
        var maxPrice = step.Amount / 2;
        var owner = _budgets.TryGetValue(id, out var budget) ? budget.Owner : Users[0].Did;
        var ownerKey = Users.Single(u => u.Did == owner);
        var signed = step.Forgery switch
        {
            VoucherForgery.WrongSigner => new Voucher(id, TaskOf(step.Task), maxPrice).Sign(Users.First(u => u.Did != owner), ChainId),
            VoucherForgery.WrongChain => new Voucher(id, TaskOf(step.Task), maxPrice).Sign(ownerKey, "another-chain"),
            VoucherForgery.WrongTask => new Voucher(id, TaskOf(step.Task + 1), maxPrice).Sign(ownerKey, ChainId),
            VoucherForgery.WrongPrice => new Voucher(id, TaskOf(step.Task), maxPrice + 1).Sign(ownerKey, ChainId),
            _ => new Voucher(id, TaskOf(step.Task), maxPrice).Sign(ownerKey, ChainId),
        };

        // The payee takes a share of the max price (rarely a negative one, sometimes all of it, leaving no room for a fee); the fee is the step's.
        var payeeAmount = step.Share switch { 0 => -1, 1 or 2 => maxPrice, 3 or 4 => maxPrice - Math.Max(0, step.Fee), _ => maxPrice / 3 };
        return new VoucherSettle(id, TaskOf(step.Task), maxPrice, signed, Users[step.B].Did, payeeAmount, step.Fee);
    }

    private (SignedTransaction, List<string>, Action) Settle(VoucherSettle settle, long height)
    {
        var broken = new List<string>();
        Check(broken, settle.PayeeAmount < 0 || settle.Fee < 0, TxRejectionCodes.BadAmount);
        if (!_budgets.TryGetValue(settle.BudgetId, out var budget))
        {
            broken.Add(TxRejectionCodes.BudgetNotFound);
        }
        else
        {
            var total = settle.PayeeAmount + settle.Fee;
            var forNothing = settle.PayeeAmount == 0 && settle.Fee == 0;
            Check(broken, budget.Status == BudgetStatus.Returned && !forNothing, TxRejectionCodes.BudgetReturned);
            Check(broken, height > budget.Expiry && !forNothing, TxRejectionCodes.BudgetExpired);
            Check(broken, budget.PaidTasks.Contains(settle.TaskId), TxRejectionCodes.VoucherSpent);
            Check(broken, total > settle.MaxPrice, TxRejectionCodes.VoucherPriceExceeded);
            Check(broken, total > budget.Remaining, TxRejectionCodes.BudgetExceeded);
            Check(broken, !IsGenuine(settle, budget.Owner), TxRejectionCodes.VoucherSignatureInvalid);
        }

        return (Batch(_sequence + 1, settle), broken, () =>
        {
            var total = settle.PayeeAmount + settle.Fee;
            _sequence++;
            budget!.Remaining -= total;
            budget.Spent += total;
            budget.PaidTasks.Add(settle.TaskId);
            _balances[settle.Payee] += settle.PayeeAmount;
            _balances[Treasury.Did] += settle.Fee;
            _paid.Add(settle);
        });
    }

    private (SignedTransaction, List<string>, Action) Return(BudgetStep step, long height)
    {
        var id = Target(step);
        var broken = new List<string>();
        if (!_budgets.TryGetValue(id, out var budget))
        {
            broken.Add(TxRejectionCodes.BudgetNotFound);
        }
        else
        {
            Check(broken, budget.Status == BudgetStatus.Returned, TxRejectionCodes.BudgetReturned);
            Check(broken, budget.Status == BudgetStatus.Open && height <= budget.Expiry, TxRejectionCodes.BudgetNotClosing);
        }

        return (Batch(_sequence + 1, new BudgetReturn(id)), broken, () =>
        {
            _sequence++;
            _balances[budget!.Owner] += budget.Remaining;
            budget.Returned = budget.Remaining;
            budget.Remaining = 0;
            budget.Status = BudgetStatus.Returned;
        });
    }

    private (SignedTransaction, List<string>, Action) Transfer(BudgetStep step)
    {
        var from = Users[step.A];
        var to = Users[step.B];
        var body = new Transfer(from.Did, to.Did, step.Amount, _nonces[from.Did] + step.Skew);
        var broken = new List<string>();
        Check(broken, body.Amount <= 0, TxRejectionCodes.BadAmount);
        Check(broken, from.Did == to.Did, TxRejectionCodes.SelfTransfer);
        Check(broken, body.Nonce <= _nonces[from.Did], TxRejectionCodes.NonceNotIncreasing);
        Check(broken, _balances[from.Did] < body.Amount, TxRejectionCodes.InsufficientBalance);
        return (SignedTransaction.Sign(body, from, ChainId), broken, () =>
        {
            _balances[from.Did] -= body.Amount;
            _balances[to.Did] += body.Amount;
            _nonces[from.Did] = body.Nonce;
        });
    }

    private void CheckOwned(List<string> broken, Hash32 id, Did signer)
    {
        if (!_budgets.TryGetValue(id, out var budget))
        {
            broken.Add(TxRejectionCodes.BudgetNotFound);
            return;
        }

        Check(broken, budget.Owner != signer, TxRejectionCodes.NotBudgetOwner);
        Check(broken, budget.Status == BudgetStatus.Closing, TxRejectionCodes.BudgetClosing);
        Check(broken, budget.Status == BudgetStatus.Returned, TxRejectionCodes.BudgetReturned);
    }

    // The model's own idea of a genuine voucher: signed by the owner over exactly these fields for this chain.
    private static bool IsGenuine(VoucherSettle settle, Did owner) =>
        owner.Verify(new Voucher(settle.BudgetId, settle.TaskId, settle.MaxPrice).SignedBytes(ChainId), settle.Signature);

    private static void Check(List<string> broken, bool breaks, string code)
    {
        if (breaks)
        {
            broken.Add(code);
        }
    }
}

/// <summary>The model's budget: what it holds, what was added (open and top-ups), paid, returned, and which tasks were paid.</summary>
internal sealed class ModelBudget(Did owner, long amount, long expiry)
{
    public Did Owner { get; } = owner;

    public long Expiry { get; } = expiry;

    public long Remaining { get; set; } = amount;

    public long Added { get; set; } = amount;

    public long Spent { get; set; }

    public long Returned { get; set; }

    public BudgetStatus Status { get; set; } = BudgetStatus.Open;

    public HashSet<Hash32> PaidTasks { get; } = [];
}
