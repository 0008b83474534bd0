using System.Net;
using System.Text.Json;
using Ainur.Gateway.Tests.Api;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Gateway.Tests.Budgets;

/// <summary>The budgets API as the tests call it over real HTTP: transactions signed by the owner, as a client signs them.</summary>
internal sealed class BudgetCalls(LedgerCalls ledger)
{
    /// <summary>How many heights ahead the budgets of these tests expire: far beyond any test's run.</summary>
    public const long Lifetime = 100_000;

    /// <summary>A signed <see cref="BudgetOpen"/> of <paramref name="owner"/> with a fresh nonce (or <paramref name="forger"/>'s signature on it).</summary>
    public async Task<SignedTransaction> OpenTxAsync(AgentKey owner, long amount, long? expiryHeight = null, AgentKey? forger = null)
    {
        expiryHeight ??= (await ledger.AccountAsync(owner.Did)).Height + Lifetime;
        var open = new BudgetOpen(owner.Did, Random.Shared.NextInt64(1, long.MaxValue), amount, expiryHeight.Value);
        return forger is null
            ? SignedTransaction.Sign(open, owner, LedgerCalls.ChainId)
            : SignedTransaction.FromParts(open, forger.Sign(SignedTransaction.SigningBytes(LedgerCalls.ChainId, open)));
    }

    /// <summary>Opens a budget of <paramref name="amount"/> for <paramref name="owner"/>, expects 201, and returns its id and view.</summary>
    public async Task<(Hash32 Id, JsonElement View)> OpenAsync(AgentKey owner, long amount)
    {
        var open = await OpenTxAsync(owner, amount);
        var response = await ledger.PostAsync(owner, "/v1/budgets", LedgerCalls.SubmitBody(open.Encoded.Span));
        var view = await HttpAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = ((BudgetOpen)open.Body).BudgetId;
        Assert.Equal($"/v1/budgets/{id}", response.Headers.Location?.OriginalString);
        return (id, view);
    }

    /// <summary>The owner's top-up of <paramref name="amount"/> with the account's next nonce, as the body of the top-up endpoint.</summary>
    public async Task<string> TopUpBodyAsync(AgentKey owner, Hash32 budgetId, long amount)
    {
        var nonce = (await ledger.AccountAsync(owner.Did)).Nonce + 1;
        return LedgerCalls.SubmitBody(SignedTransaction.Sign(new BudgetTopUp(owner.Did, budgetId, amount, nonce), owner, LedgerCalls.ChainId).Encoded.Span);
    }

    /// <summary>The owner's close of <paramref name="budgetId"/>, as the body of the close endpoint.</summary>
    public static string CloseBody(AgentKey owner, Hash32 budgetId) =>
        LedgerCalls.SubmitBody(SignedTransaction.Sign(new BudgetClose(owner.Did, budgetId), owner, LedgerCalls.ChainId).Encoded.Span);

    /// <summary><c>GET /v1/budgets/{id}</c>, expected 200.</summary>
    public async Task<JsonElement> GetAsync(Hash32 budgetId) =>
        await HttpAssert.JsonAsync(await ledger.GetAsync($"/v1/budgets/{budgetId}"), HttpStatusCode.OK);
}
