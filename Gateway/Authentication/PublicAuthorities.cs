using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Ainur.Gateway.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Ainur.Gateway.Authentication;

/// <summary>
/// The authorities (<c>host[:port]</c> as clients send them in <c>Host</c>) this gateway answers signed requests for,
/// each with the scheme clients address it by (for <c>@target-uri</c>). Configured in
/// <c>Ainur:Gateway:PublicAuthorities</c>; by default the addresses the server listens on, where a loopback address
/// stands for every loopback name and an any-address binding for the loopback names, the host name and the addresses
/// of the machine's interfaces.
/// </summary>
internal sealed partial class PublicAuthorities(IServer server, IOptions<GatewayOptions> options, ILogger<PublicAuthorities> logger)
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    // Built on first use: requests come only after the server has bound its addresses (port 0 resolved).
    private Dictionary<string, string?>? _known;

    /// <summary>
    /// True when the request's <c>Host</c> is a public authority; <paramref name="scheme"/> is then the scheme clients
    /// address it by (the configured origin's, else the request's own).
    /// </summary>
    public bool TryMatch(HttpRequest request, out string scheme)
    {
        var known = _known ??= Build();
        scheme = "";
        if (!known.TryGetValue(request.Host.Value?.ToLowerInvariant() ?? "", out var configured))
        {
            return false;
        }

        scheme = configured ?? request.Scheme;
        return true;
    }

    /// <summary>Whether <paramref name="entry"/> is a valid configured authority: <c>host[:port]</c> or <c>http(s)://host[:port]</c>.</summary>
    public static bool IsValidEntry(string? entry) => TryParseEntry(entry, out _, out _);

    private Dictionary<string, string?> Build()
    {
        var known = new Dictionary<string, string?>(StringComparer.Ordinal);
        var configured = options.Value.PublicAuthorities;
        if (configured.Count > 0)
        {
            foreach (var entry in configured)
            {
                if (TryParseEntry(entry, out var origin, out var authorities))
                {
                    foreach (var authority in authorities)
                    {
                        known.TryAdd(authority, origin);
                    }
                }
            }
        }
        else
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                AddListenAddress(known, address);
            }
        }

        var list = string.Join(", ", known.Keys.Order(StringComparer.Ordinal));
        LogInformationAuthorities(logger, list);
        return known;
    }

    private void AddListenAddress(Dictionary<string, string?> known, string address)
    {
        var binding = BindingAddress.Parse(address);
        if (binding.IsUnixPipe || binding.IsNamedPipe)
        {
            return;
        }

        var host = binding.Host.ToLowerInvariant();
        IEnumerable<string> names = [host];
        if (host is "+" or "*" or "0.0.0.0" or "[::]")
        {
            LogWarningAnyAddress(logger, address);
            names = LoopbackNames.Concat(MachineNames());
        }
        else if (host == "localhost" || IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip))
        {
            names = LoopbackNames;
        }

        var scheme = binding.Scheme.ToLowerInvariant();
        foreach (var name in names)
        {
            foreach (var authority in Authorities(scheme, name, binding.Port))
            {
                known.TryAdd(authority, scheme);
            }
        }
    }

    private static IEnumerable<string> MachineNames()
    {
        yield return Dns.GetHostName().ToLowerInvariant();
        foreach (var unicast in NetworkInterface.GetAllNetworkInterfaces().SelectMany(n => n.GetIPProperties().UnicastAddresses))
        {
            var ip = unicast.Address;
            if (ip.AddressFamily == AddressFamily.InterNetwork)
            {
                yield return ip.ToString();
            }
            else if (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ScopeId == 0)
            {
                yield return "[" + ip + "]";
            }
        }
    }

    // The Host of a request to the scheme's default port may carry the port or not.
    private static IEnumerable<string> Authorities(string scheme, string host, int port)
    {
        yield return $"{host}:{port}";
        if (port == (scheme == "https" ? 443 : 80))
        {
            yield return host;
        }
    }

    private static bool TryParseEntry(string? entry, out string? scheme, out IReadOnlyList<string> authorities)
    {
        scheme = null;
        authorities = [];
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var isOrigin = entry.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(isOrigin ? entry : "http://" + entry, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || uri.Query.Length != 0 || uri.Fragment.Length != 0 || uri.UserInfo.Length != 0
            || (!isOrigin && entry.Contains('/', StringComparison.Ordinal)))
        {
            return false;
        }

        if (!isOrigin)
        {
            // As clients send it in Host, exactly.
            authorities = [entry.ToLowerInvariant()];
            return true;
        }

        scheme = uri.Scheme;
        authorities = [.. Authorities(uri.Scheme, uri.Host.ToLowerInvariant(), uri.Port)];
        return true;
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Signed requests are accepted for the authorities {Authorities}")]
    private static partial void LogInformationAuthorities(ILogger logger, string authorities);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "The gateway listens on {Address} (any address): signed requests are accepted for this machine's names and addresses only; set Ainur:Gateway:PublicAuthorities to the names clients use")]
    private static partial void LogWarningAnyAddress(ILogger logger, string address);
}
