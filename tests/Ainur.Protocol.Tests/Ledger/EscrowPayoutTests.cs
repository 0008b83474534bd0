using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.State;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tests.Canonical;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger;

/// <summary>The escrow payout: one locked escrow released to several payees, the fee to the treasury, the rest back.</summary>
public class EscrowPayoutTests
{
    // Alice locked 100 under escrow 1 and Bob 50 under escrow 2, in block 1.
    private static readonly LedgerState Locked = Apply(Start(), Lock(Alice, EscrowId(1), 100), Lock(Bob, EscrowId(2), 50));

    private static Payout To(AgentKey key, long amount) => new(key.Did, amount);

    [Fact]
    public void Payout_PaysEachPayeeFeeToTreasuryAndRestToPayer()
    {
        var after = Apply(Locked, Batch(1, Op(1, 5, To(Carol, 40), To(Users[3], 30), To(Users[4], 10))));

        Assert.Equal(Allocation + 40, after.GetAccount(Carol.Did).Balance);
        Assert.Equal(Allocation + 30, after.GetAccount(Users[3].Did).Balance);
        Assert.Equal(Allocation + 10, after.GetAccount(Users[4].Did).Balance);
        Assert.Equal(5, after.GetAccount(Treasury.Did).Balance);
        Assert.Equal(Allocation - 100 + 15, after.GetAccount(Alice.Did).Balance);
        Assert.Equal(new Escrow(EscrowId(1), Alice.Did, 100, EscrowStatus.Released, 1, 2), after.GetEscrow(EscrowId(1)));
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }

    [Fact]
    public void Payout_SamePayeeTwiceAndPayer_AreEachCredited()
    {
        var after = Apply(Locked, Batch(1, Op(2, 0, To(Carol, 10), To(Carol, 15), To(Bob, 20))));

        Assert.Equal(Allocation + 25, after.GetAccount(Carol.Did).Balance);
        Assert.Equal(Allocation - 50 + 20 + 5, after.GetAccount(Bob.Did).Balance);   // Bob is payer and payee: 20 paid, 5 back
        Assert.Equal(EscrowStatus.Released, after.GetEscrow(EscrowId(2))!.Status);
    }

    [Fact]
    public void Payout_ExactlyTheLockedAmountAndMaxPayouts_IsAllowed()
    {
        var payouts = Enumerable.Range(0, EscrowPayout.MaxPayouts).Select(i => To(Users[i % Users.Length], 1)).ToArray();

        var after = Apply(Locked, Batch(1, Op(1, 36, payouts)));

        // 64 payouts of 1 over five users: 13 each, 12 for the last; nothing left for the payer beyond its own 13.
        Assert.Equal(Allocation - 100 + 13, after.GetAccount(Alice.Did).Balance);
        Assert.Equal(Allocation + 12, after.GetAccount(Users[4].Did).Balance);
        Assert.Equal(36, after.GetAccount(Treasury.Did).Balance);
        Assert.Equal(TestGenesis.TotalSupply, after.Total());
    }

    [Fact]
    public void Payout_WithoutPayouts_IsBadPayoutCount() =>
        Assert.Equal(TxRejectionCodes.BadPayoutCount, Try(Locked, Batch(1, Op(1, 1)))?.Code);

    [Fact]
    public void Payout_MoreThanMaxPayouts_IsBadPayoutCount()
    {
        var payouts = Enumerable.Range(0, EscrowPayout.MaxPayouts + 1).Select(_ => To(Carol, 0)).ToArray();

        Assert.Equal(TxRejectionCodes.BadPayoutCount, Try(Locked, Batch(1, Op(1, 0, payouts)))?.Code);
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(0, -1, 0)]
    [InlineData(10, 10, -1)]
    [InlineData(long.MinValue, 0, 0)]
    public void Payout_NegativeAmountOrFee_IsBadAmount(long first, long second, long fee) =>
        Assert.Equal(TxRejectionCodes.BadAmount, Try(Locked, Batch(1, Op(1, fee, To(Carol, first), To(Bob, second))))?.Code);

    [Theory]
    [InlineData(101, 0, 0)]
    [InlineData(60, 41, 0)]
    [InlineData(60, 30, 11)]
    [InlineData(0, 0, 101)]
    [InlineData(long.MaxValue, long.MaxValue, long.MaxValue)]
    [InlineData(50, long.MaxValue, 0)]
    public void Payout_MoreThanLocked_IsReleaseExceedsEscrow(long first, long second, long fee) =>
        Assert.Equal(TxRejectionCodes.ReleaseExceedsEscrow, Try(Locked, Batch(1, Op(1, fee, To(Carol, first), To(Bob, second))))?.Code);

    [Fact]
    public void Payout_UnknownOrClosedEscrow_IsRejected()
    {
        var paid = Apply(Locked, Batch(1, Op(1, 0, To(Carol, 1))));

        Assert.Equal(TxRejectionCodes.UnknownEscrow, Try(Locked, Batch(1, Op(9, 0, To(Carol, 1))))?.Code);
        Assert.Equal(TxRejectionCodes.EscrowClosed, Try(paid, Batch(2, Op(1, 0, To(Carol, 1))))?.Code);
        Assert.Equal(TxRejectionCodes.EscrowClosed, Try(paid, Batch(2, new EscrowRefund(EscrowId(1))))?.Code);
    }

    [Fact]
    public void Payout_Rejected_ChangesNothing()
    {
        var batch = Ainur.Protocol.Ledger.Execution.LedgerBatch.Begin(Locked);

        var rejection = batch.TryApply(Batch(1, Op(2, 0, To(Carol, 20)), Op(1, 0, To(Carol, 90), To(Bob, 11))), signatureChecked: false);

        Assert.Equal(TxRejectionCodes.ReleaseExceedsEscrow, rejection?.Code);
        Assert.StartsWith("Operation 1:", rejection!.Message, StringComparison.Ordinal);
        Assert.Equal(Locked.StateRoot, batch.ComputeStateRoot());
    }

    [Fact]
    public void Payout_EqualityIsByContent()
    {
        var a = Op(1, 3, To(Carol, 1), To(Bob, 2));
        var b = Op(1, 3, To(Carol, 1), To(Bob, 2));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Op(1, 3, To(Bob, 2), To(Carol, 1)));
        Assert.NotEqual(a, Op(1, 4, To(Carol, 1), To(Bob, 2)));
    }

    // Kind byte 4, escrow id, count, (payee key, amount) per payout, fee: all integers big-endian.
    [Fact]
    public void Payout_CanonicalEncoding_IsKindIdCountPayoutsFee()
    {
        var op = Op(1, 7, To(Carol, 258), To(Bob, 1));

        var bytes = new CanonicalWriter().Also(op.WriteTo).ToArray();

        byte[] expected =
        [
            4, .. EscrowId(1).Span, 0, 0, 0, 2,
            .. Carol.Did.PublicKey.Span, 0, 0, 0, 0, 0, 0, 1, 2,
            .. Bob.Did.PublicKey.Span, 0, 0, 0, 0, 0, 0, 0, 1,
            0, 0, 0, 0, 0, 0, 0, 7,
        ];
        Assert.Equal(expected, bytes);
        var reader = new CanonicalReader(bytes);
        Assert.Equal(op, ProtocolOp.ReadFrom(ref reader));
        Assert.True(reader.AtEnd);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void Payout_DecodingACountBeyondTheBytes_ThrowsFormatException(int count)
    {
        var bytes = new CanonicalWriter().Also(Op(1, 7, To(Carol, 1), To(Bob, 1)).WriteTo).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1 + 32), count);

        Assert.Throws<FormatException>(() =>
        {
            var reader = new CanonicalReader(bytes);
            ProtocolOp.ReadFrom(ref reader);
            reader.EnsureEnd();
        });
    }

    private static EscrowPayout Op(int escrow, long fee, params Payout[] payouts) => new(EscrowId(escrow), [.. payouts], fee);
}
