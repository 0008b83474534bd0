using System.Diagnostics.CodeAnalysis;
using Ainur.Gateway.Apis;
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
    public static bool TryParse(string? text, out TimeSpan wait, [NotNullWhen(false)] out ProblemHttpResult? problem) =>
        WaitParameter.TryParse(text, Default, Max, out wait, out problem);
}
