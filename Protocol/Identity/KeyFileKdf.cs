namespace Ainur.Protocol.Identity;

/// <summary>Argon2id cost used when sealing a key file; the values are written into the file.</summary>
/// <param name="MemoryKiB">Memory in KiB (1024 bytes).</param>
/// <param name="Iterations">Number of passes over the memory.</param>
internal readonly record struct KeyFileKdf(int MemoryKiB, int Iterations)
{
    /// <summary>128 MiB and 6 passes: about 0.35 s on one core of the 2-core dev machine, costly to brute-force.</summary>
    public static KeyFileKdf Default { get; } = new(128 * 1024, 6);

    /// <summary>libsodium's floor for Argon2id memory.</summary>
    public const int MinMemoryKiB = 8;
}
