using System.Net;
using System.Net.Sockets;

namespace Ainur.Testing.Processes;

/// <summary>Free TCP ports on the loopback interface for processes a test starts.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];
    private static readonly Lock Gate = new();

    /// <summary>
    /// A port nothing listens on now and that this test process has not handed out before. Another process may still
    /// take it before the child binds it; ephemeral ports are picked at random, so that is rare.
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
