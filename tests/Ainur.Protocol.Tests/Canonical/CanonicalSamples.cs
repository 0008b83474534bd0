using System.Collections.Immutable;
using Ainur.Protocol.Consensus;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Blocks;
using Ainur.Protocol.Ledger.Transactions;

namespace Ainur.Protocol.Tests.Canonical;

/// <summary>One value of every canonically encoded kind, signed with fixed keys.</summary>
internal static class CanonicalSamples
{
    private static readonly AgentKey Payer = AgentKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
    private static readonly AgentKey Payee = AgentKey.FromSeed(Enumerable.Repeat((byte)8, 32).ToArray());
    private static readonly Hash32 EscrowId = Blake2b.Content("escrow"u8);

    public const string ChainId = "ainur-canonical";

    public static IEnumerable<TxBody> Bodies =>
    [
        new Transfer(Payer.Did, Payee.Did, 1_234, 7),
        new Stake(Payer.Did, long.MaxValue, long.MaxValue),
        new Unstake(Payer.Did, 1, 0),
        new EscrowLock(Payer.Did, EscrowId, 99, 1_700_000_600_000),
        new ProtocolBatch(Payee.Did, 3, []),
        new ProtocolBatch(Payee.Did, 4,
        [
            new EscrowRelease(EscrowId, Payer.Did, 50, 2), new EscrowRefund(EscrowId), new Slash(Payer.Did, 10, Payee.Did, 4),
            new EscrowPayout(EscrowId, [new Payout(Payee.Did, 30), new Payout(Payer.Did, 0)], 3),
        ]),
    ];

    public static ImmutableArray<SignedTransaction> Transactions =>
        [.. Bodies.Select(body => SignedTransaction.Sign(body, body.Signer == Payer.Did ? Payer : Payee, ChainId))];

    public static BlockHeader Header(ImmutableArray<SignedTransaction> transactions) => new(
        ChainId, 42, 3, Blake2b.Content("previous"u8), Block.TxRootOf(transactions), Blake2b.Content("state"u8), 2, 1_700_000_000_123, transactions.Length);

    public static Block SampleBlock => new(Header(Transactions), Transactions);

    public static CommitCertificate SampleCertificate
    {
        get
        {
            var hash = SampleBlock.Hash;
            var signing = Vote.SigningBytes(ChainId, VoteType.Precommit, 42, 3, hash);
            return new CommitCertificate(42, 3, hash, [new CommitSignature(0, Payer.Sign(signing)), new CommitSignature(2, Payee.Sign(signing))]);
        }
    }
}
