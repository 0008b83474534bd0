using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using static Ainur.Protocol.Tests.Vectors.VectorJson;
using static Ainur.Protocol.Tests.Vectors.VectorKeys;

namespace Ainur.Protocol.Tests.Vectors;

/// <summary>tasks.json (ids, escrow ids, the client's locks), settlement.json (fees and shares) and task-transitions.json.</summary>
internal static class TaskVectors
{
    private static readonly DateTimeOffset Deadline = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static JsonObject Tasks()
    {
        const string input = "{\"text\" : \"Ainur — hello\"}";
        const string output = "{\"summary\":\"hello\"}";
        var policy = new TaskPolicy();
        var terms = new TaskTerms(Alice.Did, "text.summarize", Blake2b.Content(Encoding.UTF8.GetBytes(input)), 8, Deadline.ToUnixTimeMilliseconds(), "vector-salt-1");
        var taskId = terms.TaskId();
        // The payment lock expires at the deadline; the bond lock at the end of the challenge window (here: a result
        // posted an hour before the deadline, with the default window).
        var windowEndsAt = Deadline - TimeSpan.FromHours(1) + policy.ChallengeWindow;
        var payment = SignedTransaction.Sign(new EscrowLock(Alice.Did, TaskEscrows.Payment(taskId), terms.MaxPrice, terms.Deadline), Alice.Key, ChainId);
        var bond = SignedTransaction.Sign(new EscrowLock(Alice.Did, TaskEscrows.DisputeBond(taskId), policy.DisputeBond, windowEndsAt.ToUnixTimeMilliseconds()), Alice.Key, ChainId);
        return new JsonObject
        {
            ["description"] = "A task's id, its escrow ids, and the client's signed payment and bond locks; the input and output hashes.",
            ["reference"] = "docs/protocol.md#8-tasks",
            ["chainId"] = ChainId,
            ["client"] = Alice.Name,
            ["input"] = input,
            ["inputUtf8"] = Hex(Encoding.UTF8.GetBytes(input)),
            ["deadline"] = Deadline.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["terms"] = Fields(terms),
            ["termsBytes"] = Hex(TermsBytes(terms)),
            ["taskId"] = taskId.ToString(),
            ["paymentEscrow"] = TaskEscrows.Payment(taskId).ToString(),
            ["bondEscrow"] = TaskEscrows.DisputeBond(taskId).ToString(),
            ["paymentLock"] = Lock(payment),
            ["disputeBond"] = policy.DisputeBond,
            ["bondLockExpiry"] = windowEndsAt.ToUnixTimeMilliseconds(),
            ["bondLock"] = Lock(bond),
            ["output"] = output,
            ["outputHash"] = Blake2b.Content(Encoding.UTF8.GetBytes(output)).ToString(),
        };
    }

    public static JsonObject Settlement()
    {
        var defaults = new TaskPolicy();
        var cases = new List<JsonNode?>();
        foreach (var price in new long[] { 0, 1, 99, 100, 101, 150, 199, 200, 250, 9_999, 10_000 })
        {
            cases.Add(Case($"complete at price {price}", defaults, Ended(TaskState.Complete, 10_000, price), slashable: 0));
        }

        var fee250 = defaults with { ProtocolFeeBps = 250 };
        cases.Add(Case("complete at price 399, fee 250 bps", fee250, Ended(TaskState.Complete, 500, 399), slashable: 0));
        cases.Add(Case("cancelled", defaults, Ended(TaskState.Cancelled, 500, 0), slashable: 0));
        cases.Add(Case("dispute won by the agent, 3 verdicts", defaults, Disputed(TaskState.Complete, DisputeResolution.AgentWins, 3), slashable: 0));
        cases.Add(Case("dispute won by the agent, 2 verdicts", defaults, Disputed(TaskState.Complete, DisputeResolution.AgentWins, 2), slashable: 0));
        cases.Add(Case("dispute undecided, 1 verdict", defaults, Disputed(TaskState.Complete, DisputeResolution.Undecided, 1), slashable: 0));
        cases.Add(Case("dispute won by the client, agent holds 100", defaults, Disputed(TaskState.Failed, DisputeResolution.ClientWins, 3), slashable: 100));
        cases.Add(Case("dispute won by the client, agent holds 7", defaults, Disputed(TaskState.Failed, DisputeResolution.ClientWins, 3), slashable: 7));
        cases.Add(Case("dispute won by the client, agent holds 3", defaults, Disputed(TaskState.Failed, DisputeResolution.ClientWins, 3), slashable: 3));
        cases.Add(Case("dispute won by the client, client share 3333 bps", defaults with { SlashClientShareBps = 3333 }, Disputed(TaskState.Failed, DisputeResolution.ClientWins, 3), slashable: 100));
        return new JsonObject
        {
            ["description"] = "What the protocol pays when a task ends (TaskSettlement.Plan): fees and shares rounded down. EscrowRelease returns maxPrice - payeeAmount - fee to the client.",
            ["reference"] = "docs/protocol.md#9-fees-settlement-and-the-treasury",
            ["client"] = Alice.Did.Value,
            ["agent"] = Carol.Did.Value,
            ["verifiers"] = Array(Verifiers.Select(v => (JsonNode?)v.Value)),
            ["cases"] = Array(cases),
        };
    }

    public static JsonObject Transitions() => new()
    {
        ["description"] = "Every legal task transition (from, to, actor); from null is the submission. A transition to the same state records a change of a hold or of the dispute.",
        ["reference"] = "docs/protocol.md#10-task-state-machine",
        ["transitions"] = Array(Sorted().Select(t => (JsonNode?)new JsonObject { ["from"] = t.From, ["to"] = t.To, ["actor"] = t.Actor })),
    };

    /// <summary>The transition table with the names the API uses, in a fixed order.</summary>
    public static IEnumerable<(string? From, string To, string Actor)> Sorted() =>
        TaskTransitions.All
            .OrderBy(t => t.From.HasValue).ThenBy(t => t.From).ThenBy(t => t.To).ThenBy(t => t.By)
            .Select(t => (t.From is { } from ? Name(from) : null, Name(t.To), Name(t.By)));

    public static string Name<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>The terms as docs/protocol.md lays them out; the test checks they hash to the task id.</summary>
    private static byte[] TermsBytes(TaskTerms terms)
    {
        var bytes = new CanonicalWriter().Did(terms.Client).Text(terms.Capability).Hash(terms.InputHash)
            .I64(terms.MaxPrice).I64(terms.Deadline).Text(terms.Salt).ToArray();
        Assert.Equal(terms.TaskId(), Blake2b.Hash(HashDomain.TaskId, bytes));
        return bytes;
    }

    private static JsonObject Lock(SignedTransaction transaction) => new()
    {
        ["fields"] = Fields(transaction.Body),
        ["encoded"] = Hex(transaction.Encoded),
        ["base64"] = Convert.ToBase64String(transaction.Encoded.Span),
        ["id"] = transaction.Id.ToString(),
    };

    private static ImmutableArray<Ainur.Protocol.Identity.Did> Verifiers => [Bob.Did, Dave.Did, Erin.Did];

    private static JsonObject Case(string name, TaskPolicy policy, TaskRecord record, long slashable) => new JsonObject
    {
        ["case"] = name,
        ["policy"] = new JsonObject
        {
            ["protocolFeeBps"] = policy.ProtocolFeeBps,
            ["disputeBond"] = policy.DisputeBond,
            ["verifierFee"] = policy.VerifierFee,
            ["minStake"] = policy.MinStake,
            ["slashClientShareBps"] = policy.SlashClientShareBps,
        },
        ["state"] = Name(record.State),
        ["maxPrice"] = record.Terms.MaxPrice,
        ["price"] = record.Price,
        ["resolution"] = record.Dispute?.Resolution is { } resolution ? Name(resolution) : null,
        ["verdicts"] = record.Dispute is { } dispute ? Array(dispute.Verdicts.Select(v => (JsonNode?)new JsonObject { ["verifier"] = v.Verifier.Value, ["upholds"] = v.Upholds })) : null,
        ["slashable"] = slashable,
        ["operations"] = Array(TaskSettlement.Plan(record, policy, slashable).Operations.Select(op => (JsonNode?)Tagged(op))),
    };

    private static TaskRecord Ended(TaskState state, long maxPrice, long price)
    {
        var terms = new TaskTerms(Alice.Did, "text.summarize", Blake2b.Content("{}"u8), maxPrice, Deadline.ToUnixTimeMilliseconds(), "settlement");
        return new TaskRecord
        {
            Id = terms.TaskId(),
            Terms = terms,
            Input = "{}",
            Schemas = [],
            State = state,
            Attempt = 1,
            Agent = Carol.Did,
            Price = price,
            Payment = HoldState.Locked,
        };
    }

    private static TaskRecord Disputed(TaskState state, DisputeResolution resolution, int voters) => Ended(state, 500, 300) with
    {
        Bond = HoldState.Locked,
        Dispute = new DisputeRecord(Deadline, true, Verifiers, [.. Verifiers.Take(voters).Select(v => new Verdict(v, resolution != DisputeResolution.ClientWins))], Deadline, resolution),
    };
}
