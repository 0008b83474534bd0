namespace Ainur.Testing.Nodes;

/// <summary>A running gateway as a test calls it over HTTP: in this process or as a separate one.</summary>
public interface IGatewayEndpoint
{
    /// <summary>The gateway's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    Uri Address { get; }

    /// <summary>A client for <see cref="Address"/>, owned by the endpoint.</summary>
    HttpClient Http { get; }
}
