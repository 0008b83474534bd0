using System.Globalization;
using System.Text;
using System.Text.Json;
using Ainur.Gateway.Tests.Ledger;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Gateway.Tests.Tasks;

/// <summary>
/// A task a test client is about to submit, and the <c>POST /v1/tasks</c> body for it, built the way a client in any
/// language builds it: the input's exact text, its hash, the terms, the id, and the payment lock signed by the client.
/// </summary>
internal sealed record TaskDraft(AgentKey Client, string Capability, string Input, long MaxPrice, DateTimeOffset Deadline, string Salt)
{
    /// <summary>An input with spaces inside: the hash covers the text exactly as sent.</summary>
    public const string SpacedInput = """{ "text" : "hello, agent" }""";

    /// <summary>A draft with a deadline ten minutes ahead (to the millisecond) and a fresh salt.</summary>
    public static TaskDraft For(AgentKey client, string capability, string input = SpacedInput, long maxPrice = 8) =>
        new(client, capability, input, maxPrice, DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds()), Guid.NewGuid().ToString("N"));

    /// <summary>The submission's <c>accept</c> member (absent when null: the client accepts).</summary>
    public string? Accept { get; init; }

    public TaskTerms Terms => new(Client.Did, Capability, Blake2b.Content(Encoding.UTF8.GetBytes(Input)), MaxPrice, Deadline.ToUnixTimeMilliseconds(), Salt);

    public Hash32 Id => Terms.TaskId();

    /// <summary>The client's lock of maxPrice under the payment escrow until the deadline, or any other lock body and signer.</summary>
    public SignedTransaction PaymentLock(TxBody? body = null, AgentKey? signer = null, string chainId = LedgerCalls.ChainId) =>
        SignedTransaction.Sign(body ?? new EscrowLock(Client.Did, TaskEscrows.Payment(Id), MaxPrice, Terms.Deadline), signer ?? Client, chainId);

    /// <summary>
    /// The request body of the task paid from <paramref name="budget"/>: 'budget' and 'voucher' (signed by the client, or
    /// <paramref name="signer"/>) instead of 'paymentLock'.
    /// </summary>
    public string BudgetBody(Hash32 budget, AgentKey? signer = null)
    {
        var voucher = new Voucher(budget, Id, MaxPrice).Sign(signer ?? Client, LedgerCalls.ChainId);
        return Body(replace: new Dictionary<string, string?>
        {
            ["paymentLock"] = null,
            ["budget"] = JsonSerializer.Serialize(budget.ToString()),
            ["voucher"] = JsonSerializer.Serialize(Convert.ToBase64String(voucher)),
        });
    }

    /// <summary>
    /// The request body; <paramref name="replace"/> swaps members for raw JSON text (null leaves the member out), and
    /// <paramref name="paymentLock"/> replaces the lock.
    /// </summary>
    public string Body(SignedTransaction? paymentLock = null, IReadOnlyDictionary<string, string?>? replace = null)
    {
        var members = new List<(string Name, string? Json)>
        {
            ("capability", JsonSerializer.Serialize(Capability)),
            ("input", Input),
            ("maxPrice", MaxPrice.ToString(CultureInfo.InvariantCulture)),
            ("deadline", JsonSerializer.Serialize(Deadline.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))),
            ("salt", JsonSerializer.Serialize(Salt)),
            ("paymentLock", JsonSerializer.Serialize(Convert.ToBase64String((paymentLock ?? PaymentLock()).Encoded.Span))),
            ("accept", Accept is null ? null : JsonSerializer.Serialize(Accept)),
        };
        foreach (var (name, json) in replace ?? new Dictionary<string, string?>())
        {
            members.RemoveAll(m => m.Name == name);
            members.Add((name, json));
        }

        return "{" + string.Join(",", members.Where(m => m.Json is not null).Select(m => $"{JsonSerializer.Serialize(m.Name)}:{m.Json}")) + "}";
    }
}
