namespace Ainur.Grains.Interfaces;

/// <summary>
/// The database could not be reached, or refused work for a moment (a restart, a failover); retry later. Silos raise it
/// in place of the driver's exception, which Orleans cannot carry to a gateway in another process.
/// </summary>
[GenerateSerializer, Alias("ainur.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException()
    {
    }

    /// <summary>Creates the exception with a reason.</summary>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and a cause.</summary>
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
