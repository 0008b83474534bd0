using Ainur.Protocol.Hashing;

namespace Ainur.Grains.Ledger.Storage;

/// <summary>
/// Two different blocks were offered as final at one height of one validator's chain: a safety violation (more than a
/// third of the validators signed conflicting certificates, or a bug). Thrown instead of overwriting; nothing changed.
/// </summary>
[GenerateSerializer, Alias("ainur.LedgerForkException")]
public sealed class LedgerForkException : Exception
{
    /// <summary>Describes the conflict at <paramref name="height"/>.</summary>
    public LedgerForkException(string chainId, int validator, long height, Hash32 storedHash, Hash32 offeredHash)
        : base($"Fork on chain '{chainId}', validator {validator}, height {height}: block {storedHash} is stored, block {offeredHash} was offered.")
    {
        ChainId = chainId;
        Validator = validator;
        Height = height;
        StoredHash = storedHash;
        OfferedHash = offeredHash;
    }

    /// <summary>The chain.</summary>
    [Id(0)]
    public string ChainId { get; }

    /// <summary>The validator whose chain holds <see cref="StoredHash"/>.</summary>
    [Id(1)]
    public int Validator { get; }

    /// <summary>The height of the conflict.</summary>
    [Id(2)]
    public long Height { get; }

    /// <summary>The block stored at <see cref="Height"/>.</summary>
    [Id(3)]
    public Hash32 StoredHash { get; }

    /// <summary>The conflicting block offered for <see cref="Height"/>.</summary>
    [Id(4)]
    public Hash32 OfferedHash { get; }
}
