using Ainur.Protocol.Canonical;
using Ainur.Protocol.Identity;
using Orleans;

namespace Ainur.Protocol.Ledger.Transactions;

/// <summary>
/// What a transaction asks the ledger to do, before it is signed. Amounts are whole credits (the ledger's only unit).
/// Each kind names the one key allowed to sign it (<see cref="Signer"/>); its canonical bytes start with its
/// <see cref="TxKind"/> byte and are what the signer signs and what the transaction id hashes.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.TxBody")]
public abstract record TxBody
{
    /// <summary>The kind byte that starts the canonical encoding.</summary>
    public abstract TxKind Kind { get; }

    /// <summary>The DID whose key must sign this body.</summary>
    public abstract Did Signer { get; }

    /// <summary>Writes the canonical bytes: the kind byte, then the fields in declaration order.</summary>
    public void WriteTo(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.U8((byte)Kind);
        WriteFields(writer);
    }

    /// <summary>Reads one body written by <see cref="WriteTo"/>.</summary>
    /// <exception cref="FormatException">Unknown kind or malformed fields.</exception>
    public static TxBody ReadFrom(ref CanonicalReader reader) => (TxKind)reader.U8() switch
    {
        TxKind.Transfer => new Transfer(reader.Did(), reader.Did(), reader.I64(), reader.I64()),
        TxKind.Stake => new Stake(reader.Did(), reader.I64(), reader.I64()),
        TxKind.Unstake => new Unstake(reader.Did(), reader.I64(), reader.I64()),
        TxKind.EscrowLock => new EscrowLock(reader.Did(), reader.Hash(), reader.I64(), reader.I64()),
        TxKind.ProtocolBatch => ProtocolBatch.ReadFields(ref reader),
        TxKind.BudgetOpen => new BudgetOpen(reader.Did(), reader.I64(), reader.I64(), reader.I64()),
        TxKind.BudgetTopUp => new BudgetTopUp(reader.Did(), reader.Hash(), reader.I64(), reader.I64()),
        TxKind.BudgetClose => new BudgetClose(reader.Did(), reader.Hash()),
        var kind => throw new FormatException($"Unknown transaction kind {(byte)kind}."),
    };

    /// <summary>Writes the fields after the kind byte.</summary>
    protected abstract void WriteFields(CanonicalWriter writer);
}

/// <summary>Transaction kinds; the byte values are part of the protocol and never change.</summary>
public enum TxKind : byte
{
    /// <summary>Moves credits between two accounts.</summary>
    Transfer = 1,

    /// <summary>Moves credits from an account's balance to its stake.</summary>
    Stake = 2,

    /// <summary>Starts unbonding stake; it returns to the balance after the ledger's unbonding period.</summary>
    Unstake = 3,

    /// <summary>Locks credits from a payer's balance under a new escrow id.</summary>
    EscrowLock = 4,

    /// <summary>Protocol operations (release, refund, slash) under the orchestrator's one signature.</summary>
    ProtocolBatch = 5,

    /// <summary>Moves credits from an account's balance into a new budget.</summary>
    BudgetOpen = 6,

    /// <summary>Adds credits from the owner's balance to an open budget.</summary>
    BudgetTopUp = 7,

    /// <summary>Closes a budget early: no new reservations; its rest returns once the reserved tasks are settled.</summary>
    BudgetClose = 8,
}

/// <summary>
/// Moves <paramref name="Amount"/> credits from <paramref name="From"/> to <paramref name="To"/>. Signed by From;
/// <paramref name="Nonce"/> must exceed From's last used nonce (gaps allowed), which makes a replay invalid.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Transfer")]
public sealed record Transfer(
    [property: Id(0)] Did From,
    [property: Id(1)] Did To,
    [property: Id(2)] long Amount,
    [property: Id(3)] long Nonce) : TxBody
{
    /// <inheritdoc/>
    public override TxKind Kind => TxKind.Transfer;

    /// <inheritdoc/>
    public override Did Signer => From;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(From).Did(To).I64(Amount).I64(Nonce);
}

/// <summary>Moves <paramref name="Amount"/> credits of <paramref name="Account"/>'s balance into its stake. Signed by Account; nonce as <see cref="Transfer"/>.</summary>
[GenerateSerializer, Immutable, Alias("ainur.Stake")]
public sealed record Stake(
    [property: Id(0)] Did Account,
    [property: Id(1)] long Amount,
    [property: Id(2)] long Nonce) : TxBody
{
    /// <inheritdoc/>
    public override TxKind Kind => TxKind.Stake;

    /// <inheritdoc/>
    public override Did Signer => Account;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(Account).I64(Amount).I64(Nonce);
}

/// <summary>
/// Moves <paramref name="Amount"/> credits of <paramref name="Account"/>'s stake into an unbonding entry that returns to
/// its balance a fixed number of blocks later (the genesis' unbonding period). Signed by Account; nonce as <see cref="Transfer"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.Unstake")]
public sealed record Unstake(
    [property: Id(0)] Did Account,
    [property: Id(1)] long Amount,
    [property: Id(2)] long Nonce) : TxBody
{
    /// <inheritdoc/>
    public override TxKind Kind => TxKind.Unstake;

    /// <inheritdoc/>
    public override Did Signer => Account;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(Account).I64(Amount).I64(Nonce);
}

/// <summary>
/// Locks <paramref name="Amount"/> credits of <paramref name="Payer"/>'s balance under <paramref name="EscrowId"/>
/// (for a task: derived from the task id). Signed by the payer, so the server can never lock a client's money by
/// itself. An escrow id is usable once, ever: that is this transaction's replay guard, so it carries no nonce and
/// anyone (the orchestrator, for instance) may submit it. <paramref name="Expiry"/> (Unix milliseconds) bounds that:
/// the ledger refuses the lock in a block whose time is past it, so a lock that was refused, or that its task no
/// longer wants, cannot apply for ever (a task's payment lock expires at the task's deadline).
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.EscrowLock")]
public sealed record EscrowLock(
    [property: Id(0)] Did Payer,
    [property: Id(1)] Hashing.Hash32 EscrowId,
    [property: Id(2)] long Amount,
    [property: Id(3)] long Expiry) : TxBody
{
    /// <inheritdoc/>
    public override TxKind Kind => TxKind.EscrowLock;

    /// <inheritdoc/>
    public override Did Signer => Payer;

    /// <inheritdoc/>
    protected override void WriteFields(CanonicalWriter writer) => writer.Did(Payer).Hash(EscrowId).I64(Amount).I64(Expiry);
}
