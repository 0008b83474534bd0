using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using Ainur.Gateway.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Ledger;

/// <summary>How long a submission waits for finality: the <c>wait</c> query parameter in whole seconds, capped.</summary>
public static class FinalityWait
{
    /// <summary>Wait when the query gives none.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait a request may ask for; a longer one is cut to this.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    /// <summary>Parses <c>?wait=</c>: absent means <see cref="Default"/>; 0 answers at once; otherwise a non-negative integer.</summary>
    public static bool TryParse(string? text, out TimeSpan wait, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (text is null)
        {
            wait = Default;
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            wait = TimeSpan.FromSeconds(Math.Min(seconds, (long)Max.TotalSeconds));
            return true;
        }

        wait = TimeSpan.Zero;
        problem = Problems.InvalidQueryValue("wait", $"'wait' is a whole number of seconds from 0 to {Max.TotalSeconds} (longer is cut to that).");
        return false;
    }
}
