namespace Ainur.Grains.Interfaces.Ledger;

/// <summary>No validator could answer a read in time (a quorum is down or the cluster is still forming); retry later.</summary>
[GenerateSerializer, Alias("ainur.LedgerUnavailableException")]
public sealed class LedgerUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LedgerUnavailableException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public LedgerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and a cause.</summary>
    public LedgerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
