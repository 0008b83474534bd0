using System.Diagnostics;
using System.Text;

namespace Ainur.Cli.Tasks;

/// <summary>What a local command did: its exit code (null when it could not start or was stopped), stdout, and the tail of stderr.</summary>
internal sealed record CommandOutcome(int? ExitCode, string Output, string ErrorTail);

/// <summary>
/// A local program that <c>agent run</c> hands task inputs to: <c>CMD ARGS</c>, split like a shell line (single and
/// double quotes, backslash escapes; no variables, globs or pipes), run without a shell. The input goes to its standard
/// input; its standard output (at most <see cref="MaxOutputChars"/>) is the answer.
/// </summary>
internal sealed class LocalCommand
{
    /// <summary>Most characters of standard output kept; a longer answer is cut (and then is not valid JSON).</summary>
    public const int MaxOutputChars = 4 * 1024 * 1024;

    /// <summary>Characters kept from the end of standard error, for failure reports.</summary>
    public const int ErrorTailChars = 2000;

    private readonly string _program;
    private readonly IReadOnlyList<string> _arguments;

    private LocalCommand(string program, IReadOnlyList<string> arguments) => (_program, _arguments) = (program, arguments);

    /// <summary>The command line as given, for messages.</summary>
    public override string ToString() => string.Join(' ', [_program, .. _arguments]);

    /// <summary>Splits <paramref name="line"/> into a program and its arguments; an input error when it is empty or a quote is open.</summary>
    public static LocalCommand Parse(string line, string option)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else if (c == '\\' && open == '"' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                {
                    word.Append(line[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                inWord = true;
                if (c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c == '\\' && i + 1 < line.Length)
                {
                    word.Append(line[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
        }

        if (quote is not null)
        {
            throw new CliException(ExitCodes.Usage, $"error: {option} has an unclosed quote.");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.Count == 0
            ? throw new CliException(ExitCodes.Usage, $"error: {option} names no command.")
            : new LocalCommand(words[0], words[1..]);
    }

    /// <summary>
    /// Runs the command with <paramref name="input"/> on standard input until it exits, <paramref name="timeout"/>
    /// passes, or <paramref name="ct"/> is cancelled; then the whole process tree is killed.
    /// </summary>
    public async Task<CommandOutcome> RunAsync(string input, TimeSpan timeout, CancellationToken ct)
    {
        var start = new ProcessStartInfo(_program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandOutcome(null, "", $"cannot start {_program}: {e.Message}");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero);
        var output = ReadCappedAsync(process.StandardOutput, MaxOutputChars, keepTail: false);
        var error = ReadCappedAsync(process.StandardError, ErrorTailChars, keepTail: true);
        try
        {
            await WriteInputAsync(process, input, limit.Token);
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            return new CommandOutcome(null, await output, $"stopped after {timeout.TotalSeconds:0} s: the task's deadline. {await error}");
        }

        return new CommandOutcome(process.ExitCode, await output, await error);
    }

    private static async Task WriteInputAsync(Process process, string input, CancellationToken ct)
    {
        try
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), ct);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command exited or closed its input without reading it all: its exit code and output tell the rest.
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, int cap, bool keepTail)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            if (keepTail)
            {
                text.Append(buffer, 0, read);
                if (text.Length > cap)
                {
                    text.Remove(0, text.Length - cap);
                }
            }
            else if (text.Length < cap)
            {
                text.Append(buffer, 0, Math.Min(read, cap - text.Length));
            }
        }

        return text.ToString();
    }
}
