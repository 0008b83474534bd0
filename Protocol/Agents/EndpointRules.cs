using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;

namespace Ainur.Protocol.Agents;

/// <summary>
/// What an agent's advertised endpoint may be: an absolute http(s) URI without user info (credentials in a URI end up in
/// logs and views), whose host is not a link-local address (169.254.0.0/16, fe80::/10) or a cloud metadata service
/// (169.254.169.254, fd00:ec2::254, metadata.google.internal): anything that follows an endpoint from inside a cluster
/// must not be pointed at the node's own cloud credentials.
/// </summary>
public static class EndpointRules
{
    /// <summary>Longest endpoint, in characters.</summary>
    public const int MaxLength = 2048;

    private static readonly FrozenSet<string> MetadataHosts = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal");

    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");

    /// <summary>Why <paramref name="endpoint"/> is refused, or null when it is acceptable.</summary>
    public static string? Problem(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Length > MaxLength
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"must be an absolute http or https URI of at most {MaxLength} characters";
        }

        if (uri.UserInfo.Length > 0 || HasUserInfo(endpoint))
        {
            return "may not carry user info (credentials before '@')";
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (MetadataHosts.Contains(host))
        {
            return $"may not name a cloud metadata service ('{host}')";
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            if (IsLinkLocal(address) || address.Equals(AwsMetadataV6))
            {
                return $"may not be a link-local or cloud metadata address ({address})";
            }
        }

        return null;
    }

    // Also by hand: an '@' in the authority is user info however the URI parser reads the rest.
    private static bool HasUserInfo(string endpoint)
    {
        var start = endpoint.IndexOf("//", StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var authority = endpoint.AsSpan(start + 2);
        var end = authority.IndexOfAny("/?#");
        return (end < 0 ? authority : authority[..end]).Contains('@');
    }

    private static bool IsLinkLocal(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => address.GetAddressBytes() is [169, 254, ..],
        AddressFamily.InterNetworkV6 => address.IsIPv6LinkLocal,
        _ => false,
    };
}
