using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// A deterministic network of N consensus cores in virtual time (raft's test <c>network</c>, grown up): one seeded
/// <see cref="Random"/> decides every loss, duplication, delay, partition crossing and Byzantine choice, and events run
/// in (time, sequence) order, so a seed replays exactly. Messages are checked at delivery against outages and the
/// partition. Transactions go to one shared mempool, as with MempoolGrain.
/// </summary>
internal sealed class SimNetwork
{
    private readonly PriorityQueue<Action, (long Time, long Sequence)> _events = new();
    private readonly Dictionary<Hash32, bool> _signatureChecks = [];
    private long _sequence;

    public SimNetwork(SimOptions options, int seed, Action<string>? trace = null)
    {
        Options = options;
        Random = new Random(seed);
        Trace = trace;
        Validators = TestValidators.Of(options.Validators);
        Monitor = new SimMonitor(Validators);
        Nodes = [.. Enumerable.Range(0, options.Validators).Select(i => new SimNode(this, i, options.Faulty.GetValueOrDefault(i)))];
        for (var i = 0; i < options.Submissions.Length; i++)
        {
            var transaction = TestValidators.Transfers[i];
            At(options.Submissions[i], () => Submit(transaction));
        }

        foreach (var outage in options.Outages)
        {
            At(outage.From, () => Nodes[outage.Node].GoDown(outage.Kind));
            At(outage.Until, () => Nodes[outage.Node].ComeBack(outage.Kind));
        }
    }

    public SimOptions Options { get; }

    public Random Random { get; }

    public Action<string>? Trace { get; }

    public TestValidators Validators { get; }

    public SimMonitor Monitor { get; }

    public SimNode[] Nodes { get; }

    public List<SignedTransaction> Submitted { get; } = [];

    public long Now { get; private set; }

    /// <summary>A test's hand on the network (raft's msgHook): true drops the message from one validator to another now.</summary>
    public Func<int, int, ConsensusMessage, bool>? Drop { get; init; }

    public void At(long time, Action action) => _events.Enqueue(action, (Math.Max(time, Now), _sequence++));

    /// <summary>Runs events until <paramref name="done"/> holds (true) or time passes <paramref name="until"/> or nothing is left (false).</summary>
    public bool Run(long until, Func<bool> done)
    {
        while (_events.TryPeek(out _, out var next) && next.Time <= until)
        {
            Now = next.Time;
            _events.Dequeue()();
            if (done())
            {
                return true;
            }
        }

        Now = Math.Max(Now, until);
        return done();
    }

    /// <summary>Sends one copy to each of <paramref name="to"/> with loss, delay and duplication.</summary>
    public void Send(int from, ConsensusMessage message, IEnumerable<int> to)
    {
        foreach (var target in to)
        {
            if (Now < Options.LossUntil && Random.NextDouble() < Options.Loss)
            {
                continue;
            }

            var copies = Random.NextDouble() < Options.Duplication ? 2 : 1;
            for (var copy = 0; copy < copies; copy++)
            {
                At(Now + Random.Next(1, Options.MaxDelay + 1), () =>
                {
                    if (CanReach(from, target) && Drop?.Invoke(from, target, message) != true)
                    {
                        Nodes[target].Input(message.ToInput());
                    }
                });
            }
        }
    }

    /// <summary>Whether a message or a block fetch gets from one validator to another right now.</summary>
    public bool CanReach(int from, int to)
    {
        if (Nodes[from].Isolated || Nodes[to].Isolated)
        {
            return false;
        }

        return Options.Partition is not { } partition || Now < partition.From || Now >= partition.Until
            || partition.SideA.Contains(from) == partition.SideA.Contains(to);
    }

    public IEnumerable<int> Others(int node) => Enumerable.Range(0, Nodes.Length).Where(i => i != node);

    /// <summary>A transfer's signature check, cached: it is a pure function of the transaction.</summary>
    public bool SignatureValid(SignedTransaction transaction)
    {
        if (!_signatureChecks.TryGetValue(transaction.Id, out var valid))
        {
            valid = transaction.VerifySignature(TestValidators.ChainId);
            _signatureChecks[transaction.Id] = valid;
        }

        return valid;
    }

    public void Log(string text) => Trace?.Invoke($"{Now,7} {text}");

    /// <summary>True when every honest validator has finalized every submitted transaction.</summary>
    public bool AllFinal() =>
        Submitted.Count == Options.Submissions.Length
        && Nodes.Where(n => n.Faults == Byzantine.None).All(n => n.FinalCount == Submitted.Count);

    private void Submit(SignedTransaction transaction)
    {
        Submitted.Add(transaction);
        Log($"submit {transaction.Id}");
        foreach (var node in Nodes)
        {
            node.Input(Start.Now);
        }
    }
}
