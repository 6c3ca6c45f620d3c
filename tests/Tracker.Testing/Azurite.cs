using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tracker.Testing;

/// <summary>
/// A real Azurite (from the repository's node_modules, installed from package-lock.json) on free loopback ports,
/// in memory, for one test run or benchmark. Disposing stops it.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process _process;

    private Azurite(Process process, int blobPort, int tablePort, int queuePort)
    {
        _process = process;
        BlobPort = blobPort;
        TablePort = tablePort;
        QueuePort = queuePort;
    }

    /// <summary>The Azurite (node) process id, for benchmarks that read its CPU time.</summary>
    public int ProcessId => _process.Id;

    public int BlobPort { get; }

    public int TablePort { get; }

    public int QueuePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;";

    /// <summary>
    /// Starts Azurite on three free ports. A port found free can be taken by another test's process before Azurite binds
    /// it (Azurite then exits at once): that start is tried again on fresh ports, up to three times.
    /// </summary>
    public static async Task<Azurite> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync();
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
            }
        }
    }

    private sealed class AzuriteExitedException(int code) : InvalidOperationException($"Azurite exited with code {code} before listening.");

    private static async Task<Azurite> StartOnFreePortsAsync()
    {
        var root = RepoRoot.Find();
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}; run 'npm ci' in {root} (the test command does).");
        }
        var blobPort = FreePort();
        var tablePort = FreePort();
        var queuePort = FreePort();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList =
            {
                script, "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
                "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new Azurite(process, blobPort, tablePort, queuePort);
        await WaitForPortAsync(tablePort, process);
        await WaitForPortAsync(blobPort, process);
        await WaitForPortAsync(queuePort, process);
        return azurite;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new AzuriteExitedException(process.ExitCode);
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"Azurite did not listen on port {port} within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

public static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracker.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Tracker.sln not found above " + AppContext.BaseDirectory);
    }
}
