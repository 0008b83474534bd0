using System.Buffers.Binary;
using System.Text;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Tasks;
using CsCheck;
using NSec.Cryptography;

namespace Ainur.Protocol.Tests.Tasks;

/// <summary>
/// The README's formulas for task ids, escrow ids and the client's escrow lock, computed here byte by byte as a client
/// in another language would, agree with the protocol's own code for random terms.
/// </summary>
public sealed class TaskIdFormulaTests
{
    private static readonly Gen<string> Texts = Gen.String[Gen.Char, 0, 80];

    [Fact]
    public void TaskIdAndEscrowIds_AreTheDocumentedHashes()
    {
        Gen.Select(Gen.Byte.Array[32], Texts, Texts, Gen.Long, Gen.Long, Texts).Sample((seed, capability, input, maxPrice, deadline, salt) =>
        {
            using var client = AgentKey.FromSeed(seed);
            var inputHash = Blake2b(Encoding.UTF8.GetBytes(input));
            var terms = new TaskTerms(client.Did, capability, new Hash32(inputHash), maxPrice, deadline, salt);

            var documented = Blake2b([0x20, .. client.Did.PublicKey.Span, .. Text(capability), .. inputHash, .. I64(maxPrice), .. I64(deadline), .. Text(salt)]);

            Assert.Equal(documented, terms.TaskId().ToArray());
            Assert.Equal(Blake2b([0x21, .. documented]), TaskEscrows.Payment(terms.TaskId()).ToArray());
            Assert.Equal(Blake2b([0x22, .. documented]), TaskEscrows.DisputeBond(terms.TaskId()).ToArray());
        }, iter: 2000);
    }

    [Fact]
    public void EscrowLock_IsTheDocumentedBytesAndSignature()
    {
        Gen.Select(Gen.Byte.Array[32], Gen.Byte.Array[32], Gen.Long, Gen.Long, Gen.String[Gen.Char.AlphaNumeric, 1, 20]).Sample((seed, escrow, amount, expiry, chainId) =>
        {
            using var payer = AgentKey.FromSeed(seed);
            byte[] body = [0x04, .. payer.Did.PublicKey.Span, .. escrow, .. I64(amount), .. I64(expiry)];
            byte[] signingBytes = [.. Text("ainur/tx/v1"), .. Text(chainId), .. body];

            var transaction = SignedTransaction.Sign(new EscrowLock(payer.Did, new Hash32(escrow), amount, expiry), payer, chainId);

            // Ed25519 is deterministic: the same key over the same bytes gives the same signature.
            Assert.Equal([.. body, .. payer.Sign(signingBytes)], transaction.Encoded.ToArray());
        }, iter: 500);
    }

    private static byte[] Blake2b(byte[] data) => HashAlgorithm.Blake2b_256.Hash(data);

    private static byte[] Text(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return [.. I32(utf8.Length), .. utf8];
    }

    private static byte[] I32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] I64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
