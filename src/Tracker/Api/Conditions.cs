using System.Text.RegularExpressions;
using Azure;
using Microsoft.AspNetCore.Http;

namespace Tracker.Api;

/// <summary>Conditional request headers, parsed by RFC 9110's grammar before anything reaches storage.</summary>
public static partial class Conditions
{
    /// <summary>The entity tags of <c>If-Match</c> (<see cref="ETag.All"/> for <c>*</c>), or null when absent.</summary>
    public static IReadOnlyList<ETag>? IfMatch(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("If-Match", out var values))
        {
            return null;
        }
        var text = string.Join(",", values.Select(v => v ?? ""));
        if (text.Trim() == "*")
        {
            return [ETag.All];
        }
        if (!TagList().IsMatch(text))
        {
            throw Problems.Validation("If-Match", "If-Match must be * or entity tags as the ETag header gives them, such as W/\"datetime'...'\".");
        }
        return [.. Tag().Matches(text).Select(m => new ETag(m.Value))];
    }

    [GeneratedRegex(@"^\s*(?:W/)?""[\x21\x23-\x7E]*""\s*(?:,\s*(?:W/)?""[\x21\x23-\x7E]*""\s*)*$")]
    private static partial Regex TagList();

    [GeneratedRegex(@"(?:W/)?""[\x21\x23-\x7E]*""")]
    private static partial Regex Tag();
}
