using System.Buffers.Text;
using System.CommandLine;
using System.Text.Json;
using Ainur.Protocol.Identity;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur keys new|show</c>, and key loading shared with the other verbs.</summary>
internal static class KeyCommands
{
    public const string KeyFileVariable = "AINUR_KEY_FILE";
    public const string PassphraseVariable = "AINUR_PASSPHRASE";

    public static Command Create(CliContext context) => new("keys", "Create and inspect agent key files.")
    {
        New(context),
        Show(context),
    };

    /// <summary>Loads the agent key, asking for the passphrase only when the file is encrypted.</summary>
    public static AgentKey Load(CliContext context, string? path)
    {
        var file = ResolvePath(context, path);
        var text = ReadKeyFile(file);
        try
        {
            if (!KeyFile.IsEncrypted(text))
            {
                return KeyFile.Open(text, null);
            }

            var passphrase = context.Environment(PassphraseVariable) ?? context.ReadSecret($"Passphrase for {file}: ")
                ?? throw new CliException(ExitCodes.Input, $"error: {file} is encrypted: set {PassphraseVariable} or run on a terminal.");
            return KeyFile.Open(text, passphrase);
        }
        catch (KeyFileException e)
        {
            throw new CliException(ExitCodes.Input, $"error: {file}: {e.Message}");
        }
    }

    /// <summary>The DID of the key file, read without its passphrase.</summary>
    public static Did ReadDid(CliContext context, string? path)
    {
        var file = ResolvePath(context, path);
        try
        {
            return KeyFile.ReadDid(ReadKeyFile(file));
        }
        catch (KeyFileException e)
        {
            throw new CliException(ExitCodes.Input, $"error: {file}: {e.Message}");
        }
    }

    private static Command New(CliContext context)
    {
        var output = new Option<string?>("--out") { Description = $"Key file to write (default ${KeyFileVariable} or ~/.ainur/key.json)." };
        var unencrypted = new Option<bool>("--unencrypted") { Description = "Store the private key without a passphrase." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing key file." };
        var json = AinurCli.JsonOption();
        var command = new Command("new", "Generate a key, write it to a key file (mode 0600) and print its DID.")
        {
            output, unencrypted, force, json,
        };
        command.SetAction((parse, _) => AinurCli.RunAsync(context, async () =>
        {
            var file = ResolvePath(context, parse.GetValue(output));
            if (File.Exists(file) && !parse.GetValue(force))
            {
                throw new CliException(ExitCodes.Input, $"error: {file} exists; pass --force to overwrite it.");
            }

            var passphrase = parse.GetValue(unencrypted) ? null : NewPassphrase(context);
            using var key = AgentKey.Generate();
            await WriteNewFileAsync(file, KeyFile.Seal(key, passphrase), parse.GetValue(force));
            await PrintKeyAsync(context, key.Did, file, parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var keyOption = KeyOption();
        var json = AinurCli.JsonOption();
        var command = new Command("show", "Print the DID and public key of a key file (no passphrase needed).") { keyOption, json };
        command.SetAction((parse, _) => AinurCli.RunAsync(context, async () =>
        {
            var file = ResolvePath(context, parse.GetValue(keyOption));
            await PrintKeyAsync(context, ReadDid(context, file), file, parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Option<string?> KeyOption() =>
        new("--key") { Description = $"Key file (default ${KeyFileVariable} or ~/.ainur/key.json)." };

    private static string ResolvePath(CliContext context, string? path)
    {
        if (!string.IsNullOrEmpty(path))
        {
            return Path.GetFullPath(path);
        }

        if (context.Environment(KeyFileVariable) is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var home = context.Environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".ainur", "key.json");
    }

    private static string ReadKeyFile(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Input, $"error: cannot read key file {file}: {e.Message}");
        }
    }

    private static string NewPassphrase(CliContext context)
    {
        var passphrase = context.Environment(PassphraseVariable);
        if (passphrase is null)
        {
            passphrase = context.ReadSecret("New passphrase: ")
                ?? throw new CliException(ExitCodes.Input, $"error: no terminal to ask for a passphrase: set {PassphraseVariable} or pass --unencrypted.");
            if (context.ReadSecret("Repeat passphrase: ") != passphrase)
            {
                throw new CliException(ExitCodes.Input, "error: the passphrases differ.");
            }
        }

        return passphrase.Length == 0 ? throw new CliException(ExitCodes.Input, "error: the passphrase must not be empty.") : passphrase;
    }

    private static async Task WriteNewFileAsync(string file, string text, bool force)
    {
        try
        {
            var directory = Path.GetDirectoryName(file)!;
            if (!OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            else
            {
                Directory.CreateDirectory(directory);
            }

            // Delete first so the file is always created, with 0600 from the start, never widened or narrowed afterwards.
            if (force)
            {
                File.Delete(file);
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var stream = new FileStream(file, options);
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Input, $"error: cannot write key file {file}: {e.Message}");
        }
    }

    private static async Task PrintKeyAsync(CliContext context, Did did, string file, bool json)
    {
        var publicKey = Base64Url.EncodeToString(did.PublicKey.Span);
        if (json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(new { did = did.Value, publicKey, file }));
        }
        else
        {
            await context.Output.WriteLineAsync($"{did}\npublic key: {publicKey}\nfile: {file}");
        }
    }
}
