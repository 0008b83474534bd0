using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Ainur.Gateway.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>How many items one batched request may carry: the <c>?max=</c> of a feed poll, and the items of a batch body.</summary>
public static class BatchLimit
{
    /// <summary>The most items one request hands out or carries.</summary>
    public const int MaxItems = 64;

    /// <summary>
    /// Parses <c>?max=</c>: absent gives null (the single-item answer); else a whole number from 1 to <see cref="MaxItems"/>,
    /// anything else a 400 <c>invalid-max</c> problem.
    /// </summary>
    public static bool TryParse(string? text, out int? max, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        max = null;
        problem = null;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxItems)
        {
            max = value;
            return true;
        }

        problem = Problems.InvalidQueryValue("max", $"'max' is a whole number of items from 1 to {MaxItems}.");
        return false;
    }

    /// <summary>Null when a body's <paramref name="count"/> items of <paramref name="member"/> are 1 to <see cref="MaxItems"/>; else a 400 problem.</summary>
    public static ProblemHttpResult? CheckCount(string member, int count) =>
        count is >= 1 and <= MaxItems ? null : Problems.MalformedBody($"'{member}' holds 1 to {MaxItems} items, not {count}.");
}
