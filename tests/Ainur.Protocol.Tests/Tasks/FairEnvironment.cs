using Ainur.Protocol.Tasks;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>
/// The world behaving after an adversarial prefix: the node acts on <see cref="TaskObligations.Of"/> the way a hosting
/// grain and a live ledger would (locks become final or are refused, an eligible agent is assigned, verifiers are
/// appointed, closes are confirmed in either order, reports acknowledged) and fires each deadline once it is due.
/// Agents, the client and verifiers still choose freely: work, fail or stay silent; accept, dispute or say nothing;
/// uphold, reject or abstain. Every command it sends must be accepted.
/// </summary>
internal static class FairEnvironment
{
    /// <summary>
    /// The steps a task may take to close under <paramref name="policy"/>: the payment lock, per attempt an assignment,
    /// a start, a result or failure or timeout and an acknowledgement, then the window, a dispute (bond, appointment,
    /// up to six verdicts, its deadline), two closes, the end of each refused lock's watch (a late lock and its refund,
    /// or its expiry), and a little slack.
    /// </summary>
    public static int MaxSteps(TaskPolicy policy) => 24 + (5 * policy.MaxAttempts);

    /// <summary>Drives the monitor's task until it is closed; returns the steps it took.</summary>
    public static int Run(TaskMonitor monitor, TaskWorld world, Random random)
    {
        var bound = MaxSteps(world.Policy);
        for (var step = 0; step < bound; step++)
        {
            var record = monitor.Record!;
            if (record.IsClosed)
            {
                return step;
            }

            var at = monitor.Now + TimeSpan.FromMilliseconds(random.Next(0, 2000));
            var due = TaskMachine.NextDeadline(record);
            var command = due <= at ? new TaskTick() : Next(record, world, random);
            if (command is null)
            {
                // Nobody acts: time passes to the next deadline, and its reminder fires.
                monitor.That(due is not null, "a task that is not closed has an obligation or a deadline");
                (command, at) = (new TaskTick(), due!.Value);
            }

            monitor.That(!monitor.Apply(command, at).IsRejected, "the fair environment's commands are accepted");
        }

        monitor.That(false, $"the task is closed within {bound} fair steps");
        return bound;
    }

    /// <summary>
    /// The command that moves <paramref name="record"/> on, as the node, the ledger or the party whose turn it is would
    /// send it (choices drawn from <paramref name="random"/>), or null when that party chooses to stay silent.
    /// </summary>
    public static TaskCommand? Next(TaskRecord record, TaskWorld world, Random random)
    {
        var owed = TaskObligations.Of(record);
        if (record.Payment == HoldState.Locking || record.Bond == HoldState.Locking)
        {
            var hold = record.Payment == HoldState.Locking ? HoldKind.Payment : HoldKind.Bond;
            return new HoldChanged(hold, random.Next(8) == 0 ? HoldState.LockRejected : HoldState.Locked, "final");
        }

        if (owed.Settle)
        {
            // One close per step, in random order: the ledger's answers may arrive either way round.
            var closes = Closes(record);
            return closes[random.Next(closes.Count)];
        }

        if (!owed.Reports.IsEmpty)
        {
            return new ReportAcknowledged(owed.Reports[0].ReportId);
        }

        if (!owed.Watch.IsEmpty)
        {
            // A refused lock's watch ends when the ledger shows it relayed after all, or past its expiry.
            return new HoldChanged(owed.Watch[random.Next(owed.Watch.Length)], random.Next(4) == 0 ? HoldState.Locked : HoldState.Expired, "watched");
        }

        if (owed.NeedsAgent)
        {
            var eligible = world.Agents.Where(a => !record.FailedAgents.Contains(a)).ToArray();
            return eligible.Length == 0 ? null : new AssignTask(eligible[random.Next(eligible.Length)], random.NextInt64(0, record.Terms.MaxPrice + 1));
        }

        if (owed.NeedsVerifiers)
        {
            return new AppointVerifiers([.. world.Agents.Where(_ => random.Next(3) == 0)]);
        }

        if (!owed.AskVerifiers.IsEmpty)
        {
            return random.Next(4) == 0 ? null : new GiveVerdict(owed.AskVerifiers[random.Next(owed.AskVerifiers.Length)], random.Next(2) == 0);
        }

        var choice = random.Next(5);
        var agent = record.Agent;
        if (record.Module is not null && record.State.HasAttempt())
        {
            // A hosted attempt: the node starts it, then verifies a result or fails it.
            return choice switch
            {
                0 => null,
                1 => new FailHosted(agent!.Value, record.Attempt, "wasm:trap: unreachable", random.Next(2) == 0),
                _ when record.State == TaskState.Assigned => new StartHosted(agent!.Value, record.Attempt),
                _ => TaskSteps.Verified(agent!.Value, record.Attempt, choice),
            };
        }

        return record.State switch
        {
            TaskState.Assigned => choice switch { 0 => null, 1 => new ReportFailure(agent!.Value, record.Attempt, "crashed"), _ => new StartTask(agent!.Value, record.Attempt) },
            TaskState.Executing => choice switch { 0 => null, 1 => new ReportFailure(agent!.Value, record.Attempt, "crashed"), _ => TaskWorld.Result(agent!.Value, record.Attempt, TaskSteps.Output(choice)) },
            TaskState.Verifying => choice switch { 0 or 1 => null, 2 => new DisputeResult(world.Client, "wrong"), _ => new AcceptResult(world.Client) },
            _ => null,
        };
    }

    /// <summary>
    /// How the settlement closes each locked hold: the payment is released to a complete task's agent, else refunded;
    /// the bond is paid out when the agent won its dispute, else refunded.
    /// </summary>
    public static List<HoldChanged> Closes(TaskRecord record)
    {
        var closes = new List<HoldChanged>();
        if (record.Payment == HoldState.Locked)
        {
            closes.Add(new HoldChanged(HoldKind.Payment, record.State == TaskState.Complete ? HoldState.Released : HoldState.Refunded, "settled"));
        }

        if (record.Bond == HoldState.Locked)
        {
            closes.Add(new HoldChanged(HoldKind.Bond, record.Dispute?.Resolution == DisputeResolution.AgentWins ? HoldState.Released : HoldState.Refunded, "settled"));
        }

        return closes;
    }
}
