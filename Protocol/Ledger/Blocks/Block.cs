using System.Collections.Immutable;
using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Ainur.Protocol.Ledger.Transactions;
using Ainur.Protocol.Merkle;
using Orleans;

namespace Ainur.Protocol.Ledger.Blocks;

/// <summary>
/// A block: header and the ordered transactions it commits. Immutable; the hash and the Merkle tree are computed
/// once. A well-formed block has <see cref="BlockHeader.TxCount"/> and <see cref="BlockHeader.TxRoot"/> matching its
/// transactions (<see cref="IsWellFormed"/>); whether they are valid against the ledger is the state machine's question.
/// </summary>
[Immutable]
public sealed class Block : IEquatable<Block>
{
    private readonly Lazy<MerkleTree> _tree;

    /// <summary>Creates a block; nothing is checked (see <see cref="IsWellFormed"/>).</summary>
    public Block(BlockHeader header, ImmutableArray<SignedTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(header);
        Header = header;
        Transactions = transactions.IsDefault ? [] : transactions;
        Hash = header.Hash;
        _tree = new(() => MerkleTree.FromLeafHashes([.. Transactions.Select(t => MerkleTree.LeafHash(t.Encoded.Span))]));
    }

    /// <summary>The header.</summary>
    public BlockHeader Header { get; }

    /// <summary>The transactions, in the order they were applied.</summary>
    public ImmutableArray<SignedTransaction> Transactions { get; }

    /// <summary>The block hash (the header's).</summary>
    public Hash32 Hash { get; }

    /// <summary>Height shortcut.</summary>
    public long Height => Header.Height;

    /// <summary>The Merkle root of <see cref="Transactions"/> as they are (not as the header claims).</summary>
    public Hash32 ComputeTxRoot() => _tree.Value.Root;

    /// <summary>True when the header's transaction count and Merkle root match the transactions.</summary>
    public bool IsWellFormed => Header.TxCount == Transactions.Length && Header.TxRoot == ComputeTxRoot();

    /// <summary>Merkle inclusion proof of the transaction at <paramref name="index"/>.</summary>
    public MerkleProof Prove(int index) => _tree.Value.Prove(index);

    /// <summary>The Merkle root of a list of transactions, for building a header.</summary>
    public static Hash32 TxRootOf(IEnumerable<SignedTransaction> transactions) =>
        MerkleTree.FromLeafHashes([.. transactions.Select(t => MerkleTree.LeafHash(t.Encoded.Span))]).Root;

    /// <summary>Canonical bytes: header, transaction count, transactions.</summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(256 + (Transactions.Length * 200));
        Header.WriteTo(writer);
        writer.I32(Transactions.Length);
        foreach (var transaction in Transactions)
        {
            transaction.WriteTo(writer);
        }

        return writer.ToArray();
    }

    /// <summary>Decodes what <see cref="Encode"/> wrote.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static Block Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        var header = BlockHeader.ReadFrom(ref reader);
        var count = reader.Count(1 + SignedTransaction.SignatureLength);
        var transactions = ImmutableArray.CreateBuilder<SignedTransaction>(count);
        for (var i = 0; i < count; i++)
        {
            transactions.Add(SignedTransaction.ReadFrom(ref reader));
        }

        reader.EnsureEnd();
        return new Block(header, transactions.MoveToImmutable());
    }

    /// <summary>Equality by block hash and transactions.</summary>
    public bool Equals(Block? other) =>
        other is not null && Hash == other.Hash && Transactions.AsSpan().SequenceEqual(other.Transactions.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Block);

    /// <inheritdoc/>
    public override int GetHashCode() => Hash.GetHashCode();
}

/// <summary>The Orleans wire and storage form of a <see cref="Block"/>: its canonical bytes.</summary>
[GenerateSerializer, Immutable, Alias("ainur.Block")]
public readonly record struct BlockSurrogate([property: Id(0)] byte[] Encoded);

/// <summary>Converts a <see cref="Block"/> to and from its canonical bytes; bad bytes fail loudly.</summary>
[RegisterConverter]
public sealed class BlockSurrogateConverter : IConverter<Block, BlockSurrogate>
{
    /// <inheritdoc/>
    public Block ConvertFromSurrogate(in BlockSurrogate surrogate) => Block.Decode(surrogate.Encoded);

    /// <inheritdoc/>
    public BlockSurrogate ConvertToSurrogate(in Block value) => new(value.Encode());
}
