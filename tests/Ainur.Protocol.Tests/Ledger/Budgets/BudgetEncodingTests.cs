using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Budgets;
using Ainur.Protocol.Ledger.Transactions;
using CsCheck;
using static Ainur.Protocol.Tests.Ledger.TestLedger;

namespace Ainur.Protocol.Tests.Ledger.Budgets;

/// <summary>Budget transactions, operations and vouchers encode canonically, decode to what was encoded, and refuse malformed bytes.</summary>
public sealed class BudgetEncodingTests
{
    private static readonly Gen<Hash32> Hashes = Gen.Byte.Array[32].Select(b => new Hash32(b));

    private static readonly Gen<TxBody> Bodies = Gen.OneOf(
        Gen.Select(Gen.Int[0, 4], Gen.Long, Gen.Long, Gen.Long, (u, n, a, e) => (TxBody)new BudgetOpen(Users[u].Did, n, a, e)),
        Gen.Select(Gen.Int[0, 4], Hashes, Gen.Long, Gen.Long, (u, id, a, n) => (TxBody)new BudgetTopUp(Users[u].Did, id, a, n)),
        Gen.Select(Gen.Int[0, 4], Hashes, (u, id) => (TxBody)new BudgetClose(Users[u].Did, id)),
        Gen.Select(Hashes, Hashes, Gen.Long, Gen.Byte.Array[64], Gen.Int[0, 4], Gen.Long, Gen.Long,
            (id, task, price, signature, payee, amount, fee) => (TxBody)new ProtocolBatch(Orchestrator.Did, 3,
                [new VoucherSettle(id, task, price, signature, Users[payee].Did, amount, fee), new BudgetReturn(task)])));

    [Fact]
    public void AnyBudgetBody_SignedThenDecoded_IsTheSameTransaction() =>
        Bodies.Sample(body =>
        {
            var signer = Users.Append(Orchestrator).Single(k => k.Did == body.Signer);
            var signed = SignedTransaction.Sign(body, signer, ChainId);

            var decoded = SignedTransaction.Decode(signed.Encoded.Span);

            Assert.Equal(body, decoded.Body);
            Assert.Equal(signed.Id, decoded.Id);
            Assert.True(decoded.VerifySignature(ChainId));
        }, iter: 200);

    [Fact]
    public void AnyBudgetBody_Truncated_IsAFormatException() =>
        Bodies.Sample(body =>
        {
            var writer = new CanonicalWriter();
            body.WriteTo(writer);
            var bytes = writer.ToArray();
            for (var length = 0; length < bytes.Length; length++)
            {
                var prefix = bytes[..length];
                Assert.Throws<FormatException>(() => ReadBody(prefix));
            }
        }, iter: 20);

    [Fact]
    public void Settle_WithASignatureNot64Bytes_CannotBeEncoded()
    {
        var settle = new VoucherSettle(Hash32.Zero, Hash32.Zero, 1, new byte[63], Alice.Did, 1, 0);

        Assert.Throws<InvalidOperationException>(() => settle.WriteTo(new CanonicalWriter()));
    }

    [Fact]
    public void Voucher_VerifiesForItsOwnerAndChainOnly()
    {
        var voucher = new Voucher(BudgetIds.Of(Alice.Did, 1), Blake2b.Content("t"u8), 10);
        var signature = voucher.Sign(Alice, ChainId);

        Assert.True(voucher.Verify(Alice.Did, signature, ChainId));
        Assert.False(voucher.Verify(Bob.Did, signature, ChainId));
        Assert.False(voucher.Verify(Alice.Did, signature, "another-chain"));
        Assert.False(voucher.Verify(Alice.Did, signature.AsSpan(0, 63), ChainId));
        Assert.False((voucher with { MaxPrice = 11 }).Verify(Alice.Did, signature, ChainId));

    }

    [Fact]
    public void BudgetIds_DependOnOwnerAndNonce()
    {
        Assert.Equal(BudgetIds.Of(Alice.Did, 1), new BudgetOpen(Alice.Did, 1, 5, 9).BudgetId);
        Assert.NotEqual(BudgetIds.Of(Alice.Did, 1), BudgetIds.Of(Alice.Did, 2));
        Assert.NotEqual(BudgetIds.Of(Alice.Did, 1), BudgetIds.Of(Bob.Did, 1));
    }

    private static TxBody ReadBody(byte[] bytes)
    {
        var reader = new CanonicalReader(bytes);
        var body = TxBody.ReadFrom(ref reader);
        reader.EnsureEnd();
        return body;
    }
}
