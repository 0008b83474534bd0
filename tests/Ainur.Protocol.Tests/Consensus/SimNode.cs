using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Blocks;

namespace Ainur.Protocol.Tests.Consensus;

/// <summary>
/// One validator's host, as ValidatorGrain will be: feeds inputs to its core, persists the guard before sending,
/// schedules timers, answers proposal requests from the shared mempool, applies decisions to its chain, and fetches
/// finalized blocks from a random other validator on a catch-up request. Its valid(v): well-formed, right height and
/// previous hash, no transaction twice or already final, every signature good.
/// </summary>
internal sealed class SimNode
{
    private readonly SimNetwork _net;
    private readonly ConsensusContext _context;
    private readonly HashSet<Hash32> _final = [];
    private int _incarnation;
    private bool _crashPending;

    public SimNode(SimNetwork net, int index, Byzantine faults)
    {
        _net = net;
        Index = index;
        Faults = faults;
        var config = net.Validators.Config(index);
        _context = new ConsensusContext(config, net.Validators.Keys[index], IsValid);
        State = ConsensusState.Initial(config, 1, null);
    }

    public int Index { get; }

    public Byzantine Faults { get; }

    public ConsensusState State { get; private set; }

    /// <summary>What this validator's disk holds: its guard and its finalized blocks.</summary>
    public SigningGuard? Persisted { get; private set; }

    public List<Decision> Chain { get; } = [];

    public int FinalCount => _final.Count;

    public bool Down { get; private set; }

    public bool Isolated { get; private set; }

    private bool Honest => Faults == Byzantine.None;

    private Hash32 PreviousHash => Chain.Count == 0 ? TestValidators.GenesisHash : Chain[^1].Block.Hash;

    public void Input(ConsensusInput input)
    {
        if (Down || Faults.HasFlag(Byzantine.Silent))
        {
            return;
        }

        if (input is ProposalReceived { Proposal: var proposal } && Faults.HasFlag(Byzantine.VoteForEverything))
        {
            SimAdversary.VoteFor(_net, this, proposal);
        }

        var result = Tendermint.Step(State, input, _context);
        if (_net.Trace is not null)
        {
            _net.Log($"v{Index} {Describe(input)} -> h{result.Next.Height} r{result.Next.Round} {result.Next.Step}"
                + (result.Next.Started ? string.Empty : " idle")
                + string.Concat(result.Broadcast.Where(m => m.Signer == Index).Select(m => " send " + Describe(m.ToInput())))
                + (result.Decided is { } d ? $" DECIDED {d.Block.Hash.ToString()[..8]}" : string.Empty)
                + (result.CatchUpFrom is { } c ? $" catch-up {c}" : string.Empty));
        }

        Handle(result);
    }

    public void GoDown(OutageKind kind)
    {
        _net.Log($"v{Index} goes down ({kind})");
        if (kind == OutageKind.Isolate)
        {
            Isolated = true;
        }
        else
        {
            _crashPending = true;
        }
    }

    public void ComeBack(OutageKind kind)
    {
        _net.Log($"v{Index} comes back ({kind})");
        Isolated = false;
        _crashPending = false;
        if (kind == OutageKind.Crash && Down)
        {
            Down = false;
            _incarnation++;
            State = ConsensusState.Initial(_net.Validators.Config(Index), Chain.Count + 1, Persisted);
            StartIfPending();
        }
    }

    private void Handle(StepResult result)
    {
        State = result.Next;
        if (result.MustPersist is { } guard)
        {
            if (Honest)
            {
                _net.Monitor.Persisted(Index, Persisted, guard);
            }

            Persisted = guard;
        }

        if (_crashPending)
        {
            // The worst moment to crash: the guard is on disk, the messages it covers never left.
            _crashPending = false;
            Down = true;
            _incarnation++;
            _net.Log($"v{Index} crashed");
            return;
        }

        if (Honest)
        {
            _net.Monitor.Sent(Index, Persisted, result.Broadcast);
            foreach (var message in result.Broadcast)
            {
                _net.Send(Index, message, _net.Others(Index));
            }
        }
        else
        {
            SimAdversary.Send(_net, this, result.Broadcast);
        }

        foreach (var timer in result.Timers)
        {
            Later((long)timer.After.TotalMilliseconds, () => Input(timer.Input));
        }

        if (result.Decided is { } decision)
        {
            Apply(decision);
        }

        if (result.NeedProposal is { } need)
        {
            Later(_net.Random.Next(0, 3), () =>
            {
                if (need.Height == Chain.Count + 1)
                {
                    Input(new ProposalValue(need.Height, need.Round, BuildBlock(need.Height, need.Round)));
                }
            });
        }

        if (result.CatchUpFrom is not null)
        {
            Later(_net.Random.Next(1, (2 * _net.Options.MaxDelay) + 1), CatchUp);
        }
    }

    private void Apply(Decision decision)
    {
        if (Honest)
        {
            _net.Monitor.Decided(Index, Chain.Count + 1, decision);
        }

        Chain.Add(decision);
        foreach (var transaction in decision.Block.Transactions)
        {
            _final.Add(transaction.Id);
        }

        Later(0, StartIfPending);
    }

    /// <summary>A block from the shared mempool: submitted transactions not yet final here, oldest first.</summary>
    public Block BuildBlock(long height, int round) =>
        TestValidators.Block(height, round, Index, PreviousHash,
            [.. _net.Submitted.Where(t => !_final.Contains(t.Id)).Take(_net.Options.BlockSize)], _net.Now);

    private bool IsValid(Block block)
    {
        var header = block.Header;
        if (header.Height != Chain.Count + 1 || header.PreviousHash != PreviousHash || header.Proposer < 0
            || header.Proposer >= _net.Validators.Count || !block.IsWellFormed)
        {
            return false;
        }

        var seen = new HashSet<Hash32>();
        return block.Transactions.All(t => seen.Add(t.Id) && !_final.Contains(t.Id) && _net.SignatureValid(t));
    }

    /// <summary>Fetches finalized blocks from one random validator; a Byzantine one answers with a forged certificate.</summary>
    private void CatchUp()
    {
        var others = _net.Others(Index).ToArray();
        var source = _net.Nodes[others[_net.Random.Next(others.Length)]];
        if (source.Down || source.Faults.HasFlag(Byzantine.Silent) || !_net.CanReach(source.Index, Index))
        {
            return;
        }

        if (!source.Honest)
        {
            Input(SimAdversary.ForgedCommit(_net, source, State.Height));
            return;
        }

        while (!Down && State.Height <= source.Chain.Count)
        {
            var height = State.Height;
            var decision = source.Chain[(int)height - 1];
            Input(new CommitReceived(decision.Block, decision.Certificate));
            if (State.Height == height)
            {
                return;
            }
        }
    }

    private void StartIfPending()
    {
        if (_net.Submitted.Any(t => !_final.Contains(t.Id)))
        {
            Input(Start.Now);
        }
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> ms unless this validator restarted meanwhile.</summary>
    private void Later(long delay, Action action)
    {
        var incarnation = _incarnation;
        _net.At(_net.Now + delay, () =>
        {
            if (incarnation == _incarnation)
            {
                action();
            }
        });
    }

    private static string Describe(ConsensusInput input) => input switch
    {
        ProposalReceived p => $"proposal(h{p.Proposal.Height} r{p.Proposal.Round} vr{p.Proposal.ValidRound} {p.Proposal.Block.Hash.ToString()[..8]} from v{p.Proposal.Proposer})",
        VoteReceived v => $"{v.Vote.Type}(h{v.Vote.Height} r{v.Vote.Round} {v.Vote.BlockHash?.ToString()[..8] ?? "nil"} from v{v.Vote.Validator})",
        TimeoutFired t => $"timeout({t.Step} h{t.Height} r{t.Round})",
        ProposalValue p => $"value(h{p.Height} r{p.Round} {p.Block.Hash.ToString()[..8]})",
        CommitReceived c => $"commit(h{c.Certificate.Height} {c.Block.Hash.ToString()[..8]})",
        _ => input.GetType().Name,
    };
}
