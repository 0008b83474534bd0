using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Ainur.Gateway.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>The <c>wait</c> query parameter of the endpoints that wait: whole seconds, with a default and a cap.</summary>
public static class WaitParameter
{
    /// <summary>
    /// Parses <c>?wait=</c>: absent means <paramref name="fallback"/>; 0 answers at once; otherwise a non-negative
    /// integer, a longer one cut to <paramref name="max"/>; anything else is a 400 <c>invalid-wait</c> problem.
    /// </summary>
    public static bool TryParse(string? text, TimeSpan fallback, TimeSpan max, out TimeSpan wait, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = null;
        if (text is null)
        {
            wait = fallback;
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            wait = TimeSpan.FromSeconds(Math.Min(seconds, (long)max.TotalSeconds));
            return true;
        }

        wait = TimeSpan.Zero;
        problem = Problems.InvalidQueryValue("wait", $"'wait' is a whole number of seconds from 0 to {max.TotalSeconds} (longer is cut to that).");
        return false;
    }
}
