using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;

namespace Ainur.Grains.Tasks;

/// <summary>
/// The stored state of a <see cref="TaskGrain"/>; <see cref="Record"/> is null until the task is submitted. The client's
/// signed locks are kept with the change that asks for them, so a task can answer its caller before handing them to
/// the escrow: after a crash it hands the kept copy over.
/// </summary>
[GenerateSerializer, Alias("ainur.TaskGrainState")]
public sealed class TaskGrainState
{
    /// <summary>The task.</summary>
    [Id(0)]
    public TaskRecord? Record { get; set; }

    /// <summary>The client's signed lock of the payment, from the submission.</summary>
    [Id(1)]
    public SignedTransaction? PaymentLock { get; set; }

    /// <summary>The client's signed lock of the dispute bond, from the dispute.</summary>
    [Id(2)]
    public SignedTransaction? BondLock { get; set; }
}
