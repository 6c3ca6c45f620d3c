using System.Net.Sockets;
using System.Text;

namespace Tracker.Testing;

/// <summary>
/// A request written byte for byte on a socket: for what HttpClient refuses or rewrites (dot segments in paths,
/// non-ASCII header values, HTTP/1.0 without Host).
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, string Headers, string Body);

    public static async Task<Response> SendAsync(Uri server, string method, string target, IEnumerable<(string Name, string Value)> headers, string version = "HTTP/1.1")
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(server.Host, server.Port);
        var stream = socket.GetStream();
        var text = new StringBuilder($"{method} {target} {version}\r\n");
        if (version == "HTTP/1.1")
        {
            text.Append($"Host: {server.Host}:{server.Port}\r\n");
        }
        foreach (var (name, value) in headers)
        {
            text.Append($"{name}: {value}\r\n");
        }
        text.Append("Connection: close\r\nContent-Length: 0\r\n\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()));
        var raw = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? raw : raw[..split];
        var status = int.Parse(head.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return new Response(status, head, split < 0 ? "" : raw[(split + 4)..]);
    }
}
