using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using Orleans.Concurrency;

namespace Ainur.Grains.Interfaces.Tasks;

/// <summary>
/// One paid task (key: the task id in hex): hosts <see cref="TaskMachine"/>. Every transition is durable before any
/// caller or reader hears of it; deadlines survive
/// restarts through a reminder; each transition is kept in the task's history, which readers follow with
/// <see cref="WaitForChangeAsync"/>.
/// </summary>
[Alias("ainur.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the task from the client's terms and input, keeping the client-signed <paramref name="paymentLock"/> (an
    /// EscrowLock of maxPrice under the task's payment escrow id) in the same write, and answers once that write is
    /// durable; the lock goes to the task's escrow after. When the submit carries a voucher instead (then no lock), it
    /// first reserves maxPrice on its budget, refusing the task with the budget's code when it cannot. Idempotent for
    /// equal terms.
    /// </summary>
    [Alias("Submit")]
    Task<TaskReply> SubmitAsync(SubmitTask submit, SignedTransaction? paymentLock);

    /// <summary>A client, agent or verifier command (start, result, failure, accept, cancel, verdict).</summary>
    [Alias("Execute")]
    Task<TaskReply> ExecuteAsync(TaskCommand command);

    /// <summary>The client disputes the result, locking the bond with its signed <paramref name="bondLock"/>.</summary>
    [Alias("Dispute")]
    Task<TaskReply> DisputeAsync(DisputeResult dispute, SignedTransaction bondLock);

    /// <summary>
    /// A verifier's verdict on a deterministic capability: it re-ran the task and reports its own output's hash;
    /// the verdict upholds the result when the hashes agree.
    /// </summary>
    [Alias("Rerun")]
    Task<TaskReply> ReportRerunAsync(Did verifier, Hash32 outputHash);

    /// <summary>The task, or null when it was never submitted.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<TaskRecord?> GetAsync();

    /// <summary>
    /// Applies the deadlines that are due and resumes the task's work, then returns the task (null when it does not
    /// exist). The backstop of a task with no reminder of its own (a budget's: its budget's reminder sends this), should
    /// its deadline timer be lost.
    /// </summary>
    [Alias("Tick")]
    Task<TaskRecord?> TickAsync();

    /// <summary>
    /// Waits until the task's history holds more than <paramref name="after"/> transitions or <paramref name="timeout"/>
    /// passes, and returns the task as it is then (null when it does not exist).
    /// </summary>
    [AlwaysInterleave, Alias("WaitForChange")]
    Task<TaskRecord?> WaitForChangeAsync(int after, TimeSpan timeout);
}

/// <summary>The task after a command (null when it does not exist) and the rejection, if the command was refused.</summary>
[GenerateSerializer, Immutable, Alias("ainur.TaskReply")]
public sealed record TaskReply([property: Id(0)] TaskRecord? Task, [property: Id(1)] TaskRejection? Rejection);
