using System.Buffers.Binary;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Identity;

namespace Ainur.Protocol.Ledger.State;

/// <summary>The kind byte that starts a state entry's key and its canonical bytes; values never change.</summary>
internal enum StateEntryKind : byte
{
    Account = 1,
    Escrow = 2,
    Chain = 3,
    Budget = 4,
    SpentVoucher = 5,
}

/// <summary>
/// The key of one state entry: its kind byte then 32 bytes (an account's public key, an escrow's or a budget's id,
/// zeros for the chain entry, the hash of budget id and task id for a spent voucher). Keys order byte-wise; the bucket is the first 16 bits of the key's plain Blake2b-256, so entries
/// spread evenly whatever their ids look like and a shard can later own a range of buckets.
/// </summary>
internal readonly struct StateKey : IComparable<StateKey>, IEquatable<StateKey>
{
    private const int Length = 1 + 32;

    private readonly byte[] _bytes;

    private StateKey(StateEntryKind kind, ReadOnlySpan<byte> id)
    {
        _bytes = new byte[Length];
        _bytes[0] = (byte)kind;
        id.CopyTo(_bytes.AsSpan(1));
    }

    public static StateKey Chain { get; } = new(StateEntryKind.Chain, new byte[32]);

    public static StateKey ForAccount(Did account) => new(StateEntryKind.Account, account.PublicKey.Span);

    public static StateKey ForEscrow(Hash32 id) => new(StateEntryKind.Escrow, id.Span);

    public static StateKey ForBudget(Hash32 id) => new(StateEntryKind.Budget, id.Span);

    public static StateKey ForSpentVoucher(Hash32 budgetId, Hash32 taskId) =>
        new(StateEntryKind.SpentVoucher, Blake2b.Hash(HashDomain.SpentVoucher, budgetId, taskId).Span);

    public int Bucket() => BinaryPrimitives.ReadUInt16BigEndian(Blake2b.Content(_bytes).Span) >> (16 - StateTree.Depth);

    public int CompareTo(StateKey other) => _bytes.AsSpan().SequenceCompareTo(other._bytes);

    public bool Equals(StateKey other) => _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is StateKey other && Equals(other);

    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(1));
}
