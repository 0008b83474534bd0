namespace Ainur.Protocol.Identity;

/// <summary>
/// A key file could not be opened: it is malformed or modified, the passphrase is wrong, or the file is encrypted
/// and no passphrase was given. <see cref="Exception.Message"/> is written for the person running the command.
/// </summary>
public sealed class KeyFileException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public KeyFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and the error that caused it.</summary>
    public KeyFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public KeyFileException()
        : base("The key file could not be read.")
    {
    }
}
