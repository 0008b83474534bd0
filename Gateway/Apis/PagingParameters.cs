using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Ainur.Gateway.Errors;
using Ainur.Protocol.Discovery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ainur.Gateway.Apis;

/// <summary>The <c>cursor</c> and <c>limit</c> query parameters of paged listings.</summary>
public static class PagingParameters
{
    /// <summary>
    /// Parses <c>?cursor=</c> (absent: the first page; else one a previous page returned, 400 <c>invalid-cursor</c>
    /// otherwise) and <c>?limit=</c> (absent: <paramref name="fallback"/>; else 1 to <paramref name="max"/>, 400 <c>invalid-limit</c> otherwise).
    /// </summary>
    public static bool TryParse(string? cursor, string? limit, int fallback, int max, out string? after, out int count, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        after = null;
        count = fallback;
        problem = null;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > max))
        {
            problem = Problems.InvalidQueryValue("limit", $"'limit' is a whole number from 1 to {max}.");
            return false;
        }

        if (cursor is not null && (after = ListingCursor.TryDecode(cursor)) is null)
        {
            problem = Problems.InvalidQueryValue("cursor", "'cursor' must be the 'next' value of an earlier page, unchanged.");
            return false;
        }

        return true;
    }
}
