namespace Ainur.Cli;

/// <summary>
/// What a command reads from and writes to outside its arguments, so tests can run the command tree in-process
/// without touching the console or the process environment.
/// </summary>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="Environment">Environment variable lookup.</param>
/// <param name="ReadSecret">Prompts for a secret without echo; returns null when there is no terminal to ask.</param>
/// <param name="HttpHandler">Handler for gateway calls; null means a plain <see cref="HttpClientHandler"/>.</param>
public sealed record CliContext(
    TextWriter Output,
    TextWriter Error,
    Func<string, string?> Environment,
    Func<string, string?> ReadSecret,
    HttpMessageHandler? HttpHandler = null)
{
    /// <summary>The real console and process environment.</summary>
    public static CliContext FromProcess() =>
        new(Console.Out, Console.Error, System.Environment.GetEnvironmentVariable, ReadSecretFromConsole);

    private static string? ReadSecretFromConsole(string prompt)
    {
        if (Console.IsInputRedirected)
        {
            return null;
        }

        Console.Error.Write(prompt);
        var secret = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return secret.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (secret.Length > 0)
                {
                    secret.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
    }
}
