using System.Globalization;
using System.Text.RegularExpressions;

namespace Ainur.Cli.Tasks;

/// <summary>The <c>--deadline</c> of <c>task submit</c>: a duration from now (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>) or an RFC 3339 time.</summary>
internal static partial class TaskDeadline
{
    /// <summary>The deadline in whole milliseconds (what the task's terms hold), or an input error.</summary>
    public static DateTimeOffset Parse(string text, DateTimeOffset now)
    {
        var match = Duration().Match(text);
        DateTimeOffset deadline;
        if (match.Success)
        {
            var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            deadline = now + match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }
        else if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out deadline))
        {
            throw new CliException(ExitCodes.Input, $"error: --deadline '{text}' is neither a duration (90s, 10m, 2h, 1d) nor an RFC 3339 time.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(deadline.ToUnixTimeMilliseconds());
    }

    /// <summary>The RFC 3339 text of a deadline, to the millisecond, in UTC.</summary>
    public static string Format(DateTimeOffset deadline) =>
        deadline.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(\d{1,6})(s|m|h|d)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();
}
