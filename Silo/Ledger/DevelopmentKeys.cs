using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ainur.Protocol.Identity;

namespace Ainur.Silo.Ledger;

/// <summary>
/// A standalone node's development keys: seeds for its validators, orchestrator and faucet, drawn from the operating
/// system's CSPRNG at the node's first start and kept in <see cref="FileName"/> in its data folder (mode 0600, created
/// atomically), so that later starts sign as the same validators that certified the stored chain. Nothing in them derives
/// from public text; they are still development keys: one unencrypted file beside one node.
/// </summary>
public sealed class DevelopmentKeys
{
    /// <summary>The file's name inside the data folder.</summary>
    public const string FileName = "node-keys.json";

    private const string Format = "ainur-node-keys/1";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private DevelopmentKeys(ImmutableArray<byte[]> validatorSeeds, byte[] orchestratorSeed, byte[] faucetSeed, string path)
    {
        ValidatorSeeds = validatorSeeds;
        OrchestratorSeed = orchestratorSeed;
        FaucetSeed = faucetSeed;
        Path = path;
    }

    /// <summary>Validator i's seed at index i.</summary>
    public ImmutableArray<byte[]> ValidatorSeeds { get; }

    /// <summary>The orchestrator's seed.</summary>
    public byte[] OrchestratorSeed { get; }

    /// <summary>The faucet's seed.</summary>
    public byte[] FaucetSeed { get; }

    /// <summary>The file they are kept in.</summary>
    public string Path { get; }

    /// <summary>
    /// The keys in <paramref name="folder"/>, generated there with <paramref name="validators"/> validator seeds when
    /// the file does not exist yet. Two processes starting at once end up with the same file: the first to link its
    /// complete copy in place wins, the other reads it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is unreadable, readable by others, or holds another number of validators.</exception>
    public static DevelopmentKeys LoadOrCreate(string folder, int validators)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, FileName));
        if (!File.Exists(path))
        {
            Create(path, validators);
        }

        var keys = Read(path);
        if (keys.ValidatorSeeds.Length != validators)
        {
            throw new InvalidOperationException(
                $"{path} holds {keys.ValidatorSeeds.Length} validator keys but Ainur:Ledger:Validators is {validators}: a chain's validator set "
                + "cannot change. Set Ainur:Ledger:Validators to match, or start a fresh node (another Ainur:DataDir and an empty database).");
        }

        return keys;
    }

    private static void Create(string path, int validators)
    {
        var folder = System.IO.Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnly | UnixFileMode.UserExecute);
        }

        var document = new JsonObject
        {
            ["format"] = Format,
            ["note"] = "Development keys of a standalone Ainur node, generated at its first start. Secret: whoever holds this file can sign "
                + "as the node's validators, orchestrator and faucet. It belongs with the node's database: keep or delete both.",
            ["validators"] = new JsonArray([.. Enumerable.Range(0, validators).Select(_ => (JsonNode)NewSeed())]),
            ["orchestrator"] = NewSeed(),
            ["faucet"] = NewSeed(),
        };

        // Written whole (and synced) under a private name, then linked in place: readers never see half a file, and a
        // second process starting at the same moment cannot replace the first one's keys.
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    document.WriteTo(writer);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: its keys are the node's.
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static DevelopmentKeys Read(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0)
        {
            throw new InvalidOperationException($"{path} holds secret keys but others may read it: chmod 600 it.");
        }

        try
        {
            var document = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            if ((string?)document?["format"] != Format || document["validators"] is not JsonArray validators)
            {
                throw new InvalidOperationException($"{path} is not an {Format} file.");
            }

            return new DevelopmentKeys(
                [.. validators.Select(v => Seed(v, path))], Seed(document["orchestrator"], path), Seed(document["faucet"], path), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidOperationException($"Cannot read the node's development keys from {path}: {e.Message}", e);
        }
    }

    private static byte[] Seed(JsonNode? node, string path)
    {
        Span<byte> seed = stackalloc byte[64];
        return node is JsonValue value && value.TryGetValue<string>(out var text) && Convert.TryFromBase64String(text, seed, out var written)
            && written == AgentKey.SeedLength
            ? seed[..written].ToArray()
            : throw new InvalidOperationException($"{path} holds a key that is not a base64 32-byte Ed25519 seed.");
    }

    private static string NewSeed() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(AgentKey.SeedLength));
}
