using Ainur.Protocol.Canonical;
using Ainur.Protocol.Hashing;
using Orleans;

namespace Ainur.Protocol.Ledger.Blocks;

/// <summary>
/// A block's header; its Blake2b-256 hash (<see cref="Hash"/>) is the block hash that votes and certificates sign.
/// <paramref name="TxRoot"/> is the Merkle root of the block's transactions (leaves: their canonical bytes);
/// <paramref name="StateRoot"/> is the ledger state root after applying them; <paramref name="Proposer"/> is the
/// proposing validator's index; <paramref name="TimeUnixMs"/> is the proposer's clock in Unix milliseconds.
/// </summary>
[GenerateSerializer, Immutable, Alias("ainur.BlockHeader")]
public sealed record BlockHeader(
    [property: Id(0)] string ChainId,
    [property: Id(1)] long Height,
    [property: Id(2)] int Round,
    [property: Id(3)] Hash32 PreviousHash,
    [property: Id(4)] Hash32 TxRoot,
    [property: Id(5)] Hash32 StateRoot,
    [property: Id(6)] int Proposer,
    [property: Id(7)] long TimeUnixMs,
    [property: Id(8)] int TxCount)
{
    /// <summary>The block hash: Blake2b-256 over <see cref="HashDomain.BlockHeader"/> and the canonical header bytes.</summary>
    public Hash32 Hash => Blake2b.Hash(HashDomain.BlockHeader, Encode());

    /// <summary>Canonical header bytes.</summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(160);
        WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>Writes the canonical header bytes.</summary>
    public void WriteTo(CanonicalWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Text(ChainId).I64(Height).I32(Round).Hash(PreviousHash).Hash(TxRoot).Hash(StateRoot)
            .I32(Proposer).I64(TimeUnixMs).I32(TxCount);
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static BlockHeader ReadFrom(ref CanonicalReader reader) =>
        new(reader.Text(), reader.I64(), reader.I32(), reader.Hash(), reader.Hash(), reader.Hash(), reader.I32(), reader.I64(), reader.I32());

    /// <summary>Decodes a header from exactly its canonical bytes.</summary>
    /// <exception cref="FormatException">Malformed bytes.</exception>
    public static BlockHeader Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new CanonicalReader(bytes);
        var header = ReadFrom(ref reader);
        reader.EnsureEnd();
        return header;
    }
}
