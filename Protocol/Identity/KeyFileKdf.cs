namespace Ainur.Protocol.Identity;

/// <summary>Argon2id cost used when sealing a key file; the values are written into the file.</summary>
/// <param name="MemoryKiB">Memory in KiB (1024 bytes).</param>
/// <param name="Iterations">Number of passes over the memory.</param>
internal readonly record struct KeyFileKdf(int MemoryKiB, int Iterations)
{
    /// <summary>64 MiB and 3 passes: under a second on one core of a small machine, costly to brute-force.</summary>
    public static KeyFileKdf Default { get; } = new(64 * 1024, 3);

    /// <summary>libsodium's floor for Argon2id memory.</summary>
    public const int MinMemoryKiB = 8;
}
