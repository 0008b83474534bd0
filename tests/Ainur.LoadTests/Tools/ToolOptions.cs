using System.Globalization;

namespace Ainur.LoadTests.Tools;

/// <summary>The load tools' command line: <c>--name value</c> pairs after the command, each read once with its default.</summary>
internal sealed class ToolOptions(IReadOnlyList<string> args)
{
    public IReadOnlyList<string> Args { get; } = args;

    public int Int(string name, int fallback) =>
        String(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string? String(string name)
    {
        var at = Args.ToList().IndexOf(name);
        return at >= 0 && at + 1 < Args.Count ? Args[at + 1] : null;
    }

    /// <summary>The scenarios asked for (<c>--scenario a,b</c>), in the order given, or all of <paramref name="known"/>.</summary>
    public IReadOnlyList<string> Scenarios(IReadOnlyList<string> known)
    {
        var asked = String("--scenario") is { } list && list != "all"
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. known];
        var unknown = asked.Except(known).ToList();
        return unknown.Count == 0 ? asked : throw new ArgumentException($"Unknown scenario {string.Join(", ", unknown)}; known: {string.Join(", ", known)}.");
    }

    public TimeSpan Seconds(string name, double fallback) =>
        TimeSpan.FromSeconds(String(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback);
}
